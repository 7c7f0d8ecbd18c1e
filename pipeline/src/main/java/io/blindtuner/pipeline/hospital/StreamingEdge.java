package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.eval.Metrics;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.vision.features.Featurizer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hospital edge fed by streaming data. After the first model, new labelled images arriving in
 * an {@link ImageInbox} are featurized through the first job's fitted chain (featurizer, PCA,
 * scaling), and every {@link Settings#versionEvery} new images the edge announces the next version:
 * a job on the newest {@link Settings#window} images, warm-started from the last model it opened,
 * with fresh keys. The long-lived trainer picks each version up like any other job, so training
 * goes on as data arrives without restarting anything; each version is opened here and scored on
 * the test split.
 *
 * <p>Each version is its own job (its own keys, plan, refresh budget and ledger), so everything the
 * single-job protocol guarantees (no decryption oracle, exact resume) holds per version; what
 * carries over is only the hospital's own plaintext model, which it encrypts again under the new
 * keys.
 */
public final class StreamingEdge {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingEdge.class);

  /**
   * @param versionEvery new images that make a new version, &ge; 1
   * @param window images each version trains on (the newest), at least one batch
   * @param versions new versions to make before returning; 0 to go on until interrupted
   * @param poll how often the inbox is looked at
   */
  public record Settings(int versionEvery, int window, int versions, Duration poll) {
    /**
     * @throws IllegalArgumentException naming the setting out of range
     */
    public Settings {
      if (versionEvery < 1) {
        throw new IllegalArgumentException("version-every must be >= 1, got " + versionEvery);
      }
      if (window < 1) {
        throw new IllegalArgumentException("window must be >= 1, got " + window);
      }
      if (versions < 0) {
        throw new IllegalArgumentException("versions must be >= 0, got " + versions);
      }
      if (poll.isNegative() || poll.isZero()) {
        throw new IllegalArgumentException("poll must be positive, got " + poll);
      }
    }
  }

  /**
   * One model version the edge opened.
   *
   * @param version 2 for the first made from streamed images (the first job's model is version 1)
   * @param newImages images that arrived since the previous version
   * @param windowImages images the version trained on
   * @param parameters the opened parameters (flooded against IND-CPA-D with {@code floodingSigma})
   * @param floodingSigma the deviation of the flooding noise on each parameter
   * @param test its scores on the test split
   */
  public record Version(
      int version,
      String jobId,
      int newImages,
      int windowImages,
      HeadParameters parameters,
      double floodingSigma,
      Metrics test) {}

  /** Makes a version's job: its id, the window's tokens and the parameters it starts from. */
  @FunctionalInterface
  public interface JobFactory {
    /**
     * @throws IOException if the job's key cannot be read or kept ({@link EdgeKeys})
     */
    EdgeJob create(String jobId, TokenSet window, HeadParameters start) throws IOException;
  }

  private final EdgeService edge;
  private final ImageInbox inbox;
  private final HospitalTokens tokens;
  private final Featurizer featurizer;
  private final JobFactory jobs;
  private final Settings settings;
  private final Duration stepTimeout;

  /**
   * @param tokens the first job's tokens: their PCA and scaling, and the test split each version is
   *     scored on
   * @param featurizer the featurizer fitted on the first job's training images
   * @param stepTimeout how long a version may take per step before the edge gives up on it
   */
  public StreamingEdge(
      EdgeService edge,
      ImageInbox inbox,
      HospitalTokens tokens,
      Featurizer featurizer,
      JobFactory jobs,
      Settings settings,
      Duration stepTimeout) {
    this.edge = Objects.requireNonNull(edge, "edge");
    this.inbox = Objects.requireNonNull(inbox, "inbox");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.featurizer = Objects.requireNonNull(featurizer, "featurizer");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.stepTimeout = Objects.requireNonNull(stepTimeout, "stepTimeout");
  }

  /**
   * Makes versions from {@code first} on as images arrive, until {@link Settings#versions} are done
   * (or forever). The window starts as the newest accepted images of earlier runs, so a restarted
   * edge loses none.
   *
   * @param jobIdPrefix version k's job is {@code jobIdPrefix + ".v" + k + "-" + a time stamp}
   *     (unique per run)
   * @param onVersion told each version as it is opened
   * @throws InterruptedException if interrupted while waiting for images or a model
   * @throws IOException if the inbox cannot be read or moved
   * @throws ExecutionException if publishing a version's micro-batches fails
   * @throws java.util.concurrent.TimeoutException if a version's model does not arrive in time
   */
  public void run(String jobIdPrefix, HeadParameters first, Consumer<Version> onVersion)
      throws Exception {
    List<ImageInbox.Labelled> window = new ArrayList<>(inbox.accepted(settings.window()));
    HeadParameters current = first;
    int fresh = 0;
    for (int version = 2; settings.versions() == 0 || version <= settings.versions() + 1; ) {
      List<ImageInbox.Labelled> arrived = inbox.poll();
      window.addAll(arrived);
      if (window.size() > settings.window()) {
        window.subList(0, window.size() - settings.window()).clear();
      }
      fresh += arrived.size();
      if (fresh < settings.versionEvery()) {
        Thread.sleep(settings.poll().toMillis());
        continue;
      }
      TokenSet w = tokens.tokens(featurizer, inbox.split("inbox window", window));
      String id =
          jobIdPrefix + ".v" + version + "-" + Long.toString(System.currentTimeMillis(), 36);
      EdgeJob job = jobs.create(id, w, current);
      LOG.info(
          "version {}: job {} on the newest {} images ({} new), {} steps",
          version,
          id,
          window.size(),
          fresh,
          job.spec().steps());
      HospitalJob.Opened model;
      try (EdgeService.Run run = edge.start(job)) {
        run.publishBatches().toCompletableFuture().get();
        model = run.awaitModel(stepTimeout.multipliedBy(job.spec().steps()));
      }
      current = model.parameters();
      Metrics test =
          Metrics.ofHead(
              HeadFunctions.polynomial(tokens.shape().classes()), current, tokens.test());
      onVersion.accept(
          new Version(version, id, fresh, window.size(), current, model.floodingSigma(), test));
      fresh = 0;
      version++;
    }
  }
}
