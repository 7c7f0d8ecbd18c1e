package io.blindtuner.model;

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

  /** Number of trainable values: q (d), W1 (m x d), b1 (m), W2 (C x m), b2 (C). */
  public int parameterCount() {
    return dim + hidden * dim + hidden + classes * hidden + classes;
  }
}
