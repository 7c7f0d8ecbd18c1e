package io.blindtuner.model.plain;

import io.blindtuner.model.PoolingKernel;

/**
 * The attention stage in double precision: centred scores {@code c_t = <x_t - mean x, q> /
 * sqrt(d)}, pooled {@code z = mean x + sum_t coef(c)_t (x_t - mean x)}.
 */
public final class AttentionPooling {
  private final PoolingKernel kernel;

  public AttentionPooling(PoolingKernel kernel) {
    this.kernel = kernel;
  }

  /** Per-batch forward values kept for the backward pass. */
  public record Pooled(double[][] scores, double[][] z) {}

  /**
   * @param mean [B][d] token means
   * @param centred [B][T][d] centred tokens
   * @param q the query (d)
   */
  public Pooled forward(double[][] mean, double[][][] centred, double[] q) {
    int batch = mean.length;
    int d = q.length;
    double inv = 1 / Math.sqrt(d);
    double[][] scores = new double[batch][];
    double[][] z = new double[batch][];
    for (int b = 0; b < batch; b++) {
      double[][] x = centred[b];
      double[] c = new double[x.length];
      for (int t = 0; t < x.length; t++) {
        c[t] = dot(x[t], q) * inv;
      }
      double[] coef = kernel.coefficients(c);
      double[] zb = mean[b].clone();
      for (int t = 0; t < x.length; t++) {
        for (int k = 0; k < d; k++) {
          zb[k] += coef[t] * x[t][k];
        }
      }
      scores[b] = c;
      z[b] = zb;
    }
    return new Pooled(scores, z);
  }

  /** The gradient with respect to q given dL/dz (B x d). */
  public double[] backward(double[][][] centred, Pooled pooled, double[][] dz) {
    int d = dz[0].length;
    double inv = 1 / Math.sqrt(d);
    double[] dq = new double[d];
    for (int b = 0; b < dz.length; b++) {
      double[][] x = centred[b];
      double[] g = new double[x.length];
      for (int t = 0; t < x.length; t++) {
        g[t] = dot(dz[b], x[t]);
      }
      double[] dc = kernel.backward(pooled.scores()[b], g);
      for (int t = 0; t < x.length; t++) {
        for (int k = 0; k < d; k++) {
          dq[k] += dc[t] * x[t][k] * inv;
        }
      }
    }
    return dq;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
