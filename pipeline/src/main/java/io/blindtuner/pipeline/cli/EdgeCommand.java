package io.blindtuner.pipeline.cli;

import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.eval.Metrics;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.model.hospital.KeyFileException;
import io.blindtuner.model.hospital.Passphrase;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.model.hospital.SecretKeyFile;
import io.blindtuner.pipeline.hospital.EdgeJob;
import io.blindtuner.pipeline.hospital.EdgeKeys;
import io.blindtuner.pipeline.hospital.EdgeService;
import io.blindtuner.pipeline.hospital.FeaturizerKind;
import io.blindtuner.pipeline.hospital.HospitalTokens;
import io.blindtuner.pipeline.hospital.ImageInbox;
import io.blindtuner.pipeline.hospital.StreamingEdge;
import io.blindtuner.pipeline.hospital.TrainingData;
import io.blindtuner.pipeline.hospital.TrainingReport;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.wire.JobSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blindtuner edge}: the hospital edge for one training job. Featurizes the hospital's
 * images, generates the job's keys (the secret key never leaves this process), announces the job on
 * Kafka, publishes the encrypted micro-batches, answers the trainer's refresh requests through the
 * guard, and opens and scores the encrypted model when it comes back. The trainer may run anywhere
 * that reaches the same Kafka cluster and blob store.
 */
@Command(
    name = "edge",
    mixinStandardHelpOptions = true,
    description = {
      "The hospital edge for one job: encrypt and publish the micro-batches, answer refreshes, open the"
          + " model (blindtuner.kafka, blindtuner.services)."
    })
