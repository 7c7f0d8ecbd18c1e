package io.blindtuner.model.plain;

import io.blindtuner.model.Activation;
import io.blindtuner.model.HeadParameters;

/**
 * The MLP stage in double precision: {@code h = W1 z + b1, a = act(h), l = W2 a + b2}, with the
 * range penalty {@code lambda sum_j h_j^2} per image (averaged over the batch) on the
 * pre-activations.
 */
public final class Mlp {
  private final Activation activation;
  private final double rangePenalty;

  /** Without a range penalty (forward passes only need the activation). */
  public Mlp(Activation activation) {
    this(activation, 0);
  }

  /**
   * @param rangePenalty lambda of the pre-activation penalty, at least 0
   */
  public Mlp(Activation activation, double rangePenalty) {
    this.activation = activation;
    this.rangePenalty = rangePenalty;
  }

  /** Forward values kept for the backward pass. */
  public record Out(double[][] h, double[][] a, double[][] logits) {}

  public Out forward(double[][] z, HeadParameters p) {
    int batch = z.length;
    int m = p.b1.length;
    int classes = p.b2.length;
    double[][] h = new double[batch][m];
    double[][] a = new double[batch][m];
    double[][] l = new double[batch][classes];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < m; j++) {
        h[b][j] = AttentionPooling.dot(p.w1[j], z[b]) + p.b1[j];
        a[b][j] = activation.value(h[b][j]);
      }
      for (int c = 0; c < classes; c++) {
        l[b][c] = AttentionPooling.dot(p.w2[c], a[b]) + p.b2[c];
      }
    }
    return new Out(h, a, l);
  }

  /** The batch mean of the pre-activation penalty {@code lambda sum_j h_j^2}. */
  public double penalty(Out out) {
    double s = 0;
    for (double[] row : out.h()) {
      for (double h : row) {
        s += h * h;
      }
    }
    return rangePenalty * s / out.h().length;
  }

  /**
   * Adds the gradients of W1, b1, W2, b2 (of the loss behind {@code dl} plus {@link #penalty}) into
   * {@code grad} and returns dL/dz.
   *
   * @param dl dL/dlogits (B x C)
   */
  public double[][] backward(
      double[][] z, Out out, double[][] dl, HeadParameters p, HeadParameters grad) {
    int batch = z.length;
    int m = p.b1.length;
    int d = p.q.length;
    double[][] dz = new double[batch][d];
    for (int b = 0; b < batch; b++) {
      double[] dh = new double[m];
      for (int c = 0; c < dl[b].length; c++) {
        grad.b2[c] += dl[b][c];
        for (int j = 0; j < m; j++) {
          grad.w2[c][j] += dl[b][c] * out.a()[b][j];
          dh[j] += p.w2[c][j] * dl[b][c];
        }
      }
      for (int j = 0; j < m; j++) {
        dh[j] =
            dh[j] * activation.derivative(out.h()[b][j]) + 2 * rangePenalty / batch * out.h()[b][j];
        grad.b1[j] += dh[j];
        for (int k = 0; k < d; k++) {
          grad.w1[j][k] += dh[j] * z[b][k];
          dz[b][k] += p.w1[j][k] * dh[j];
        }
      }
    }
    return dz;
  }
}
