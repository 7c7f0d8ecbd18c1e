package io.blindtuner.model.plain;

import static io.blindtuner.model.HeadFixtures.randomData;
import static io.blindtuner.model.HeadFixtures.randomParams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.OutputSoftmax;
import io.blindtuner.model.approx.NormalisedSoftmax;
import io.blindtuner.model.approx.PolynomialSoftmax;
import io.blindtuner.model.data.TokenSet;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Central finite differences against every stage's backward pass, on the twin (polynomial
 * functions) and on the float reference (exact functions). Step 1e-5 gives truncation error ~1e-10
 * * f''' and rounding ~1e-16/1e-5, so a relative tolerance of 1e-6 has ample margin yet catches any
 * wrong term (those are O(1) relative).
 */
class GradientCheckTest {
  private static final double H = 1e-5;
  private static final HeadShape SHAPE = new HeadShape(4, 3, 5, 3);

  private static HeadFunctions functions(boolean twin) {
    return twin ? HeadFunctions.polynomial(SHAPE.classes()) : HeadFunctions.exact();
  }

  /**
   * The twin's functions with a loss softmax that has a potential: the odd polynomial, for three
   * classes. The twin's own three-class softmax ({@link NormalisedSoftmax}) has none (its {@code p
   * - y} follows the exact cross-entropy's gradient within its fit error, checked below), so the
   * chain beneath the loss is checked exactly with this one.
   */
  private static HeadFunctions withPotential(boolean twin) {
    HeadFunctions f = functions(twin);
    return twin
        ? new HeadFunctions(
            f.pooling(),
            f.activation(),
            new PolynomialSoftmax(SHAPE.classes(), HeadFunctions.logitRange(SHAPE.classes())))
        : f;
  }

  private static void assertGradient(double[] analytic, double[] x, ToDoubleFunction<double[]> f) {
    double scale = 0;
    for (double a : analytic) {
      scale = Math.max(scale, Math.abs(a));
    }
    assertThat(scale).isGreaterThan(1e-3);
    for (int i = 0; i < x.length; i++) {
      double[] up = x.clone();
      double[] down = x.clone();
      up[i] += H;
      down[i] -= H;
      double fd = (f.applyAsDouble(up) - f.applyAsDouble(down)) / (2 * H);
      assertThat(analytic[i])
          .as("component %d", i)
          .isCloseTo(fd, org.assertj.core.data.Offset.offset(1e-6 * scale));
    }
  }

  @ParameterizedTest(name = "twin={0}")
  @ValueSource(booleans = {true, false})
  void attentionStageGradientMatchesFiniteDifferences(boolean twin) {
    TokenSet data = randomData(SHAPE, 6, 1);
    AttentionPooling att = new AttentionPooling(functions(twin).pooling());
    double[] q = randomParams(SHAPE, 2, 0.7).q;
    double[][] r = randomData(SHAPE, 6, 3).mean();
    ToDoubleFunction<double[]> f =
        qq -> {
          double[][] z = att.forward(data.mean(), data.centred(), qq).z();
          double s = 0;
          for (int b = 0; b < z.length; b++) {
            s += AttentionPooling.dot(z[b], r[b]);
          }
          return s;
        };
    double[] dq = att.backward(data.centred(), att.forward(data.mean(), data.centred(), q), r);
    assertGradient(dq, q, f);
  }

  @ParameterizedTest(name = "twin={0}, range penalty {1}")
  @CsvSource({"true, 0", "false, 0", "true, 0.3", "false, 0.3"})
  void mlpStageGradientMatchesFiniteDifferences(boolean twin, double penalty) {
    Mlp mlp = new Mlp(functions(twin).activation(), penalty);
    double[][] z = randomData(SHAPE, 6, 4).mean();
    double[][] r = new double[6][SHAPE.classes()];
    SplittableRandom rnd = new SplittableRandom(5);
    for (double[] row : r) {
      for (int c = 0; c < row.length; c++) {
        row[c] = rnd.nextGaussian();
      }
    }
    HeadParameters p = randomParams(SHAPE, 6, 0.7);
    ToDoubleFunction<double[]> f =
        v -> {
          Mlp.Out out = mlp.forward(z, HeadParameters.fromFlat(SHAPE, v));
          double[][] l = out.logits();
          double s = mlp.penalty(out);
          for (int b = 0; b < l.length; b++) {
            s += AttentionPooling.dot(l[b], r[b]);
          }
          return s;
        };
    HeadParameters grad = HeadParameters.zeros(SHAPE);
    double[][] dz = mlp.backward(z, mlp.forward(z, p), r, p, grad);
    double[] g = grad.flatten();
    double[] v = p.flatten();
    // q is not an MLP parameter: its gradient entries stay zero, which the finite difference
    // confirms.
    assertGradient(g, v, f);
    double[] zFlat = flat(z);
    ToDoubleFunction<double[]> fz =
        zz -> {
          Mlp.Out out = mlp.forward(unflat(zz, 6, SHAPE.dim()), p);
          double[][] l = out.logits();
          double s = mlp.penalty(out);
          for (int b = 0; b < l.length; b++) {
            s += AttentionPooling.dot(l[b], r[b]);
          }
          return s;
        };
    assertGradient(flat(dz), zFlat, fz);
  }

  @ParameterizedTest(name = "twin={0}, range penalty {1}")
  @CsvSource({"true, 0", "false, 0", "true, 0.3", "false, 0.3"})
  void lossStageGradientIsPMinusYPlusThePenalty(boolean twin, double penalty) {
    OutputSoftmax sm = withPotential(twin).softmax();
    SoftmaxLoss loss = new SoftmaxLoss(sm, penalty);
    double[][] l = {{0.3, -1.2, 2.0}, {1.5, 0.1, -0.4}};
    int[] y = {2, 0};
    double[][] g = loss.gradient(l, loss.probabilities(l), y);
    ToDoubleFunction<double[]> f = v -> loss.loss(unflat(v, 2, 3), y);
    assertGradient(flat(g), flat(l), f);
  }

  @ParameterizedTest(name = "range penalty {0}")
  @ValueSource(doubles = {0, 0.3})
  void normalisedSoftmaxGradientFollowsTheCrossEntropysWithinItsFitError(double penalty) {
    NormalisedSoftmax sm = (NormalisedSoftmax) functions(true).softmax();
    SoftmaxLoss loss = new SoftmaxLoss(sm, penalty);
    double[][] l = {{0.3, -1.2, 1.1}, {1.5, 0.1, -0.4}};
    int[] y = {2, 0};
    double[][] g = loss.gradient(l, loss.probabilities(l), y);
    // loss() is the exact cross-entropy: its gradient is (softmax - y + 2 lambda u) / B; p differs
    // from the softmax by at most the fit's error on its domain, which holds these logits
    double bound = sm.maxError(sm.range()) / l.length;
    double[] a = flat(g);
    double[] x = flat(l);
    for (int i = 0; i < x.length; i++) {
      double[] up = x.clone();
      double[] down = x.clone();
      up[i] += H;
      down[i] -= H;
      double fd = (loss.loss(unflat(up, 2, 3), y) - loss.loss(unflat(down, 2, 3), y)) / (2 * H);
      assertThat(a[i]).as("component %d", i).isCloseTo(fd, offset(bound));
    }
  }

  @ParameterizedTest(name = "twin={0}, range penalty {1}")
  @CsvSource({"true, 0", "false, 0", "true, 0.3", "false, 0.3"})
  void wholeHeadGradientMatchesFiniteDifferences(boolean twin, double penalty) {
    TokenSet data = randomData(SHAPE, 5, 7);
    PlainHead head = new PlainHead(withPotential(twin), penalty);
    int[] idx = {0, 1, 2, 3, 4};
    HeadParameters p = randomParams(SHAPE, 8, 0.7);
    ToDoubleFunction<double[]> f =
        v -> head.step(HeadParameters.fromFlat(SHAPE, v), data, idx).loss();
    assertGradient(head.step(p, data, idx).gradient().flatten(), p.flatten(), f);
  }

  static double[] flat(double[][] a) {
    double[] out = new double[a.length * a[0].length];
    for (int i = 0; i < a.length; i++) {
      System.arraycopy(a[i], 0, out, i * a[0].length, a[0].length);
    }
    return out;
  }

  static double[][] unflat(double[] v, int rows, int cols) {
    double[][] out = new double[rows][cols];
    for (int i = 0; i < rows; i++) {
      System.arraycopy(v, i * cols, out[i], 0, cols);
    }
    return out;
  }
}
