package io.blindtuner.pipeline.hospital;

import com.typesafe.config.Config;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.SequentialSchedule;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.eval.DomainReport;
import io.blindtuner.model.eval.Metrics;
import io.blindtuner.model.hospital.EncryptedTrainingRun;
import io.blindtuner.model.plain.BatchOrder;
import io.blindtuner.model.plain.PlainTrainer;
import io.blindtuner.model.plan.TrainingPlan;
import io.blindtuner.pipeline.hospital.TrainingListener.Phase;
import io.blindtuner.vision.features.FeatureSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The hospital's training application: trains the head three ways on the same tokens,
 * initialisation, batch order and hyper-parameters — the float reference (exact softmax and GELU),
 * the plaintext twin (the polynomial model in double precision) and, when asked, the same
 * polynomial model on CKKS ciphertexts — and scores each on the test split after every epoch (the
 * encrypted run at its end). It lives at the hospital: it sees the plaintext tokens and, through
 * {@link EncryptedTrainingRun}, holds the keys.
 *
 * <p>{@link #prepare} validates the request and derives everything (PCA, scaling, shape, CKKS
 * parameters and the encrypted plan) before any training or key generation, so a bad option is
 * refused before work starts; {@link #train} then runs.
 */
public final class TrainingService {
  private final Config config;

  /**
   * @param config the settings of the overlapped pipeline (blindtuner.pipeline)
   */
  public TrainingService(Config config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * Validates the request and derives the job.
   *
   * @throws IllegalArgumentException naming the option at fault: --dim above the tokens' width,
   *     --batch above the training images, --poly-degree/--coeff-bits that are insecure or too
   *     shallow, or a --batch/--dim/--hidden that the encrypted packing cannot carry
   */
  public PreparedTraining prepare(TrainingRequest r) {
    long start = System.nanoTime();
    TrainingData data = r.data();
    FeatureSet train = data.train();
    FeatureSet test = data.test();
    TrainingConfig cfg = r.config();
    if (train.n() < cfg.batchSize()) {
      throw new IllegalArgumentException(
          "--batch " + cfg.batchSize() + " is more than the " + train.n() + " training images");
    }
    if (test.n() < 1) {
      throw new IllegalArgumentException("the test split of " + data.source() + " is empty");
    }
    HeadShape shape = new HeadShape(train.tokens(), r.dim(), r.hidden(), data.classes());
    CkksParameters params = null;
    TrainingPlan plan = null;
    if (r.encrypted()) {
      EncryptionSettings e = r.encryption();
      try {
        params = CkksParameters.create(e.spec());
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(e.describe() + ": " + ex.getMessage(), ex);
      }
      try {
        // a dry run on the shape alone: cheap, and before any key exists
        plan = EncryptedTrainingRun.plan(params, shape, cfg);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(
            "--batch "
                + cfg.batchSize()
                + " --dim "
                + r.dim()
                + " --hidden "
                + r.hidden()
                + " "
                + e.describe()
                + " cannot run encrypted: "
                + ex.getMessage(),
            ex);
      }
    }
    HospitalTokens tokens =
        HospitalTokens.prepare(data, r.dim(), r.hidden(), r.clip(), r.positions());
    int steps = new BatchOrder(tokens.train().labels(), cfg).steps();
    return new PreparedTraining(r, tokens, steps, params, plan, start);
  }

  /**
   * Runs the float reference, the twin and (if asked) the encrypted run, scoring each on the test
   * split.
   *
   * @throws IllegalStateException if the encrypted run fails (a bug: the plan was checked by {@link
   *     #prepare})
   */
  public TrainingResult train(PreparedTraining job, TrainingListener listener) {
    TrainingRequest r = job.request();
    HeadFunctions poly = HeadFunctions.polynomial(job.shape().classes());
    HeadFunctions exact = HeadFunctions.exact();

    long t = System.nanoTime();
    List<EpochMetrics> floatHistory = new ArrayList<>();
    HeadParameters floatParams = plain(job, exact, Phase.FLOAT, listener, floatHistory);
    double floatSeconds = seconds(t);
    t = System.nanoTime();
    List<EpochMetrics> twinHistory = new ArrayList<>();
    HeadParameters twinParams = plain(job, poly, Phase.TWIN, listener, twinHistory);
    double twinSeconds = seconds(t);

    EncryptedRunFacts facts = null;
    HeadParameters encParams = null;
    List<EpochMetrics> encHistory = new ArrayList<>();
    double encSeconds = 0;
    if (r.encrypted()) {
      t = System.nanoTime();
      EncryptedTrainingRun.Result enc = encrypted(job, listener);
      encSeconds = seconds(t);
      encParams = enc.parameters();
      EpochMetrics end = score(r.config().epochs(), Double.NaN, poly, encParams, job.test());
      encHistory.add(end);
      EncryptionSettings e = r.encryption();
      CkksParameters p = job.params();
      facts =
          new EncryptedRunFacts(
              end.test(),
              maxAbsDiff(encParams, twinParams),
              enc.floodingSigma(),
              enc.steps(),
              enc.microBatches(),
              enc.secondsPerStep(),
              enc.rotations(),
              enc.multiplications(),
              enc.refreshRoundTrips(),
              enc.refreshedCiphertexts(),
              enc.bytesToCloud(),
              enc.bytesFromCloud(),
              enc.peakCiphertextsAlive(),
              p.n(),
              p.spec().coeffModulusBits(),
              p.keySwitchLayout().toString(),
              p.totalBits(),
              p.isInsecure() ? 0 : 128,
              p.slots(),
              p.maxLevel(),
              e.threads(),
              e.pipeline());
    }
    DomainReport domain = DomainReport.measure(poly, twinParams, job.train());
    TrainingData data = r.data();
    TrainingReport report =
        new TrainingReport(
            data.dataset(),
            data.source(),
            data.featurizerName(),
            job.reduction(),
            job.train().size(),
            job.test().size(),
            job.shape(),
            r.config(),
            job.steps(),
            r.clip(),
            poly.pooling().describe(),
            poly.activation().describe(),
            poly.softmax().describe(),
            last(floatHistory).test(),
            last(twinHistory).test(),
            domain,
            domain.warnings(poly),
            facts,
            floatHistory,
            twinHistory,
            encHistory,
            floatSeconds,
            twinSeconds,
            encSeconds,
            seconds(job.startNanos()));
    return new TrainingResult(report, job, floatParams, twinParams, encParams);
  }

  /** A plaintext run, scored after every epoch into {@code history}. */
  private static HeadParameters plain(
      PreparedTraining job,
      HeadFunctions functions,
      Phase phase,
      TrainingListener listener,
      List<EpochMetrics> history) {
    listener.started(phase, job.steps());
    try {
      return plainScored(
          job.request().config(),
          job.shape(),
          functions,
          job.train(),
          job.test(),
          history,
          () -> listener.stepped(phase));
    } finally {
      listener.finished(phase);
    }
  }

  /**
   * Trains a plaintext head (float reference or twin, by {@code functions}) and scores it on {@code
   * test} after every epoch into {@code history}, with the epoch's mean batch loss.
   *
   * @param onStep called after every step
   */
  public static HeadParameters plainScored(
      TrainingConfig config,
      HeadShape shape,
      HeadFunctions functions,
      TokenSet train,
      TokenSet test,
      List<EpochMetrics> history,
      Runnable onStep) {
    int perEpoch = new BatchOrder(train.labels(), config).steps() / config.epochs();
    double[] lossSum = new double[1];
    return new PlainTrainer(config)
        .train(
            shape,
            functions,
            train,
            (s, loss, p) -> {
              lossSum[0] += loss;
              if ((s + 1) % perEpoch == 0) {
                history.add(score((s + 1) / perEpoch, lossSum[0] / perEpoch, functions, p, test));
                lossSum[0] = 0;
              }
              onStep.run();
            });
  }

  private EncryptedTrainingRun.Result encrypted(PreparedTraining job, TrainingListener listener) {
    EncryptionSettings e = job.request().encryption();
    ExecutorService pool = e.threads() > 1 ? Executors.newFixedThreadPool(e.threads() - 1) : null;
    listener.started(Phase.ENCRYPTED, job.steps());
    try {
      Parallelism par = pool == null ? Parallelism.SERIAL : new Parallelism(pool, e.threads());
      TrainingSchedule schedule =
          e.pipeline() == EncryptionSettings.Pipeline.sequential
              ? new SequentialSchedule(par)
              : new LocalSchedule(config, FaultInjector.NONE);
      return EncryptedTrainingRun.run(
          job.params(),
          job.shape(),
          job.request().config(),
          job.train(),
          schedule,
          par,
          refresher -> refresher,
          s -> listener.stepped(Phase.ENCRYPTED));
    } finally {
      listener.finished(Phase.ENCRYPTED);
      if (pool != null) {
        pool.shutdown();
      }
    }
  }

  /**
   * The test metrics and loss of a head from its logits, with exact softmax scores (so heads with
   * different output functions rank and score comparably).
   */
  /** The head {@code p} scored on {@code test} as the point after {@code epoch} epochs. */
  public static EpochMetrics score(
      int epoch, double trainLoss, HeadFunctions functions, HeadParameters p, TokenSet test) {
    double[][] probs = Metrics.probabilities(functions, p, test);
    return new EpochMetrics(
        epoch, trainLoss, crossEntropy(probs, test.labels()), Metrics.of(probs, test.labels()));
  }

  /**
   * The mean cross-entropy of probabilities against labels (a zero probability counts as the
   * smallest normal).
   */
  public static double crossEntropy(double[][] probs, int[] labels) {
    double loss = 0;
    for (int i = 0; i < probs.length; i++) {
      loss -= Math.log(Math.max(Double.MIN_NORMAL, probs[i][labels[i]]));
    }
    return loss / probs.length;
  }

  private static EpochMetrics last(List<EpochMetrics> history) {
    return history.get(history.size() - 1);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static double maxAbsDiff(HeadParameters a, HeadParameters b) {
    double[] x = a.flatten();
    double[] y = b.flatten();
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }
}
