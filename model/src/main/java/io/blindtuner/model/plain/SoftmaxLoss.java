package io.blindtuner.model.plain;

import io.blindtuner.model.OutputSoftmax;

/**
 * The loss stage in double precision: probabilities and the gradient {@code (p - y + 2 lambda u) /
 * B} of the loss plus the range penalty {@code lambda sum_c u_c^2} on the centred logits {@code u =
 * l - mean_c l}.
 */
public final class SoftmaxLoss {
  private final OutputSoftmax softmax;
  private final double rangePenalty;

  /** Without a range penalty. */
  public SoftmaxLoss(OutputSoftmax softmax) {
    this(softmax, 0);
  }

  /**
   * @param rangePenalty lambda of the centred-logit penalty, at least 0
   */
  public SoftmaxLoss(OutputSoftmax softmax, double rangePenalty) {
    this.softmax = softmax;
    this.rangePenalty = rangePenalty;
  }

  public double[][] probabilities(double[][] logits) {
    double[][] p = new double[logits.length][];
    for (int b = 0; b < logits.length; b++) {
      p[b] = softmax.probabilities(logits[b]);
    }
    return p;
  }

  /** Mean loss (with the centred-logit penalty) over the batch. */
  public double loss(double[][] logits, int[] labels) {
    double s = 0;
    for (int b = 0; b < logits.length; b++) {
      s += softmax.loss(logits[b], labels[b]);
      for (double u : centred(logits[b])) {
        s += rangePenalty * u * u;
      }
    }
    return s / logits.length;
  }

  /**
   * dL/dlogits of the mean loss: {@code (p - onehot(y) + 2 lambda u) / B} (centring is a
   * projection, so the penalty's gradient is {@code 2 lambda u}).
   */
  public double[][] gradient(double[][] logits, double[][] probabilities, int[] labels) {
    int batch = probabilities.length;
    double[][] g = new double[batch][];
    for (int b = 0; b < batch; b++) {
      double[] u = centred(logits[b]);
      g[b] = probabilities[b].clone();
      g[b][labels[b]] -= 1;
      for (int c = 0; c < g[b].length; c++) {
        g[b][c] = (g[b][c] + 2 * rangePenalty * u[c]) / batch;
      }
    }
    return g;
  }

  /**
   * The centred logits {@code u = l - mean(l)}, the domain of the loss softmaxes and the penalty.
   */
  public static double[] centred(double[] l) {
    double mean = 0;
    for (double v : l) {
      mean += v / l.length;
    }
    double[] u = new double[l.length];
    for (int c = 0; c < l.length; c++) {
      u[c] = l[c] - mean;
    }
    return u;
  }
}
