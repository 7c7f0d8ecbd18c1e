package io.blindtuner.model.data;

import java.util.Objects;

/**
 * Images as the head consumes them: per image the token mean {@code mean[i]} (d) and the centred
 * tokens {@code centred[i][t] = x_t - mean} (T x d), with a label in [0, classes). Centring is done
 * on the hospital side: softmax attention is shift-invariant, so scores of centred tokens give the
 * same weights, and the centred tokens sum to zero, which removes the normalisation term of the
 * polynomial attention (see {@link io.blindtuner.model.approx.TaylorSoftmaxPooling}).
 *
 * @param mean [n][d]
 * @param centred [n][T][d]
 * @param labels [n]
 * @param classes C
 */
public record TokenSet(double[][] mean, double[][][] centred, int[] labels, int classes) {

  /**
   * @throws IllegalArgumentException if the sizes disagree or a label is out of range
   */
  public TokenSet {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(centred, "centred");
    Objects.requireNonNull(labels, "labels");
    if (mean.length != centred.length || labels.length != mean.length) {
      throw new IllegalArgumentException(
          "token set sizes disagree: "
              + mean.length
              + " means, "
              + centred.length
              + " token lists, "
              + labels.length
              + " labels");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of image " + i + " outside [0, " + classes + ")");
      }
      if (centred[i].length != tokens(centred) || mean[i].length != dim(mean)) {
        throw new IllegalArgumentException(
            "image " + i + " has a different token count or dimension");
      }
    }
  }

  private static int tokens(double[][][] c) {
    return c.length == 0 ? 0 : c[0].length;
  }

  private static int dim(double[][] m) {
    return m.length == 0 ? 0 : m[0].length;
  }

  public int size() {
    return labels.length;
  }

  public int tokens() {
    return tokens(centred);
  }

  public int dim() {
    return dim(mean);
  }

  /** Token t of image i, uncentred. */
  public double[] token(int i, int t) {
    double[] x = mean[i].clone();
    for (int k = 0; k < x.length; k++) {
      x[k] += centred[i][t][k];
    }
    return x;
  }
}