public final class EdgeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeCommand.class);

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin DatasetSource source;

  @Option(
      names = "--job-id",
      paramLabel = "ID",
      description = "The job's id (default: edge-DATASET).")
  String jobId;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      defaultValue = "1",
      description = "Epochs (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--batch",
      paramLabel = "B",
      defaultValue = "64",
      description = "Images per step, a multiple of 32 (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--limit-train",
      paramLabel = "N",
      description = "Only the first N training images.")
  Integer limitTrain;

  @Option(
      names = "--lr",
      paramLabel = "RATE",
      defaultValue = "" + DemoCommand.LEARNING_RATE,
      description =
          "Peak learning rate (default ${DEFAULT-VALUE}: chosen on val for one epoch of batch 64, as in the"
              + " demo; lower it for longer runs or --watch versions that fine-tune a trained model).")
  double lr;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON settings over reference.conf.")
  Path config;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path report;

  @Option(
      names = "--watch",
      paramLabel = "DIR",
      description =
          "After the first model, keep fine-tuning on new"
              + " labelled images arriving in DIR (PNG/JPEG in a folder per class, or .npz with 'images' and 'labels'):"
              + " every --version-every new images a new version trains on the newest --window images, from the last model.")
  Path watch;

  @Option(
      names = "--version-every",
      paramLabel = "N",
      defaultValue = "64",
      description = "New images per model version with --watch (default ${DEFAULT-VALUE}).")
  int versionEvery;

  @Option(
      names = "--window",
      paramLabel = "N",
      defaultValue = "256",
      description =
          "Images each version trains on, the newest, with --watch; at least --batch (default"
              + " ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--versions",
      paramLabel = "K",
      defaultValue = "0",
      description =
          "Stop after K new versions with --watch; 0 goes on until stopped (default ${DEFAULT-VALUE}).")
  int versions;

  @Option(
      names = "--poll-seconds",
      paramLabel = "S",
      defaultValue = "2",
      description = "How often --watch looks for new images (default ${DEFAULT-VALUE}).")
  int pollSeconds;

  @Option(
      names = "--key-passphrase-file",
      paramLabel = "FILE",
      description =
          "Keep each job's secret key on disk"
              + " (blindtuner.services.edge.state-dir/keys, AES-256-GCM under a PBKDF2 key from the passphrase in FILE, e.g. a"
              + " mounted secret), so that an edge restarted mid-job takes the job up again. Without it or"
              + " --key-passphrase-env, keys live in memory only and a restarted edge cannot finish its job.")
  Path passphraseFile;

  @Option(
      names = "--key-passphrase-env",
      paramLabel = "VAR",
      description = "As --key-passphrase-file, the passphrase from environment variable VAR.")
  String passphraseEnv;

  @Override
  public Integer call() throws Exception {
    String id = jobId != null ? jobId : "edge-" + source.name().toLowerCase(Locale.ROOT);
    if (!JobSpec.isValidId(id)) {
      throw new IllegalArgumentException("--job-id must be 1 to 64 of [A-Za-z0-9._-], got " + id);
    }
    OptionChecks.positive("--epochs", epochs);
    OptionChecks.positive("--batch", batch);
    OptionChecks.positive("--lr", lr);
    if (limitTrain != null) {
      OptionChecks.positive("--limit-train", limitTrain);
    }
    if (report != null) {
      OptionChecks.writableFile("--report", report, true);
    }
    StreamingEdge.Settings streaming = null;
    if (watch != null) {
      if (Files.exists(watch) && !Files.isDirectory(watch)) {
        throw new IllegalArgumentException("--watch " + watch + " is a file, not a folder");
      }
      if (window < batch) {
        throw new IllegalArgumentException(
            "--window " + window + " is less than one --batch (" + batch + ")");
      }
      OptionChecks.positive("--poll-seconds", pollSeconds);
      try {
        streaming =
            new StreamingEdge.Settings(
                versionEvery, window, versions, Duration.ofSeconds(pollSeconds));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + e.getMessage(), e);
      }
      if (id.length() > 48) {
        throw new IllegalArgumentException(
            "--job-id "
                + id
                + " is too long for --watch (at most 48 characters: each"
                + " version's job id adds a suffix)");
      }
    }
    if (!source.hasData()) {
      throw new IllegalArgumentException(
          "--data is required: the edge reads the hospital's own files");
    }
    EdgeKeys.PassphraseSource passphrase = passphraseSource();
    PrintWriter o = spec.commandLine().getOut();
    DatasetSource.Loaded loaded = source.load(spec.commandLine().getErr(), null);
    TrainingData data =
        TrainingData.fromImages(
            loaded.dataset(),
            loaded.file(),
            limitTrain,
            FeaturizerKind.DEFAULT,
            FeaturizerKind.DEFAULT.defaultGrid(),
            FeaturizerKind.Dictionary.DEFAULT,
            TrainingData.numberedClasses(loaded.dataset().classes()));
    HospitalTokens tokens =
        HospitalTokens.prepare(data, DemoCommand.DIM, DemoCommand.HIDDEN, DemoCommand.CLIP);
    TrainingConfig cfg = new TrainingConfig(epochs, batch, lr, 0.1, 0.9, 1e-3, 7);
    try (ServiceRuntime rt = ServiceRuntime.start(config)) {
      Path state = rt.services.edgeStateDir();
      Files.createDirectories(state);
      EdgeKeys keys =
          passphrase == null
              ? EdgeKeys.inMemory()
              : EdgeKeys.onDisk(state.resolve("keys"), passphrase);
      if (!keys.persistent()) {
        LOG.warn(
            "secret keys are kept in memory only: if this edge stops before a job's model arrives, the job"
                + " cannot be finished (keep them on disk with --key-passphrase-file or --key-passphrase-env)");
      }
      StreamingEdge.JobFactory jobs =
          (jobId, train, start) ->
              EdgeJob.create(
                  jobId,
                  DemoCommand.ckks(),
                  tokens.shape(),
                  cfg,
                  train,
                  start,
                  keys,
                  budget -> ledger(state.resolve(jobId + ".ledger"), budget),
                  (rid, why) -> {
                    rt.metrics.counter("blindtuner.refresh.refused").increment();
                    LOG.warn("job {}: refused refresh {}: {}", jobId, rid, why);
                  },
                  Topic.BATCHES.maxRecordBytes(),
                  Parallelism.SERIAL);
      EdgeJob job =
          jobs.create(id, tokens.train(), HeadParameters.initial(tokens.shape(), cfg.seed()));
      try (EdgeService edge = new EdgeService(rt.config, rt.kafka, rt.blobs, rt.metrics);
          EdgeService.Run run = edge.start(job)) {
        rt.ready.set(true);
        o.printf(
            Locale.ROOT,
            "edge      job %s announced on %s: %d steps of %d micro-batches; publishing%n",
            id,
            rt.kafka.bootstrapServers(),
            job.spec().steps(),
            job.spec().microBatchesPerStep());
        o.flush();
        run.publishBatches().toCompletableFuture().get();
        o.printf(
            Locale.ROOT,
            "edge      %d micro-batch records published (%.1f MB); answering refreshes until the"
                + " model arrives%n",
            run.records(),
            run.batchBytes() / 1e6);
        o.flush();
        HospitalJob.Opened model =
            run.awaitModel(rt.services.timeout().multipliedBy(job.spec().steps()));
        Metrics m =
            Metrics.ofHead(
                HeadFunctions.polynomial(tokens.shape().classes()),
                model.parameters(),
                tokens.test());
        ModelTable.header(o);
        ModelTable.row(o, "encrypted (Kafka)", m);
        ModelTable.chanceNote(o, "encrypted model", m, tokens.shape().classes());
        Map<String, Object> rep = new LinkedHashMap<>();
        rep.put("job_id", id);
        rep.put("dataset", source.name());
        rep.put("steps", job.spec().steps());
        TrainingReport.put(rep, "encrypted", m);
        rep.put("release_flooding_sigma", model.floodingSigma());
        if (streaming != null) {
          List<Map<String, Object>> made = new ArrayList<>();
          rep.put("versions", made);
          ImageInbox inbox =
              new ImageInbox(
                  watch,
                  data.classNames(),
                  loaded.dataset().train().height(),
                  loaded.dataset().train().width());
          o.printf(
              Locale.ROOT,
              "watch     %s: a new version every %d new images, on the newest %d%s%n",
              watch,
              versionEvery,
              window,
              versions == 0 ? ", until stopped" : ", " + versions + " versions");
          o.flush();
          new StreamingEdge(
                  edge, inbox, tokens, data.featurizer(), jobs, streaming, rt.services.timeout())
              .run(
                  id,
                  model.parameters(),
                  v -> {
                    ModelTable.row(o, "version " + v.version(), v.test());
                    o.printf(
                        Locale.ROOT,
                        "          job %s: %d new images, trained on %d%n",
                        v.jobId(),
                        v.newImages(),
                        v.windowImages());
                    o.flush();
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("version", v.version());
                    row.put("job_id", v.jobId());
                    row.put("new_images", v.newImages());
                    row.put("window_images", v.windowImages());
                    TrainingReport.put(row, "encrypted", v.test());
                    made.add(row);
                  });
        }
        if (report != null) {
          JsonReport.write(report, rep);
          o.println("report    " + report);
        }
        o.flush();
      }
    }
    return 0;
  }

  /**
   * Where the key files' passphrase comes from, read and checked now (before any work), or null for
   * keys in memory.
   *
   * @throws IllegalArgumentException naming the options if both are given
   * @throws IOException naming the file or variable if it cannot be read or is too short
   */
  private EdgeKeys.PassphraseSource passphraseSource() throws IOException {
    if (passphraseFile != null && passphraseEnv != null) {
      throw new IllegalArgumentException(
          "--key-passphrase-file and --key-passphrase-env: give one");
    }
    EdgeKeys.PassphraseSource s =
        passphraseFile != null
            ? () -> Passphrase.fromFile(passphraseFile)
            : passphraseEnv != null ? () -> Passphrase.fromEnvironment(passphraseEnv) : null;
    if (s != null) {
      try (Passphrase p = s.read()) {
        SecretKeyFile.checkStrength(p);
      }
    }
    return s;
  }

  private static RefreshLedger ledger(Path file, long budget) {
    try {
      return RefreshLedger.open(file, budget);
    } catch (KeyFileException e) {
      throw new UncheckedIOException(e);
    }
  }
}
