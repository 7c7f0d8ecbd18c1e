package io.blindtuner.model.approx;

import io.blindtuner.model.PoolingKernel;
import io.blindtuner.model.plain.ExactSoftmax;
import io.blindtuner.model.plain.SoftmaxLoss;

/**
 * Attention pooling with the softmax replaced by its second-order Taylor expansion around the
 * uniform weights: for centred scores c (the score minus its mean over the T tokens), {@code w_t =
 * (1/T) (1 + c_t + (c_t^2 - mean(c^2)) / 2)}. The weights sum to exactly 1 by construction, so no
 * division is needed under encryption; and because the hospital sends centred tokens (which sum to
 * zero) the {@code mean(c^2)} term drops out of {@code z = mean x + sum_t w_t (x_t - mean x)},
 * leaving the coefficients {@code phi(c_t) / T} with {@code phi(c) = c + c^2 / 2} — one ciphertext
 * square. Its error against the exact softmax grows like |c|^3 / T; {@link #maxWeightError}
 * measures it on a range.
 */
public final class TaylorSoftmaxPooling implements PoolingKernel {

  @Override
  public double[] coefficients(double[] c) {
    double[] out = new double[c.length];
    for (int t = 0; t < c.length; t++) {
      out[t] = (c[t] + c[t] * c[t] / 2) / c.length;
    }
    return out;
  }

  @Override
  public double[] backward(double[] c, double[] g) {
    double[] out = new double[c.length];
    for (int t = 0; t < c.length; t++) {
      out[t] = (1 + c[t]) * g[t] / c.length;
    }
    return out;
  }

  /** The full attention weights (summing to 1) for centred scores c. */
  public static double[] weights(double[] c) {
    double meanSq = 0;
    for (double v : c) {
      meanSq += v * v / c.length;
    }
    double[] w = new double[c.length];
    for (int t = 0; t < c.length; t++) {
      w[t] = (1 + c[t] + (c[t] * c[t] - meanSq) / 2) / c.length;
    }
    return w;
  }

  /** The largest |w_t - softmax(c)_t| over the given score vectors (each centred here first). */
  public static double maxWeightError(double[][] scores) {
    double worst = 0;
    for (double[] s : scores) {
      double[] c = SoftmaxLoss.centred(s);
      double[] w = weights(c);
      double[] e = ExactSoftmax.softmax(c);
      for (int t = 0; t < c.length; t++) {
        worst = Math.max(worst, Math.abs(w[t] - e[t]));
      }
    }
    return worst;
  }

  @Override
  public String describe() {
    return "2nd-order Taylor softmax around uniform: w_t = (1 + c_t + (c_t^2 - mean c^2)/2)/T";
  }
}
