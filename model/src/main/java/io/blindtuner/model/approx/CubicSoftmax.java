package io.blindtuner.model.approx;

import io.blindtuner.model.OutputSoftmax;
import io.blindtuner.model.plain.ExactSoftmax;
import java.util.SplittableRandom;

/**
 * The loss stage's softmax as a cubic in the centred logits {@code u = l - mean(l)}:
 * {@code p_c = 1/C + f(u_c) - mean_c f(u)} with {@code f(v) = a1 v + a3 v^3}. The probabilities sum to 1 exactly;
 * for C = 2 this is exactly a cubic sigmoid of the logit difference ({@code p_1 = 1/2 + f(delta/2)}), the
 * classical HE logistic-regression choice. a1 and a3 are the least-squares fit to the exact softmax over logit
 * vectors drawn uniformly from {@code [-range, range]^C} (a fixed seed: the fit is deterministic). The gradient
 * {@code p - y} is exactly the gradient of the polynomial surrogate
 * {@code loss = log C + sum_c F(u_c) - u_y}, {@code F(v) = a1 v^2/2 + a3 v^4/4}.
 */
public final class CubicSoftmax implements OutputSoftmax {
  private static final int FIT_SAMPLES = 20000;
  private static final long FIT_SEED = 0x5eed_50f7L;

  private final int classes;
  private final double range;
  private final double a1;
  private final double a3;

  /** @throws IllegalArgumentException if classes is below 2 or range is not positive */
  public CubicSoftmax(int classes, double range) {
    if (classes < 2 || !(range > 0)) {
      throw new IllegalArgumentException("need at least 2 classes and a positive range: C=" + classes + " range="
          + range);
    }
    this.classes = classes;
    this.range = range;
    SplittableRandom r = new SplittableRandom(FIT_SEED);
    double[][] rows = new double[FIT_SAMPLES * classes][];
    double[] y = new double[FIT_SAMPLES * classes];
    for (int s = 0; s < FIT_SAMPLES; s++) {
      double[] u = centred(uniform(r, classes, range));
      double[] p = ExactSoftmax.softmax(u);
      double meanCube = 0;
      for (double v : u) {
        meanCube += v * v * v / classes;
      }
      for (int c = 0; c < classes; c++) {
        rows[s * classes + c] = new double[] {u[c], u[c] * u[c] * u[c] - meanCube};
        y[s * classes + c] = p[c] - 1.0 / classes;
      }
    }
    double[] a = LeastSquares.solve(rows, y);
    this.a1 = a[0];
    this.a3 = a[1];
  }

  private static double[] uniform(SplittableRandom r, int n, double range) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (2 * r.nextDouble() - 1) * range;
    }
    return v;
  }

  static double[] centred(double[] l) {
    double mean = 0;
    for (double v : l) {
      mean += v / l.length;
    }
    double[] u = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      u[i] = l[i] - mean;
    }
    return u;
  }

  public double a1() {
    return a1;
  }

  public double a3() {
    return a3;
  }

  public double range() {
    return range;
  }

  public int classes() {
    return classes;
  }

  private double f(double v) {
    return (a1 + a3 * v * v) * v;
  }

  @Override
  public double[] probabilities(double[] logits) {
    double[] u = centred(logits);
    double mean = 0;
    for (double v : u) {
      mean += f(v) / u.length;
    }
    double[] p = new double[u.length];
    for (int c = 0; c < u.length; c++) {
      p[c] = 1.0 / u.length + f(u[c]) - mean;
    }
    return p;
  }

  @Override
  public double loss(double[] logits, int label) {
    double[] u = centred(logits);
    double s = Math.log(u.length) - u[label];
    for (double v : u) {
      s += a1 * v * v / 2 + a3 * v * v * v * v / 4;
    }
    return s;
  }

  /**
   * The largest |p_c - softmax_c| over random logit vectors from {@code [-r, r]^C} (a fixed seed distinct from the
   * fit's).
   */
  public double maxError(double r) {
    SplittableRandom rnd = new SplittableRandom(FIT_SEED + 1);
    double worst = 0;
    for (int s = 0; s < FIT_SAMPLES; s++) {
      double[] l = uniform(rnd, classes, r);
      double[] p = probabilities(l);
      double[] e = ExactSoftmax.softmax(l);
      for (int c = 0; c < classes; c++) {
        worst = Math.max(worst, Math.abs(p[c] - e[c]));
      }
    }
    return worst;
  }

  @Override
  public String describe() {
    return String.format("softmax ~ 1/C + f(u_c) - mean f(u), f(v) = %.5f v %+.6f v^3 (fit on logits in [-%.1f, %.1f]^%d,"
        + " max error %.3g)", a1, a3, range, range, classes, maxError(range));
  }
}
