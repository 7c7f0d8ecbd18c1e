package io.blindtuner.model.data;

/**
 * Hospital-side scaling of tokens that are already reduced to the head's d values (for example by a
 * PCA): each value is standardised with its mean and standard deviation over all train tokens
 * (after a PCA this whitens, since the components are uncorrelated), so the scores, pre-activations
 * and logits stay near the polynomial approximations' domains, and clipped to [-clip, clip]
 * (heavy-tailed outlier tokens otherwise push the polynomial attention and activation far outside
 * their domains, where they grow without bound); then each image's tokens are centred on their mean
 * ({@link TokenSet}).
 */
public final class TokenScaling {
  /** A value whose train deviation is below this is constant; it is centred but not amplified. */
  private static final double MIN_STD = 1e-9;

  private final double[] mean;
  private final double[] invStd;
  private final double clip;

  private TokenScaling(double[] mean, double[] invStd, double clip) {
    this.mean = mean;
    this.invStd = invStd;
    this.clip = clip;
  }

  /**
   * Fits on train tokens stored flat as {@code values[(i * tokens + t) * dim + j]}.
   *
   * @param clip standardised values are clipped to [-clip, clip] (infinity: no clipping)
   * @throws IllegalArgumentException if the sizes disagree, there are no tokens, or clip is not
   *     positive
   */
  public static TokenScaling fit(float[] values, int n, int tokens, int dim, double clip) {
    if (!(clip > 0)) {
      throw new IllegalArgumentException("clip must be positive, got " + clip);
    }
    if (n <= 0 || tokens <= 0 || dim <= 0 || (long) n * tokens * dim != values.length) {
      throw new IllegalArgumentException(
          "bad token array: "
              + values.length
              + " values for n="
              + n
              + " T="
              + tokens
              + " d="
              + dim);
    }
    long rows = (long) n * tokens;
    double[] sum = new double[dim];
    double[] sumSq = new double[dim];
    for (long r = 0; r < rows; r++) {
      for (int j = 0; j < dim; j++) {
        double v = values[(int) (r * dim + j)];
        sum[j] += v;
        sumSq[j] += v * v;
      }
    }
    double[] mean = new double[dim];
    double[] invStd = new double[dim];
    for (int j = 0; j < dim; j++) {
      mean[j] = sum[j] / rows;
      double sd = Math.sqrt(Math.max(0, sumSq[j] / rows - mean[j] * mean[j]));
      invStd[j] = sd < MIN_STD ? 1 : 1 / sd;
    }
    return new TokenScaling(mean, invStd, clip);
  }

  /**
   * A scaling fitted earlier (read back from a model file); the arrays are copied.
   *
   * @throws IllegalArgumentException if the arrays are empty or differ in length, a mean is not
   *     finite, an inverse deviation is not positive and finite, or clip is not positive
   */
  public static TokenScaling of(double[] mean, double[] invStd, double clip) {
    if (!(clip > 0)) {
      throw new IllegalArgumentException("clip must be positive, got " + clip);
    }
    if (mean.length == 0 || mean.length != invStd.length) {
      throw new IllegalArgumentException(
          "token scaling holds "
              + mean.length
              + " means and "
              + invStd.length
              + " inverse deviations");
    }
    for (int j = 0; j < mean.length; j++) {
      if (!Double.isFinite(mean[j]) || !(invStd[j] > 0 && Double.isFinite(invStd[j]))) {
        throw new IllegalArgumentException(
            "token scaling value "
                + j
                + " has mean "
                + mean[j]
                + " and inverse deviation "
                + invStd[j]);
      }
    }
    return new TokenScaling(mean.clone(), invStd.clone(), clip);
  }

  public int dim() {
    return mean.length;
  }

  /** The train mean of each value (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** One over the train deviation of each value (a copy). */
  public double[] invStd() {
    return invStd.clone();
  }

  /** Standardised values are clipped to [-clip, clip]. */
  public double clip() {
    return clip;
  }

  /**
   * Scales tokens stored flat like in {@link #fit} and centres each image's tokens.
   *
   * @throws IllegalArgumentException if the sizes disagree with the fitted dimension or a label is
   *     out of range
   */
  public TokenSet apply(float[] values, int n, int tokens, int[] labels, int classes) {
    int d = mean.length;
    if ((long) n * tokens * d != values.length || labels.length != n) {
      throw new IllegalArgumentException(
          "bad token array: "
              + values.length
              + " values, "
              + labels.length
              + " labels for n="
              + n
              + " T="
              + tokens
              + " d="
              + d);
    }
    double[][] means = new double[n][d];
    double[][][] centred = new double[n][tokens][d];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < tokens; t++) {
        int o = (i * tokens + t) * d;
        for (int j = 0; j < d; j++) {
          double v = Math.max(-clip, Math.min(clip, (values[o + j] - mean[j]) * invStd[j]));
          centred[i][t][j] = v;
          means[i][j] += v / tokens;
        }
      }
      for (int t = 0; t < tokens; t++) {
        for (int j = 0; j < d; j++) {
          centred[i][t][j] -= means[i][j];
        }
      }
    }
    return new TokenSet(means, centred, labels.clone(), classes);
  }
}
