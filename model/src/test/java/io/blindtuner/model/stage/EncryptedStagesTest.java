package io.blindtuner.model.stage;

import static io.blindtuner.model.HeadFixtures.randomData;
import static io.blindtuner.model.HeadFixtures.randomParams;
import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.approx.LossSoftmax;
import io.blindtuner.model.approx.NormalisedSoftmax;
import io.blindtuner.model.approx.QuadraticGelu;
import io.blindtuner.model.cloud.HeadSpec;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.hospital.KeyHolder;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.plain.AttentionPooling;
import io.blindtuner.model.plain.Mlp;
import io.blindtuner.model.plain.Nesterov;
import io.blindtuner.model.plain.SoftmaxLoss;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every encrypted stage's forward and backward against the plaintext twin, on a small INSECURE
 * parameter set (N = 1024, for test speed only; the real runs use N = 16384 at 128-bit security).
 *
 * <p>Error bound, derived (average case, as the HE literature estimates CKKS noise): a ciphertext
 * encrypted with the secret key has slot errors of standard deviation sigma sqrt(N) / scale = 3.2 *
 * 32 / 2^40 = 2^-33.3 (sigma = 3.2, N = 2^10); each rescale's rounding adds N / (sqrt(18) scale) =
 * 2^-32.1, key switching with the 60-bit special prime less; a stage pass has at most 7 rescales
 * (the five-class loss), so its operands carry at most sqrt(2^-66.6 + 7 * 2^-64.2) = 2^-30.7. A
 * product of operands bounded by M adds M times each operand's error, and a sum of n slots with
 * independent errors multiplies the deviation by sqrt(n). A stage pass has at most 5 products and
 * sums over at most 32 slots (the batch); every operand here is bounded by M = 4 (each input and
 * each twin output is checked against M), so a stage output's deviation is at most 4^5 * sqrt(32) *
 * 2^-30.7, and six deviations, which no slot of these tests exceeds by chance, 2^-15.6: {@link
 * #BOUND}, relative to max(1, |twin value|). Measured: 2^-24.7 at worst, the derivation taking
 * every operand at M.
 *
 * <p>Each test also runs the same stage code through {@link DryRunOps} from the same input levels:
 * the symbolic run must predict every output's level and scale and exactly the rotation steps,
 * rotations and products the real run performed (the plan is derived from the symbolic run).
 */
class EncryptedStagesTest {
  static final HeadShape SHAPE = new HeadShape(4, 8, 4, 2);

  /** The operand bound the error bound rests on. */
  static final double M = 4;

  /**
   * A stage's operands' error deviation: fresh encryption and 7 rescales at N = 1024, scale 2^40:
   * 2^-30.7.
   */
  static final double DEVIATION =
      Math.sqrt(
          Math.pow(3.2 * Math.sqrt(1024) / 0x1p40, 2)
              + 7 * Math.pow(1024 / Math.sqrt(18) / 0x1p40, 2));

  /** Six deviations of a stage output's error (see the class comment): 2^-15.6. */
  static final double BOUND = 6 * Math.pow(M, 5) * Math.sqrt(32) * DEVIATION;

  static CkksParameters params;
  static KeyHolder keys;
  static HeOps ops;
  static DryRunOps dry;
  static SlotLayout lay;
  static TokenSet data;
  static int[] index;
  static HeadParameters p;
  static HeadFunctions fn;

  @BeforeAll
  static void setUp() {
    params =
        CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 40, 40, 40, 40, 40, 60).asInsecure());
    lay = SlotLayout.forShape(SHAPE, params.slots());
    // Keys for two and five classes (the five-class loss replicates over 5 columns: hoisted
    // rotations).
    TreeSet<Integer> steps = new TreeSet<>();
    for (int classes : new int[] {SHAPE.classes(), 5}) {
      for (int st :
          TrainingPlan.derive(
                  params, HeadSpec.of(lay, HeadFunctions.polynomial(classes), 0.9, 0, 0))
              .rotationSteps()) {
        steps.add(st);
      }
    }
    keys = new KeyHolder(params, steps.stream().mapToInt(Integer::intValue).toArray());
    data = randomData(SHAPE, lay.batch(), 11);
    index = new int[lay.batch()];
    for (int i = 0; i < index.length; i++) {
      index[i] = i;
    }
    p = randomParams(SHAPE, 12, 0.5);
    fn = HeadFunctions.polynomial(SHAPE.classes());
  }

  @org.junit.jupiter.api.BeforeEach
  void freshOps() {
    ops =
        new HeOps(
            "test",
            params,
            Evaluator.strict(params, Parallelism.SERIAL),
            keys.encoder(),
            Optional.of(keys.relinKeys()),
            keys.galoisKeys());
    dry = new DryRunOps(params);
  }

  private static SymbolicCiphertext sym(Ciphertext c) {
    return dry.fresh(c.level());
  }

  /**
   * The dry run predicted the real run's level, scale and size, and performed the same operations.
   */
  private static void assertPredicted(String what, Ciphertext real, SymbolicCiphertext predicted) {
    assertThat(predicted.level()).as(what + " level").isEqualTo(real.level());
    assertThat(predicted.scale()).as(what + " scale").isEqualTo(real.scale());
    assertThat(predicted.size()).as(what + " size").isEqualTo(real.size());
    assertThat(dry.counter().steps())
        .as(what + ": rotation steps")
        .isEqualTo(ops.counter().steps());
    assertThat(dry.counter().rotations())
        .as(what + ": rotations")
        .isEqualTo(ops.counter().rotations());
    assertThat(dry.counter().products())
        .as(what + ": products")
        .isEqualTo(ops.counter().products());
  }

  private static Ciphertext enc(double[] v) {
    assertThat(maxAbs(v)).as("input within the operand bound M").isLessThanOrEqualTo(M);
    return keys.encrypt(v);
  }

  private static double[] dec(Ciphertext c) {
    return keys.decrypt(c);
  }

  /** Asserts every slot of c (at the slots where want is defined) within BOUND * max(1, |want|). */
  private static void assertSlots(String what, Ciphertext c, double[] want) {
    double[] got = dec(c);
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      double err = Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i]));
      worst = Math.max(worst, err);
    }
    System.out.printf(
        "%s: worst relative error 2^%.1f at level %d%n",
        what, Math.log(worst) / Math.log(2), c.level());
    assertThat(maxAbs(want)).as(what + " within the operand bound M").isLessThanOrEqualTo(M);
    assertThat(worst).as(what).isLessThanOrEqualTo(BOUND);
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }

  private static double[][] means() {
    double[][] m = new double[index.length][];
    for (int b = 0; b < index.length; b++) {
      m[b] = data.mean()[index[b]];
    }
    return m;
  }

  private static double[][][] centred() {
    double[][][] c = new double[index.length][][];
    for (int b = 0; b < index.length; b++) {
      c[b] = data.centred()[index[b]];
    }
    return c;
  }

  /** Rows x cols per image replicated over r: (b, *, k) = v[b][k]. */
  private static double[] overRows(double[][] v) {
    double[] out = new double[lay.slots()];
    for (int b = 0; b < lay.batch(); b++) {
      for (int r = 0; r < lay.rows(); r++) {
        for (int k = 0; k < v[b].length; k++) {
          out[lay.index(b, r, k)] = v[b][k];
        }
      }
    }
    return out;
  }

  /** (b, j, *) = v[b][j]. */
  private static double[] overCols(double[][] v) {
    double[] out = new double[lay.slots()];
    for (int b = 0; b < lay.batch(); b++) {
      for (int j = 0; j < v[b].length; j++) {
        for (int s = 0; s < lay.cols(); s++) {
          out[lay.index(b, j, s)] = v[b][j];
        }
      }
    }
    return out;
  }

  @Test
  void attentionForwardAndBackwardTrackTheTwin() {
    AttentionStage<Ciphertext> stage = new AttentionStage<>(ops, lay);
    AttentionStage<SymbolicCiphertext> symbolic = new AttentionStage<>(dry, lay);
    Ciphertext x = enc(lay.tokens(data, index));
    Ciphertext q = enc(lay.pack(p)[0]);
    Ciphertext mean = enc(lay.means(data, index));
    AttentionStage.Forward<Ciphertext> fwd = stage.forward(x, mean, q);
    AttentionStage.Forward<SymbolicCiphertext> sfwd = symbolic.forward(sym(x), sym(mean), sym(q));
    assertPredicted("attention forward z", fwd.z(), sfwd.z());
    assertPredicted("attention forward scores", fwd.scores(), sfwd.scores());
    AttentionPooling twin = new AttentionPooling(fn.pooling());
    AttentionPooling.Pooled pooled = twin.forward(means(), centred(), p.q);
    assertThat(params.maxLevel() - fwd.z().level()).isEqualTo(5);
    assertSlots("attention forward z", fwd.z(), overRows(pooled.z()));
    assertSlots("attention scores", fwd.scores(), overCols(pooled.scores()));

    double[][] dz = randomData(SHAPE, lay.batch(), 13).mean();
    Ciphertext dzCt = enc(overRows(dz));
    Ciphertext dq = stage.backward(dzCt, x, fwd.scores());
    assertPredicted(
        "attention backward dq", dq, symbolic.backward(sym(dzCt), sym(x), sfwd.scores()));
    double[] want = twin.backward(centred(), pooled, dz);
    HeadParameters wantP = HeadParameters.zeros(SHAPE);
    System.arraycopy(want, 0, wantP.q, 0, want.length);
    assertThat(dzCt.level() - dq.level()).isEqualTo(4);
    assertSlots("attention backward dq", dq, lay.pack(wantP)[0]);
  }

  /** With and without the range penalty, whose term rides in the backward's product. */
  @ParameterizedTest(name = "range penalty {0}")
  @ValueSource(doubles = {0, 0.05})
  void mlpForwardAndBackwardTrackTheTwin(double penalty) {
    QuadraticGelu gelu = (QuadraticGelu) fn.activation();
    MlpStage<Ciphertext> stage = new MlpStage<>(ops, lay, SHAPE.classes(), gelu, penalty, 2);
    MlpStage<SymbolicCiphertext> symbolic =
        new MlpStage<>(dry, lay, SHAPE.classes(), gelu, penalty, 2);
    double[][] z = randomData(SHAPE, lay.batch(), 14).mean();
    double[][] packed = lay.pack(p);
    Ciphertext zCt = enc(overRows(z));
    Ciphertext w1 = enc(packed[1]);
    Ciphertext w2 = enc(packed[3]);
    Ciphertext b1 = enc(packed[2]);
    Ciphertext b2 = enc(packed[4]);
    MlpStage.Forward<Ciphertext> fwd = stage.forward(zCt, w1, b1, w2, b2);
    MlpStage.Forward<SymbolicCiphertext> sfwd =
        symbolic.forward(sym(zCt), sym(w1), sym(b1), sym(w2), sym(b2));
    assertPredicted("mlp logits", fwd.logits(), sfwd.logits());
    assertPredicted("mlp h", fwd.h(), sfwd.h());
    assertPredicted("mlp aq", fwd.aq(), sfwd.aq());
    Mlp twin = new Mlp(gelu, penalty);
    Mlp.Out out = twin.forward(z, p);
    assertThat(params.maxLevel() - fwd.logits().level()).isEqualTo(5);
    assertSlots("mlp h", fwd.h(), overCols(out.h()));
    assertSlots("mlp logits", fwd.logits(), overRows(out.logits()));

    double[][] dl = new double[lay.batch()][SHAPE.classes()];
    SplittableRandom r = new SplittableRandom(15);
    for (double[] row : dl) {
      for (int c = 0; c < row.length; c++) {
        row[c] = r.nextGaussian() / lay.batch();
      }
    }
    Ciphertext g = enc(overRows(dl));
    MlpStage.Backward<Ciphertext> back = stage.backward(g, zCt, fwd.h(), fwd.aq(), w1, w2);
    MlpStage.Backward<SymbolicCiphertext> sback =
        symbolic.backward(sym(g), sym(zCt), sfwd.h(), sfwd.aq(), sym(w1), sym(w2));
    assertPredicted("mlp dz", back.dz(), sback.dz());
    assertPredicted("mlp dW1", back.w1(), sback.w1());
    assertPredicted("mlp db1", back.b1(), sback.b1());
    assertPredicted("mlp dW2", back.w2(), sback.w2());
    assertPredicted("mlp db2", back.b2(), sback.b2());
    HeadParameters grad = HeadParameters.zeros(SHAPE);
    double[][] dz = twin.backward(z, out, dl, p, grad);
    double[][] gp = lay.pack(grad);
    assertThat(g.level() - back.dz().level()).isEqualTo(5);
    assertThat(g.level() - back.w1().level()).isEqualTo(4);
    assertSlots("mlp dz", back.dz(), overRows(dz));
    assertSlots("mlp dW1", back.w1(), gp[1]);
    assertSlots("mlp db1", back.b1(), gp[2]);
    assertSlots("mlp dW2", ops.mulScalar(back.w2(), gelu.alpha()), gp[3]);
    assertSlots("mlp db2", back.b2(), gp[4]);
  }

  @ParameterizedTest(name = "range penalty {0}")
  @ValueSource(doubles = {0, 0.05})
  void lossGradientTracksTheTwin(double penalty) {
    lossGradientTracksTheTwin((LossSoftmax) fn.softmax(), data.labels(), penalty);
  }

  @ParameterizedTest(name = "range penalty {0}")
  @ValueSource(doubles = {0, 0.05})
  void fiveClassLossGradientTracksTheTwin(double penalty) {
    int[] labels = new int[lay.batch()];
    SplittableRandom r = new SplittableRandom(19);
    for (int b = 0; b < labels.length; b++) {
      labels[b] = r.nextInt(5);
    }
    lossGradientTracksTheTwin((LossSoftmax) HeadFunctions.polynomial(5).softmax(), labels, penalty);
  }

  private void lossGradientTracksTheTwin(LossSoftmax softmax, int[] allLabels, double penalty) {
    TokenSet data =
        new TokenSet(
            EncryptedStagesTest.data.mean(),
            EncryptedStagesTest.data.centred(),
            allLabels,
            softmax.classes());
    LossStage<Ciphertext> stage = new LossStage<>(ops, lay, softmax, penalty);
    double[][] logits = new double[lay.batch()][softmax.classes()];
    SplittableRandom r = new SplittableRandom(16);
    // the normalised softmax's e(u) reaches 15 at the corners of its domain: its logits are drawn
    // where every operand stays within M (e(u) < 3.8 for |u| <= 1.6 * 0.85)
    double half = softmax instanceof NormalisedSoftmax ? 0.85 : softmax.range();
    for (double[] row : logits) {
      for (int c = 0; c < row.length; c++) {
        row[c] = (2 * r.nextDouble() - 1) * half;
      }
    }
    int[] labels = new int[lay.batch()];
    for (int b = 0; b < labels.length; b++) {
      labels[b] = data.labels()[index[b]];
    }
    Ciphertext l = enc(overRows(logits));
    Ciphertext y = enc(lay.labels(data, index));
    Ciphertext g = stage.forward(l, y);
    assertPredicted(
        "loss gradient", g, new LossStage<>(dry, lay, softmax, penalty).forward(sym(l), sym(y)));
    SoftmaxLoss twin = new SoftmaxLoss(softmax, penalty);
    double[][] want = twin.gradient(logits, twin.probabilities(logits), labels);
    assertThat(l.level() - g.level()).isEqualTo(softmax.classes() == 2 ? 5 : 7);
    assertSlots("loss gradient, " + softmax.classes() + " classes", g, overRows(want));
  }

  @Test
  void optimizerTracksTheTwin() {
    OptimizerStage<Ciphertext> stage = new OptimizerStage<>(ops, 0.9, 1e-3);
    OptimizerStage<SymbolicCiphertext> symbolic = new OptimizerStage<>(dry, 0.9, 1e-3);
    HeadParameters v0 = randomParams(SHAPE, 17, 0.1);
    HeadParameters g = randomParams(SHAPE, 18, 0.1);
    // The twin's update (Nesterov) from velocity v0: the first step of a fresh optimizer has
    // velocity 0, so its
    // update from velocity v0 is the same formula with mu * v0 added to the velocity.
    double[] t = p.flatten();
    double[] v = v0.flatten();
    double[] gf = g.flatten();
    double[] want = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      double gi = gf[i] + 1e-3 * t[i];
      double vi = 0.9 * v[i] + gi;
      want[i] = t[i] - 0.05 * (gi + 0.9 * vi);
    }
    Nesterov twin = new Nesterov(0.9, 1e-3, SHAPE.parameterCount());
    HeadParameters fromZero = twin.step(p, g, 0.05);
    for (int i = 0; i < t.length; i++) {
      // same formula with v0 = 0: checks the hand-written line above against the twin optimizer
      double gi = gf[i] + 1e-3 * t[i];
      assertThat(fromZero.flatten()[i])
          .isCloseTo(t[i] - 0.05 * (gi + 0.9 * gi), org.assertj.core.data.Offset.offset(1e-15));
    }
    double[][] pp = lay.pack(p);
    double[][] vp = lay.pack(v0);
    double[][] gp = lay.pack(g);
    double[][] wp = lay.pack(HeadParameters.fromFlat(SHAPE, want));
    for (int i = 0; i < 5; i++) {
      Ciphertext theta = enc(pp[i]);
      Ciphertext vel = enc(vp[i]);
      Ciphertext grad = enc(gp[i]);
      OptimizerStage.Update<Ciphertext> u = stage.step(theta, vel, grad, 1, 0.05);
      OptimizerStage.Update<SymbolicCiphertext> su =
          symbolic.step(sym(theta), sym(vel), sym(grad), 1, 0.05);
      assertPredicted("optimizer parameter " + i, u.parameter(), su.parameter());
      assertPredicted("optimizer velocity " + i, u.velocity(), su.velocity());
      assertThat(params.maxLevel() - u.parameter().level()).isEqualTo(2);
      assertSlots("optimizer parameter " + i, u.parameter(), wp[i]);
    }
  }
}
