package io.blindtuner.model.plain;

import io.blindtuner.model.PoolingKernel;

/** Attention pooling with the exact softmax: the float reference's kernel. */
public final class ExactSoftmaxPooling implements PoolingKernel {

  @Override
  public double[] coefficients(double[] c) {
    return ExactSoftmax.softmax(c);
  }

  @Override
  public double[] backward(double[] c, double[] g) {
    double[] w = ExactSoftmax.softmax(c);
    double wg = 0;
    for (int t = 0; t < c.length; t++) {
      wg += w[t] * g[t];
    }
    double[] out = new double[c.length];
    for (int t = 0; t < c.length; t++) {
      out[t] = w[t] * (g[t] - wg);
    }
    return out;
  }

  @Override
  public String describe() {
    return "exact softmax attention";
  }
}
