package io.blindtuner.model.plain;

import io.blindtuner.model.OutputSoftmax;

/** The loss stage in double precision: probabilities and the gradient {@code (p - y) / B}. */
public final class SoftmaxLoss {
  private final OutputSoftmax softmax;

  public SoftmaxLoss(OutputSoftmax softmax) {
    this.softmax = softmax;
  }

  public double[][] probabilities(double[][] logits) {
    double[][] p = new double[logits.length][];
    for (int b = 0; b < logits.length; b++) {
      p[b] = softmax.probabilities(logits[b]);
    }
    return p;
  }

  /** Mean loss over the batch. */
  public double loss(double[][] logits, int[] labels) {
    double s = 0;
    for (int b = 0; b < logits.length; b++) {
      s += softmax.loss(logits[b], labels[b]);
    }
    return s / logits.length;
  }

  /** dL/dlogits of the mean loss: {@code (p - onehot(y)) / B}. */
  public double[][] gradient(double[][] probabilities, int[] labels) {
    int batch = probabilities.length;
    double[][] g = new double[batch][];
    for (int b = 0; b < batch; b++) {
      g[b] = probabilities[b].clone();
      g[b][labels[b]] -= 1;
      for (int c = 0; c < g[b].length; c++) {
        g[b][c] /= batch;
      }
    }
    return g;
  }
}
