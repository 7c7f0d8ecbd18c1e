package io.blindtuner.model.plain;

import io.blindtuner.model.Activation;

/** GELU(h) = h Phi(h), with erf from Abramowitz-Stegun 7.1.26 (absolute error below 1.5e-7). */
public final class ExactGelu implements Activation {
  private static final double INV_SQRT2 = 1 / Math.sqrt(2);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

  public static double erf(double x) {
    double s = Math.signum(x);
    double a = Math.abs(x);
    double t = 1 / (1 + 0.3275911 * a);
    double y =
        1
            - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                    + 0.254829592)
                * t
                * Math.exp(-a * a);
    return s * y;
  }

  public static double gelu(double h) {
    return h * 0.5 * (1 + erf(h * INV_SQRT2));
  }

  @Override
  public double value(double h) {
    return gelu(h);
  }

  @Override
  public double derivative(double h) {
    return 0.5 * (1 + erf(h * INV_SQRT2)) + h * INV_SQRT_2PI * Math.exp(-h * h / 2);
  }

  @Override
  public String describe() {
    return "exact GELU";
  }
}
