package io.blindtuner.model.approx;

import io.blindtuner.model.plain.ExactSoftmax;
import io.blindtuner.model.plain.SoftmaxLoss;

/**
 * The loss stage's softmax as an odd quintic in the centred logits {@code u = l - mean(l)}: {@code
 * p_c = 1/C + f(u_c) - mean_c f(u)} with {@code f(v) = a1 v + a3 v^3 + a5 v^5}. The probabilities
 * sum to 1 exactly; for C = 2 this is a quintic sigmoid of the logit difference ({@code p_1 = 1/2 +
 * f(delta/2)}). The coefficients are the least-squares fit to the exact softmax over logit vectors
 * drawn uniformly from {@code [-range, range]^C} (a fixed seed: the fit is deterministic),
 * constrained to a positive leading coefficient.
 *
 * <p>Why degree 5 and not 3: {@code p - y} is exactly the gradient of the polynomial surrogate loss
 * {@code log C + sum_c F(u_c) - u_y}, {@code F(v) = a1 v^2/2 + a3 v^4/4 + a5 v^6/6}. A
 * sigmoid-shaped cubic has {@code a3 < 0}, so that surrogate is unbounded below and training
 * diverges once a logit leaves the domain (measured: the twin's logits went to NaN on BreastMNIST).
 * With a positive leading coefficient the surrogate is coercive: outside the domain p overshoots
 * [0, 1] and the gradient pulls the logits back.
 */
public final class PolynomialSoftmax implements LossSoftmax {
  private final int classes;
  private final double range;
  private final double a1;
  private final double a3;
  private final double a5;

  /**
   * The fit is the best odd polynomial of degree 5 whose leading coefficient is positive; if the
   * quintic fit's is not (five classes on [-2, 2]), the cubic, then the linear one.
   *
   * @throws IllegalArgumentException if classes is below 2, range is not positive, or no fit has a
   *     positive leading coefficient
   */
  public PolynomialSoftmax(int classes, double range) {
    if (classes < 2 || !(range > 0)) {
      throw new IllegalArgumentException(
          "need at least 2 classes and a positive range: C=" + classes + " range=" + range);
    }
    this.classes = classes;
    this.range = range;
    double[] a = null;
    for (int degree = 5; degree >= 1 && a == null; degree -= 2) {
      double[] fit = fit(classes, range, degree);
      if (fit[(degree - 1) / 2] > 0) {
        a = java.util.Arrays.copyOf(fit, 3);
      }
    }
    if (a == null) {
      throw new IllegalArgumentException(
          "no softmax fit for C="
              + classes
              + " on [-"
              + range
              + ", "
              + range
              + "] has a positive slope");
    }
    this.a1 = a[0];
    this.a3 = a[1];
    this.a5 = a[2];
  }

  /** Least-squares coefficients a1, a3, ... up to the given odd degree. */
  private static double[] fit(int classes, double range, int degree) {
    int k = (degree + 1) / 2;
    double[][] samples = LogitSamples.centredCube(classes, range);
    double[][] rows = new double[samples.length * classes][];
    double[] y = new double[samples.length * classes];
    for (int s = 0; s < samples.length; s++) {
      double[] u = samples[s];
      double[] p = ExactSoftmax.softmax(u);
      double[] means = new double[k];
      for (double v : u) {
        for (int j = 0; j < k; j++) {
          means[j] += Math.pow(v, 2 * j + 1) / classes;
        }
      }
      for (int c = 0; c < classes; c++) {
        double[] row = new double[k];
        for (int j = 0; j < k; j++) {
          row[j] = Math.pow(u[c], 2 * j + 1) - means[j];
        }
        rows[s * classes + c] = row;
        y[s * classes + c] = p[c] - 1.0 / classes;
      }
    }
    return LeastSquares.solve(rows, y);
  }

  public double a1() {
    return a1;
  }

  public double a3() {
    return a3;
  }

  public double a5() {
    return a5;
  }

  @Override
  public double range() {
    return range;
  }

  @Override
  public int classes() {
    return classes;
  }

  /** f(v) = a1 v + a3 v^3 + a5 v^5. */
  public double f(double v) {
    double v2 = v * v;
    return (a1 + (a3 + a5 * v2) * v2) * v;
  }

  @Override
  public double[] probabilities(double[] logits) {
    double[] u = SoftmaxLoss.centred(logits);
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
    double[] u = SoftmaxLoss.centred(logits);
    double s = Math.log(u.length) - u[label];
    for (double v : u) {
      double v2 = v * v;
      s += (a1 / 2 + (a3 / 4 + a5 / 6 * v2) * v2) * v2;
    }
    return s;
  }

  @Override
  public String describe() {
    return String.format(
        "softmax ~ 1/C + f(u_c) - mean f(u), f(v) = %.5f v %+.6f v^3 %+.7f v^5 (fit on logits in"
            + " [-%.1f, %.1f]^%d, max error %.3g)",
        a1, a3, a5, range, range, classes, maxError(range));
  }
}
