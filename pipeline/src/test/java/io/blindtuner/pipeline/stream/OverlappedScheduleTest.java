package io.blindtuner.pipeline.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.actors.TransientFault;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.LevelException;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.Refresher;
import io.blindtuner.model.cloud.SequentialSchedule;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.hospital.EncryptedTrainingRun;
import io.blindtuner.model.plain.PlainTrainer;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The overlapped actor graph against the sequential schedule and the plaintext twin, on a small
 * INSECURE ring (N = 1024, for speed): 4 steps of 2 micro-batches of 16 images.
 *
 * <p>Bound: a stage pass carries at most about 2^-25 absolute error at N = 1024
 * (EncryptedStagesTest measures 2^-24.7 to 2^-29.7 against a 2^-12 worst case); the parameters
 * accumulate it over 4 steps times the learning rate 0.1 and the momentum gain 1/(1 - 0.9) = 10,
 * about 4 * 2^-25 = 2^-23 (measured 2^-27.7). The tests assert 2^-20, an 8x margin, plus the
 * flooding of the released parameters ({@link #bound}). Overlapped and sequential runs use
 * different keys and refresh randomness, so they agree within the sum of their bounds.
 */
public class OverlappedScheduleTest {
  /**
   * SEAL's key-switching layout; {@link #HYBRID_SPEC} the same primes in the services' default
   * hybrid layout.
   */
  public static final CkksSpec SPEC =
      CkksSpec.of(1024, 60, 40, 40, 40, 40, 40, 40, 40, 60).asInsecure();

  public static final CkksSpec HYBRID_SPEC = SPEC.withKeySwitching(4, 49, 49);
  public static final CkksParameters PARAMS = CkksParameters.create(SPEC);
  public static final HeadShape SHAPE = new HeadShape(4, 8, 4, 2);
  static final int BATCH = 2 * PARAMS.slots() / (SHAPE.tokens() * SHAPE.dim());
  public static final TrainingConfig CONFIG = new TrainingConfig(2, BATCH, 0.1, 0.1, 0.9, 1e-3, 5);
  public static final TokenSet DATA = random(SHAPE, 2 * BATCH, 31);
  public static final double BOUND = 0x1p-20;

  static TokenSet random(HeadShape s, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] mean = new double[n][s.dim()];
    double[][][] centred = new double[n][s.tokens()][s.dim()];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(2);
      for (int k = 0; k < s.dim(); k++) {
        mean[i][k] = r.nextGaussian() * 0.5 + (labels[i] == 1 && k == 0 ? 0.5 : 0);
        for (int t = 0; t < s.tokens(); t++) {
          centred[i][t][k] = r.nextGaussian() * 0.5;
        }
      }
    }
    return new TokenSet(mean, centred, labels, 2);
  }

  public static EncryptedTrainingRun.Result run(TrainingSchedule schedule, List<Integer> steps) {
    return EncryptedTrainingRun.run(
        PARAMS, SHAPE, CONFIG, DATA, schedule, Parallelism.SERIAL, r -> r, steps::add);
  }

  /**
   * {@link #BOUND} plus what releasing the parameters costs: flooding against IND-CPA-D adds a
   * Gaussian of the reported deviation to each, kept within 6 deviations.
   */
  public static double bound(EncryptedTrainingRun.Result r) {
    return BOUND + 6 * r.floodingSigma();
  }

  public static double maxDiff(HeadParameters a, HeadParameters b) {
    double[] x = a.flatten();
    double[] y = b.flatten();
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs(x[i] - y[i]));
    }
    return worst;
  }

  static Config config(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.load()).resolve();
  }

  @Test
  void overlappedEqualsSequentialAndTheTwin() {
    HeadParameters twin =
        new PlainTrainer(CONFIG).train(SHAPE, HeadFunctions.polynomial(2), DATA, s -> {});
    List<Integer> seqSteps = new CopyOnWriteArrayList<>();
    EncryptedTrainingRun.Result seq = run(new SequentialSchedule(Parallelism.SERIAL), seqSteps);
    List<Integer> ovSteps = new CopyOnWriteArrayList<>();
    OverlappedSchedule overlapped =
        new OverlappedSchedule(
            config("blindtuner.pipeline.micro-batches-in-flight = 2"), FaultInjector.NONE);
    EncryptedTrainingRun.Result ov = run(overlapped, ovSteps);
    System.out.printf(
        "overlapped vs twin 2^%.1f, sequential vs twin 2^%.1f, overlapped vs sequential 2^%.1f;"
            + " peak %d ciphertexts alive%n",
        log2(maxDiff(ov.parameters(), twin)),
        log2(maxDiff(seq.parameters(), twin)),
        log2(maxDiff(ov.parameters(), seq.parameters())),
        ov.peakCiphertextsAlive());
    assertThat(maxDiff(twin, HeadParameters.initial(SHAPE, 5)))
        .as("the twin learned")
        .isGreaterThan(0.01);
    assertThat(maxDiff(seq.parameters(), twin)).isLessThan(bound(seq));
    assertThat(maxDiff(ov.parameters(), twin)).isLessThan(bound(ov));
    assertThat(maxDiff(ov.parameters(), seq.parameters())).isLessThan(bound(ov) + bound(seq));
    assertThat(ov.microBatches()).isEqualTo(2);
    assertThat(ovSteps).as("updates applied in order").containsExactly(0, 1, 2, 3);
    assertThat(ov.rotations())
        .isEqualTo(seq.rotations())
        .isEqualTo(ov.plan().rotationsPerStep(2) * 4);
    assertThat(ov.multiplications()).isEqualTo(seq.multiplications());
    assertThat(ov.refreshRoundTrips()).isEqualTo(seq.refreshRoundTrips());
    assertThat(ov.peakCiphertextsAlive()).isLessThanOrEqualTo(256).isPositive();
    assertThat(overlapped.gauge().alive()).as("everything released").isZero();
  }

  @Test
  void theNextVersionsAttentionRunsWhileTheMlpWeightsAreStillOnTheirWay() {
    // Holds the MLP weights' part of version 2 until that version's first attention refresh is
    // asked: a graph that waited for every weight before the first phase would never ask it.
    RefreshId mlpWeights = RefreshId.weights(2, 1);
    RefreshId attention = new RefreshId(2, 0, Phase.ATTENTION_FORWARD);
    CompletableFuture<Void> attentionAsked = new CompletableFuture<>();
    AtomicBoolean heldUntilAsked = new AtomicBoolean();
    UnaryOperator<Refresher> holdMlpWeights =
        inner ->
            (id, cts, levels) -> {
              if (id.equals(attention)) {
                attentionAsked.complete(null);
              }
              if (!id.equals(mlpWeights)) {
                return inner.refresh(id, cts, levels);
              }
              return attentionAsked
                  .orTimeout(30, TimeUnit.SECONDS)
                  .handle((v, timedOut) -> timedOut == null)
                  .thenCompose(
                      asked -> {
                        heldUntilAsked.set(asked);
                        return inner.refresh(id, cts, levels);
                      });
            };
    EncryptedTrainingRun.Result r =
        EncryptedTrainingRun.run(
            PARAMS,
            SHAPE,
            CONFIG,
            DATA,
            new OverlappedSchedule(ConfigFactory.load(), FaultInjector.NONE),
            Parallelism.SERIAL,
            holdMlpWeights,
            s -> {});
    assertThat(r.plan().refreshInputs(mlpWeights))
        .extracting(TrainingPlan.RefreshInput::operand)
        .containsExactly(Operand.W1, Operand.B1, Operand.W2, Operand.B2);
    assertThat(heldUntilAsked).as("attention forward ran before the MLP weights arrived").isTrue();
    HeadParameters twin =
        new PlainTrainer(CONFIG).train(SHAPE, HeadFunctions.polynomial(2), DATA, s -> {});
    assertThat(maxDiff(r.parameters(), twin)).isLessThan(bound(r));
  }

  @Test
  void operationsSpreadOverTheHeDispatchersOwnThreadsGiveTheSameWeights() {
    HeadParameters twin =
        new PlainTrainer(CONFIG).train(SHAPE, HeadFunctions.polynomial(2), DATA, s -> {});
    EncryptedTrainingRun.Result r =
        run(
            new OverlappedSchedule(
                config("blindtuner.actors.he-threads-per-operation = 2"), FaultInjector.NONE),
            new CopyOnWriteArrayList<>());
    assertThat(maxDiff(r.parameters(), twin)).isLessThan(bound(r));
  }

  @Test
  void aTransientStageFailureRestartsTheStageAndTheJobFinishesWithTheSameWeights() {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    FaultInjector once =
        (stage, step, mb, attempt) -> {
          seen.add(stage + "@" + attempt);
          if (stage.equals("mlp") && step == 1 && mb == 1 && attempt == 1) {
            throw new TransientFault("injected: mlp step 1 micro-batch 1");
          }
          if (stage.equals("optimizer") && step == 2 && mb == -1 && attempt == 1) {
            throw new TransientFault("injected: optimizer update of step 2");
          }
        };
    HeadParameters twin =
        new PlainTrainer(CONFIG).train(SHAPE, HeadFunctions.polynomial(2), DATA, s -> {});
    List<Integer> steps = new CopyOnWriteArrayList<>();
    EncryptedTrainingRun.Result r =
        run(
            new OverlappedSchedule(config("blindtuner.actors.restart.min-backoff = 10 ms"), once),
            steps);
    assertThat(seen).as("both stages restarted once").contains("mlp@2", "optimizer@2");
    assertThat(steps).containsExactly(0, 1, 2, 3);
    // Nothing lost or applied twice: still the twin's weights.
    assertThat(maxDiff(r.parameters(), twin)).isLessThan(bound(r));
  }

  @Test
  void aCorruptedCiphertextStopsTheJobNamingTheStage() {
    FaultInjector corrupt =
        (stage, step, mb, attempt) -> {
          if (stage.equals("attention") && step == 1) {
            throw new LevelException("injected: ciphertext level does not match its data");
          }
        };
    assertThatThrownBy(
            () ->
                run(
                    new OverlappedSchedule(ConfigFactory.load(), corrupt),
                    new CopyOnWriteArrayList<>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stage 'attention' (forward, step 1")
        .hasMessageContaining("injected: ciphertext level does not match");
  }

  @Test
  void aCiphertextBoundTooSmallForOneMicroBatchIsRefusedNamingTheKey() {
    OverlappedSchedule tiny =
        new OverlappedSchedule(
            config("blindtuner.pipeline.max-ciphertexts-alive = 16"), FaultInjector.NONE);
    assertThatThrownBy(() -> run(tiny, new CopyOnWriteArrayList<>()))
        .hasMessageContaining("blindtuner.pipeline.max-ciphertexts-alive")
        .hasMessageContaining("must be at least");
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
