package io.blindtuner.vision.features;

import java.util.Objects;

/**
 * The tokens of one split: {@code n} images, each {@code tokens x dim} floats, stored flat in
 * {@code values[(i * tokens + t) * dim + j]}, with one label per image.
 *
 * @param split the split name (train, val, test)
 * @param n number of images
 * @param tokens tokens per image (T)
 * @param dim values per token (d)
 * @param values {@code n * tokens * dim} floats
 * @param labels {@code n} labels
 */
public record FeatureSet(String split, int n, int tokens, int dim, float[] values, int[] labels) {

  /**
   * @throws IllegalArgumentException if the sizes disagree
   */
  public FeatureSet {
    Objects.requireNonNull(split, "split");
    if (n < 0 || tokens <= 0 || dim <= 0) {
      throw new IllegalArgumentException(
          split + ": bad shape n=" + n + " T=" + tokens + " d=" + dim);
    }
    if ((long) n * tokens * dim != values.length) {
      throw new IllegalArgumentException(
          split + ": " + values.length + " values for (" + n + ", " + tokens + ", " + dim + ")");
    }
    if (labels.length != n) {
      throw new IllegalArgumentException(
          split + ": " + labels.length + " labels for " + n + " images");
    }
  }

  /** Values one feature set may hold at most: a Java array's limit. */
  public static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  /**
   * The zeroed value array of a split's feature set, checked before it is allocated.
   *
   * @throws IllegalArgumentException naming the split if {@code n x tokens x dim} values exceed
   *     {@link #MAX_VALUES}
   */
  public static float[] allocate(String split, int n, int tokens, int dim) {
    long values = (long) n * tokens * dim;
    if (values > MAX_VALUES) {
      throw new IllegalArgumentException(
          "split '"
              + split
              + "': "
              + n
              + " images of "
              + tokens
              + " x "
              + dim
              + " values are "
              + values
              + ", above the "
              + MAX_VALUES
              + " one feature set holds; featurize fewer images at a time");
    }
    return new float[(int) values];
  }

  /** Value j of token t of image i. */
  public float get(int i, int t, int j) {
    return values[(i * tokens + t) * dim + j];
  }

  /** The tokens of image i as a {@code [tokens][dim]} array (a copy). */
  public float[][] image(int i) {
    float[][] out = new float[tokens][dim];
    for (int t = 0; t < tokens; t++) {
      System.arraycopy(values, (i * tokens + t) * dim, out[t], 0, dim);
    }
    return out;
  }
}
