package io.blindtuner.model.approx;

import io.blindtuner.model.plain.ExactSoftmax;
import io.blindtuner.model.plain.SoftmaxLoss;
import java.util.Locale;

/**
 * The loss stage's softmax for three or more classes, normalised as the softmax is: {@code p_c =
 * e(u_c) / sum_j e(u_j)} with a cubic {@code e ~ exp} of the centred logits {@code u = l -
 * mean(l)}, the division done by a quadratic {@code r(m) ~ 1/m} of the mean {@code m = mean_j
 * e(u_j)}, and written as {@code p_c = 1/C + (e(u_c) - m) r(m) / C}, so that the probabilities sum
 * to 1 exactly whatever r's error.
 *
 * <p>Why not the odd polynomial of {@link PolynomialSoftmax}: with five classes on [-2, 2] no odd
 * quintic or cubic with a positive leading coefficient follows the softmax (the fit is nearly
 * linear, 0.153 v, with errors up to 0.315 on [-2, 2]^5); this form's are 0.077 there and 0.018 on
 * [-1.5, 1.5]^5 (the odd fit's 0.239). Its cost is depth: 1 (mean of l) + 2 (cubic) + 1 (mean of e)
 * + 2 (quadratic) + 1 (product) = 7 levels, the whole depth of a refreshed ciphertext at N = 16384
 * and 128-bit security, with the same rotations as the odd polynomial (two class means).
 *
 * <p>The coefficients: e by least squares to exp on the centred logits of vectors drawn uniformly
 * from {@code [-range, range]^C}, r by least squares to the softmax given e, then both refined
 * together (Gauss-Newton on the probabilities' squared error; e's constant stays: it only shifts
 * r's argument). All from fixed seeds: every party derives the same fit. The fit must keep e
 * increasing and r positive everywhere: then, outside the domain too, {@code p_c - 1/C} has the
 * sign of {@code e(u_c) - m} (positive for the largest logit, negative for the smallest), so the
 * gradient {@code p - y} pulls the logits back, as the range penalty does, instead of pushing them
 * away.
 *
 * <p>There is no loss whose gradient is exactly {@code p - y}; {@link #loss} is the exact
 * cross-entropy, whose gradient {@code p - y} follows within {@link #maxError}.
 */
public final class NormalisedSoftmax implements LossSoftmax {
  private static final int REFINE_ITERATIONS = 20;

  private final int classes;
  private final double range;

  /** e(v) = e[0] + e[1] v + e[2] v^2 + e[3] v^3. */
  private final double[] e;

  /** r(m) = r[0] + r[1] m + r[2] m^2. */
  private final double[] r;

