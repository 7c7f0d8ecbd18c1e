package io.blindtuner.vision.vit;

/**
 * The error function in double precision, for the exact GELU {@code x/2 (1 + erf(x/sqrt 2))}. Java has no erf.
 * Below |x| = 3 the Maclaurin series is summed (its largest term is under 200 there, so cancellation costs at
 * most 3 of 16 digits); above, the Laplace continued fraction for erfc converges in a few dozen terms. Both
 * are far more precise than the float the trunk keeps.
 */
final class Erf {
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
  private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;

  private Erf() {}

  static double erf(double x) {
    double a = Math.abs(x);
    double r;
    if (a < 3) {
      double x2 = a * a;
      double term = a;
      double sum = a;
      for (int n = 1; n < 60; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      r = TWO_OVER_SQRT_PI * sum;
    } else if (a < 6) {
      // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...)))))
      double f = a;
      for (int k = 60; k >= 1; k--) {
        f = a + (k / 2.0) / f;
      }
      r = 1 - Math.exp(-a * a) * ONE_OVER_SQRT_PI / f;
    } else {
      r = 1; // erfc(6) < 2.2e-17
    }
    return x < 0 ? -r : r;
  }

  /** GELU with the exact erf, as torch.nn.GELU() (approximate='none'). */
  static float gelu(float x) {
    return (float) (0.5 * x * (1 + erf(x * 0.7071067811865476)));
  }
}
