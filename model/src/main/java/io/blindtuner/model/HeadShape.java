package io.blindtuner.model;

import io.blindtuner.model.data.TokenSet;

/**
 * The sizes of the head: {@code tokens} tokens of {@code dim} values per image, {@code hidden} MLP
 * units and {@code classes} outputs.
 *
 * @param tokens T, tokens per image
 * @param dim d, values per token
 * @param hidden m, MLP hidden units
 * @param classes C, number of classes
 */
public record HeadShape(int tokens, int dim, int hidden, int classes) {

  /**
   * @throws IllegalArgumentException if a size is not positive or classes is below 2
   */
  public HeadShape {
    if (tokens <= 0 || dim <= 0 || hidden <= 0) {
      throw new IllegalArgumentException(
          "head sizes must be positive: T=" + tokens + " d=" + dim + " m=" + hidden);
    }
    if (classes < 2) {
      throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
    }
  }

  /**
   * Checks that training this head on {@code data} from {@code start} fits it.
   *
   * @throws IllegalArgumentException if {@code start} is for another shape, or the data's tokens,
   *     values per token or classes are not this head's
   */
  public void checkTraining(TokenSet data, HeadParameters start) {
    if (!start.shape().equals(this)) {
      throw new IllegalArgumentException(
          "start parameters are for " + start.shape() + ", the head is " + this);
    }
    if (data.dim() != dim || data.tokens() != tokens || data.classes() != classes) {
      throw new IllegalArgumentException(
          "data (T="
              + data.tokens()
              + ", d="
              + data.dim()
              + ", C="
              + data.classes()
              + ") does not match "
              + this);
    }
  }

  /** Number of trainable values: q (d), W1 (m x d), b1 (m), W2 (C x m), b2 (C). */
  public int parameterCount() {
    return dim + hidden * dim + hidden + classes * hidden + classes;
  }
}
