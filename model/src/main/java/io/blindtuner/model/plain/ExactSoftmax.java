package io.blindtuner.model.plain;

import io.blindtuner.model.OutputSoftmax;

/** The exact softmax with cross-entropy loss: the float reference's loss stage. */
public final class ExactSoftmax implements OutputSoftmax {

  /** A numerically stable softmax. */
  public static double[] softmax(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double[] e = new double[x.length];
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      e[i] = Math.exp(x[i] - max);
      sum += e[i];
    }
    for (int i = 0; i < x.length; i++) {
      e[i] /= sum;
    }
    return e;
  }

  @Override
  public double[] probabilities(double[] logits) {
    return softmax(logits);
  }

  @Override
  public double loss(double[] logits, int label) {
    return crossEntropy(logits, label);
  }

  /** {@code log sum_c exp(l_c) - l_label}, computed without overflow. */
  public static double crossEntropy(double[] logits, int label) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : logits) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum) - logits[label];
  }

  @Override
  public String describe() {
    return "exact softmax cross-entropy";
  }
}
