package io.blindtuner.model;

/**
 * The loss stage's map from logits to class probabilities; the loss gradient with respect to the
 * logits is {@code p - y} (exact for softmax cross-entropy; for a polynomial softmax it is the
 * gradient of the polynomial surrogate {@link #loss}).
 */
public interface OutputSoftmax {

  /** Probabilities for one image's logits (length C). */
  double[] probabilities(double[] logits);

  /**
   * The loss whose gradient with respect to the logits is {@code probabilities(logits) -
   * onehot(label)}.
   */
  double loss(double[] logits, int label);

  /** A short description for reports. */
  String describe();
}
