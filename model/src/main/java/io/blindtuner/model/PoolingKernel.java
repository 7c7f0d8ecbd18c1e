package io.blindtuner.model;

/**
 * How attention turns the centred scores of one image into pooling coefficients: the pooled vector
 * is {@code z = mean_t x_t + sum_t coef_t (x_t - mean_t x_t)}. Exact softmax gives {@code coef =
 * softmax(c)}; a polynomial kernel gives a polynomial in c.
 */
public interface PoolingKernel {

  /** Coefficients for centred scores c (length T). */
  double[] coefficients(double[] c);

  /** The gradient with respect to c, given {@code g_t = <dL/dz, x_t - mean x>}. */
  double[] backward(double[] c, double[] g);

  /** A short description for reports. */
  String describe();
}
