package io.blindtuner.vision.features;

import io.blindtuner.vision.data.ImageSplit;
import java.util.function.IntConsumer;

/**
 * The weight-free featurizer: the image is cut into a {@code grid x grid} array of patches; each
 * patch is one token holding its pixels (row, column, channel order, scaled to [0, 1]) standardised
 * with a mean and standard deviation per token position and value fitted on the train split,
 * followed by two position values, the patch centre's row and column mapped to [-1, 1]. For 28x28
 * images and grid 4: T = 16 tokens of d = 7*7*channels + 2 values.
 */
public final class PatchFeaturizer implements Featurizer {
  /** The name every output carries. */
  public static final String NAME = "patch featurizer (weight-free)";

  /** Extra values per token that carry the position. */
  public static final int POSITION_DIMS = 2;

  /**
   * A feature whose train-split deviation is below this is constant; dividing by it would blow
   * noise up.
   */
  private static final double MIN_STD = 1e-6;

  private final int grid;
  private final int height;
  private final int width;
  private final int channels;
  private final int patchValues;
  private final float[] mean;
  private final float[] invStd;

  private PatchFeaturizer(
      int grid, int height, int width, int channels, float[] mean, float[] invStd) {
    this.grid = grid;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.patchValues = (height / grid) * (width / grid) * channels;
    this.mean = mean;
    this.invStd = invStd;
  }

  /**
   * @throws IllegalArgumentException if {@code grid} patches per side do not divide {@code height x
   *     width} images
   */
  public static void checkGrid(int grid, int height, int width) {
    if (grid <= 0 || height % grid != 0 || width % grid != 0) {
      throw new IllegalArgumentException(
          "grid " + grid + " does not divide the " + height + "x" + width + " images");
    }
  }

  /**
   * Fits the standardisation on the train split.
   *
   * @param train the train split (its images fix the size and channel count)
   * @param grid patches per side; must divide the image height and width
   * @throws IllegalArgumentException if the grid does not divide the image or the split is empty
   */
  public static PatchFeaturizer fit(ImageSplit train, int grid) {
    checkGrid(grid, train.height(), train.width());
    if (train.n() == 0) {
      throw new IllegalArgumentException("cannot fit the patch featurizer on an empty train split");
    }
    int tokens = grid * grid;
    int pv = (train.height() / grid) * (train.width() / grid) * train.channels();
    PatchFeaturizer raw =
        new PatchFeaturizer(
            grid,
            train.height(),
            train.width(),
            train.channels(),
            new float[tokens * pv],
            filled(tokens * pv, 1f));
    double[] sum = new double[tokens * pv];
    double[] sumSq = new double[tokens * pv];
    float[] buf = new float[tokens * pv];
    for (int i = 0; i < train.n(); i++) {
      raw.rawPatches(train, i, buf);
      for (int k = 0; k < buf.length; k++) {
        sum[k] += buf[k];
        sumSq[k] += (double) buf[k] * buf[k];
      }
    }
    float[] mean = new float[tokens * pv];
    float[] invStd = new float[tokens * pv];
    for (int k = 0; k < mean.length; k++) {
      double m = sum[k] / train.n();
      double var = Math.max(0, sumSq[k] / train.n() - m * m);
      double sd = Math.sqrt(var);
      mean[k] = (float) m;
      invStd[k] = (float) (sd < MIN_STD ? 1 : 1 / sd);
    }
    return new PatchFeaturizer(grid, train.height(), train.width(), train.channels(), mean, invStd);
  }

