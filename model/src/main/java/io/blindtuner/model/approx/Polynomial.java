package io.blindtuner.model.approx;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * A real polynomial in the power basis, {@code sum_i coefficients[i] x^i}.
 *
 * @param coefficients c_0 ... c_n (copied)
 */
public record Polynomial(double[] coefficients) {

  /**
   * @throws IllegalArgumentException if there are no coefficients or one is not finite
   */
  public Polynomial {
    if (coefficients.length == 0) {
      throw new IllegalArgumentException("a polynomial needs at least one coefficient");
    }
    coefficients = coefficients.clone();
    for (double c : coefficients) {
      if (!Double.isFinite(c)) {
        throw new IllegalArgumentException(
            "coefficient is not finite: " + Arrays.toString(coefficients));
      }
    }
  }

  public int degree() {
    return coefficients.length - 1;
  }

  /** Coefficient of x^i (0 beyond the degree). */
  public double coefficient(int i) {
    return i < coefficients.length ? coefficients[i] : 0;
  }

  /** Horner evaluation. */
  public double value(double x) {
    double r = 0;
    for (int i = coefficients.length - 1; i >= 0; i--) {
      r = r * x + coefficients[i];
    }
    return r;
  }

  public Polynomial derivative() {
    if (coefficients.length == 1) {
      return new Polynomial(new double[] {0});
    }
    double[] d = new double[coefficients.length - 1];
    for (int i = 1; i < coefficients.length; i++) {
      d[i - 1] = i * coefficients[i];
    }
    return new Polynomial(d);
  }

  /** The largest |f - p| on a uniform grid of 10001 points of [lo, hi]. */
  public double maxError(DoubleUnaryOperator f, double lo, double hi) {
    double worst = 0;
    for (int i = 0; i <= 10000; i++) {
      double x = lo + (hi - lo) * i / 10000.0;
      worst = Math.max(worst, Math.abs(f.applyAsDouble(x) - value(x)));
    }
    return worst;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Polynomial p && Arrays.equals(coefficients, p.coefficients);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(coefficients);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < coefficients.length; i++) {
      if (coefficients[i] == 0) {
        continue;
      }
      if (b.length() > 0) {
        b.append(coefficients[i] < 0 ? " - " : " + ");
      } else if (coefficients[i] < 0) {
        b.append('-');
      }
      b.append(String.format("%.6g", Math.abs(coefficients[i])));
      if (i > 0) {
        b.append(i == 1 ? "x" : "x^" + i);
      }
    }
    return b.length() == 0 ? "0" : b.toString();
  }
}