  /**
   * @throws IllegalArgumentException if classes is below 3, range is not positive, or the fit does
   *     not keep e increasing and r positive (too wide a range)
   */
  public NormalisedSoftmax(int classes, double range) {
    if (classes < 3 || !(range > 0)) {
      throw new IllegalArgumentException(
          "need at least 3 classes and a positive range: C=" + classes + " range=" + range);
    }
    this.classes = classes;
    this.range = range;
    double[][] u = LogitSamples.centredCube(classes, range);
    double[][] p = new double[u.length][];
    for (int s = 0; s < u.length; s++) {
      p[s] = ExactSoftmax.softmax(u[s]);
    }
    double[] ev = fitExp(u);
    double[] rv = fitInverse(u, p, ev);
    double[] theta = {ev[1], ev[2], ev[3], rv[0], rv[1], rv[2]};
    theta = refine(u, p, ev[0], theta);
    this.e = new double[] {ev[0], theta[0], theta[1], theta[2]};
    this.r = new double[] {theta[3], theta[4], theta[5]};
    // e' > 0 everywhere: a positive cubic term and a negative discriminant of e'
    boolean increasing = e[3] > 0 && e[2] * e[2] < 3 * e[1] * e[3];
    boolean positive = r[2] > 0 && r[0] - r[1] * r[1] / (4 * r[2]) > 0;
    if (!increasing || !positive) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "the normalised softmax fit for C=%d on [-%s, %s] does not keep e increasing (%b)"
                  + " and r positive (%b); use a narrower range",
              classes,
              range,
              range,
              increasing,
              positive));
    }
  }

  /** Cubic least squares to exp over every sampled centred logit. */
  private static double[] fitExp(double[][] u) {
    int c = u[0].length;
    double[][] rows = new double[u.length * c][];
    double[] y = new double[u.length * c];
    for (int s = 0; s < u.length; s++) {
      for (int j = 0; j < c; j++) {
        double v = u[s][j];
        rows[s * c + j] = new double[] {1, v, v * v, v * v * v};
        y[s * c + j] = Math.exp(v);
      }
    }
    return LeastSquares.solve(rows, y);
  }

  /** r's coefficients by least squares on {@code p - 1/C = (e_c - m) r(m) / C}, e fixed. */
  private static double[] fitInverse(double[][] u, double[][] p, double[] ev) {
    int c = u[0].length;
    double[][] rows = new double[u.length * c][];
    double[] y = new double[u.length * c];
    for (int s = 0; s < u.length; s++) {
      double[] ex = new double[c];
      double m = 0;
      for (int j = 0; j < c; j++) {
        ex[j] = cubic(ev, u[s][j]);
        m += ex[j] / c;
      }
      for (int j = 0; j < c; j++) {
        double d = (ex[j] - m) / c;
        rows[s * c + j] = new double[] {d, d * m, d * m * m};
        y[s * c + j] = p[s][j] - 1.0 / c;
      }
    }
    return LeastSquares.solve(rows, y);
  }

  /**
   * Gauss-Newton on theta = (e1, e2, e3, r0, r1, r2), a step kept only if it lowers the squared
   * error (halved otherwise), until a step gains less than a millionth.
   */
  private static double[] refine(double[][] u, double[][] p, double e0, double[] theta) {
    double best = squaredError(u, p, e0, theta);
    for (int it = 0; it < REFINE_ITERATIONS; it++) {
      double[] step = gaussNewtonStep(u, p, e0, theta);
      double[] next = null;
      double nextError = best;
      for (int halving = 0; halving < 10 && next == null; halving++) {
        double[] t = theta.clone();
        for (int k = 0; k < t.length; k++) {
          t[k] += Math.scalb(step[k], -halving);
        }
        double err = squaredError(u, p, e0, t);
        if (err < best) {
          next = t;
          nextError = err;
        }
      }
      if (next == null) {
        break;
      }
      boolean converged = nextError > best * (1 - 1e-6);
      theta = next;
      best = nextError;
      if (converged) {
        break;
      }
    }
    return theta;
  }

  private static double[] gaussNewtonStep(double[][] u, double[][] p, double e0, double[] t) {
    int c = u[0].length;
    double[] ev = {e0, t[0], t[1], t[2]};
    double[] rv = {t[3], t[4], t[5]};
    double[][] rows = new double[u.length * c][];
    double[] y = new double[u.length * c];
    for (int s = 0; s < u.length; s++) {
      double[] ex = new double[c];
      double m = 0;
      double[] mu = new double[4]; // mean_j u_j^k: dm/de_k
      for (int j = 0; j < c; j++) {
        double v = u[s][j];
        ex[j] = cubic(ev, v);
        m += ex[j] / c;
        mu[1] += v / c;
        mu[2] += v * v / c;
        mu[3] += v * v * v / c;
      }
      double rm = quadratic(rv, m);
      double drm = rv[1] + 2 * rv[2] * m;
      for (int j = 0; j < c; j++) {
        double v = u[s][j];
        double d = ex[j] - m;
        double[] row = new double[6];
        double pow = 1;
        for (int k = 1; k <= 3; k++) {
          pow *= v;
          row[k - 1] = ((pow - mu[k]) * rm + d * drm * mu[k]) / c;
        }
        row[3] = d / c;
        row[4] = d * m / c;
        row[5] = d * m * m / c;
        rows[s * c + j] = row;
        y[s * c + j] = p[s][j] - (1.0 / c + d * rm / c);
      }
    }
    return LeastSquares.solve(rows, y);
  }

  private static double squaredError(double[][] u, double[][] p, double e0, double[] t) {
    double[] ev = {e0, t[0], t[1], t[2]};
    double[] rv = {t[3], t[4], t[5]};
    double s = 0;
    for (int i = 0; i < u.length; i++) {
      double[] q = probabilities(ev, rv, u[i]);
      for (int j = 0; j < q.length; j++) {
        s += (q[j] - p[i][j]) * (q[j] - p[i][j]);
      }
    }
    return s;
  }

  private static double cubic(double[] a, double v) {
    return a[0] + (a[1] + (a[2] + a[3] * v) * v) * v;
  }

  private static double quadratic(double[] a, double m) {
    return a[0] + (a[1] + a[2] * m) * m;
  }

  private static double[] probabilities(double[] ev, double[] rv, double[] u) {
    int c = u.length;
    double[] ex = new double[c];
    double m = 0;
    for (int j = 0; j < c; j++) {
      ex[j] = cubic(ev, u[j]);
      m += ex[j] / c;
    }
    double rm = quadratic(rv, m);
    double[] q = new double[c];
    for (int j = 0; j < c; j++) {
      q[j] = 1.0 / c + (ex[j] - m) * rm / c;
    }
    return q;
  }

  /** e(v), the cubic standing for exp. */
  public double exp(double v) {
    return cubic(e, v);
  }

  /** The coefficient of v^k in e, k = 0..3. */
  public double expCoefficient(int k) {
    return e[k];
  }

  /** r(m), the quadratic standing for 1/m. */
  public double inverse(double m) {
    return quadratic(r, m);
  }

  /** The coefficient of m^k in r, k = 0..2. */
  public double inverseCoefficient(int k) {
    return r[k];
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public double range() {
    return range;
  }

  /**
   * @throws IllegalArgumentException if the logits are not C values
   */
  @Override
  public double[] probabilities(double[] logits) {
    if (logits.length != classes) {
      throw new IllegalArgumentException("expected " + classes + " logits, got " + logits.length);
    }
    return probabilities(e, r, SoftmaxLoss.centred(logits));
  }

  /** The exact cross-entropy ({@code p - y} follows its gradient). */
  @Override
  public double loss(double[] logits, int label) {
    return ExactSoftmax.crossEntropy(logits, label);
  }

  @Override
  public String describe() {
    return String.format(
        Locale.ROOT,
        "softmax ~ 1/C + (e(u_c) - m) r(m)/C, m = mean e(u), e(v) = %.5f %+.5f v %+.5f v^2 %+.5f"
            + " v^3 ~ exp, r(m) = %.5f %+.5f m %+.5f m^2 ~ 1/m (fit on logits in [-%.1f, %.1f]^%d,"
            + " max error %.3g)",
        e[0],
        e[1],
        e[2],
        e[3],
        r[0],
        r[1],
        r[2],
        range,
        range,
        classes,
        maxError(range));
  }
}