  /**
   * A featurizer from settings fitted earlier (read back from a model file); the arrays are copied.
   *
   * @param mean the fitted mean of each of the T x (patch values) raw values, token-major
   * @param invStd one over the fitted deviation of each raw value
   * @throws IllegalArgumentException if a size is not positive, the grid does not divide the image,
   *     the arrays do not hold T x (patch values) entries, or a value is not finite (an inverse
   *     deviation must be positive)
   */
  public static PatchFeaturizer of(
      int grid, int height, int width, int channels, float[] mean, float[] invStd) {
    if (grid <= 0
        || height <= 0
        || width <= 0
        || channels <= 0
        || height % grid != 0
        || width % grid != 0) {
      throw new IllegalArgumentException(
          "bad patch featurizer shape: grid "
              + grid
              + " for "
              + height
              + "x"
              + width
              + "x"
              + channels
              + " images");
    }
    long values = (long) height * width * channels;
    if (mean.length != values || invStd.length != values) {
      throw new IllegalArgumentException(
          "patch featurizer settings hold "
              + mean.length
              + " means and "
              + invStd.length
              + " inverse deviations; "
              + height
              + "x"
              + width
              + "x"
              + channels
              + " images need "
              + values);
    }
    for (int k = 0; k < mean.length; k++) {
      if (!Float.isFinite(mean[k]) || !(invStd[k] > 0 && Float.isFinite(invStd[k]))) {
        throw new IllegalArgumentException(
            "patch featurizer value "
                + k
                + " has mean "
                + mean[k]
                + " and inverse deviation "
                + invStd[k]);
      }
    }
    return new PatchFeaturizer(grid, height, width, channels, mean.clone(), invStd.clone());
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return NAME
        + ": grid "
        + grid
        + "x"
        + grid
        + " of "
        + (height / grid)
        + "x"
        + (width / grid)
        + " patches, "
        + channels
        + " channel(s), standardised on the train split, + "
        + POSITION_DIMS
        + " position values";
  }

  @Override
  public int tokens() {
    return grid * grid;
  }

  @Override
  public int dim() {
    return patchValues + POSITION_DIMS;
  }

  public int grid() {
    return grid;
  }

  /** Image height the featurizer was fitted on. */
  public int height() {
    return height;
  }

  /** Image width the featurizer was fitted on. */
  public int width() {
    return width;
  }

  /** Channels the featurizer was fitted on. */
  public int channels() {
    return channels;
  }

  /** The fitted mean of each raw value, token-major (a copy). */
  public float[] mean() {
    return mean.clone();
  }

  /** One over the fitted deviation of each raw value, token-major (a copy). */
  public float[] invStd() {
    return invStd.clone();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the images differ in size or channels from the train split
   */
  @Override
  public FeatureSet featurize(ImageSplit split, IntConsumer progress) {
    split.requireShape(height, width, channels, "the patch featurizer was fitted on");
    int tokens = tokens();
    int d = dim();
    float[] out = FeatureSet.allocate(split.name(), split.n(), tokens, d);
    float[] buf = new float[tokens * patchValues];
    for (int i = 0; i < split.n(); i++) {
      rawPatches(split, i, buf);
      for (int t = 0; t < tokens; t++) {
        int o = (i * tokens + t) * d;
        for (int j = 0; j < patchValues; j++) {
          int k = t * patchValues + j;
          out[o + j] = (buf[k] - mean[k]) * invStd[k];
        }
        int gy = t / grid;
        int gx = t % grid;
        out[o + patchValues] = (2f * gy + 1f) / grid - 1f;
        out[o + patchValues + 1] = (2f * gx + 1f) / grid - 1f;
      }
      progress.accept(1);
    }
    return new FeatureSet(split.name(), split.n(), tokens, d, out, split.labels().clone());
  }

  /** Patch pixels of image i scaled to [0,1], token after token, into buf[t * patchValues + j]. */
  private void rawPatches(ImageSplit s, int i, float[] buf) {
    int ph = height / grid;
    int pw = width / grid;
    int k = 0;
    for (int gy = 0; gy < grid; gy++) {
      for (int gx = 0; gx < grid; gx++) {
        for (int y = 0; y < ph; y++) {
          for (int x = 0; x < pw; x++) {
            for (int c = 0; c < channels; c++) {
              buf[k++] = s.pixel(i, gy * ph + y, gx * pw + x, c) / 255f;
            }
          }
        }
      }
    }
  }
}
