package io.blindtuner.vision.features;

import io.blindtuner.vision.data.ImageSplit;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Several featurizers of the same token grid side by side: token t of an image holds every part's
 * token t, one after the other, each value standardised by a mean and deviation fitted on the train
 * split. The standardisation is what lets the parts be combined: the PCA that follows keeps the
 * directions of largest variance, and unscaled, the part whose values happen to be larger (a
 * k-means dictionary's activations against a scattering's small coefficients) would take them all.
 */
public final class StackedFeaturizer implements Featurizer {
  /**
   * Train images the standardisation is fitted on, at most: the first ones of the split (MedMNIST's
   * splits are shuffled), enough for the mean and deviation of each value over {@code images x T}
   * tokens, and a bound on the extra featurizing the fit costs.
   */
  public static final int FIT_IMAGES = 512;

  /**
   * A value whose train deviation is below this, absolutely or relative to its mean, is left
   * unscaled: it is constant, and the one-pass variance leaves a constant's deviation near {@code
   * |mean| * 1e-8}, not zero, which would otherwise scale it up a hundred-million-fold.
   */
  private static final double MIN_STD = 1e-9;

  private static final double MIN_RELATIVE_STD = 1e-6;

  private final List<Featurizer> parts;
  private final int tokens;
  private final int dim;
  private final float[] mean;
  private final float[] invStd;

  /**
   * @param parts the featurizers, all with the same number of tokens
   * @param mean the fitted mean of each of the d stacked values
   * @param invStd one over the fitted deviation of each value
   * @throws IllegalArgumentException if there are fewer than two parts, their token counts differ,
   *     the arrays do not hold d values, or a value is not finite (an inverse deviation must be
   *     positive)
   */
  public StackedFeaturizer(List<Featurizer> parts, float[] mean, float[] invStd) {
    if (parts.size() < 2) {
      throw new IllegalArgumentException(
          "a stacked featurizer needs at least two parts, got " + parts.size());
    }
    int t = parts.get(0).tokens();
    int d = 0;
    for (Featurizer f : parts) {
      if (f.tokens() != t) {
        throw new IllegalArgumentException(
            "stacked featurizer parts give "
                + t
                + " and "
                + f.tokens()
                + " tokens ("
                + f.name()
                + "); they must pool over the same grid");
      }
      d += f.dim();
    }
    if (mean.length != d || invStd.length != d) {
      throw new IllegalArgumentException(
          "stacked featurizer standardisation holds "
              + mean.length
              + " means and "
              + invStd.length
              + " inverse deviations for "
              + d
              + " values");
    }
    for (int k = 0; k < d; k++) {
      if (!Float.isFinite(mean[k]) || !(invStd[k] > 0 && Float.isFinite(invStd[k]))) {
        throw new IllegalArgumentException(
            "stacked featurizer value "
                + k
                + " has mean "
                + mean[k]
                + " and inverse deviation "
                + invStd[k]);
      }
    }
    this.parts = List.copyOf(parts);
    this.tokens = t;
    this.dim = d;
    this.mean = mean.clone();
    this.invStd = invStd.clone();
  }

  /**
   * Fits the standardisation on the first {@value #FIT_IMAGES} images of {@code train} (all of them
   * if fewer).
   *
   * @throws IllegalArgumentException as the constructor does, or naming the split if it is empty or
   *     its images do not suit a part
   */
  public static StackedFeaturizer fit(ImageSplit train, List<Featurizer> parts) {
    if (train.n() == 0) {
      throw new IllegalArgumentException(
          "cannot fit the stacked featurizer on an empty split '" + train.name() + "'");
    }
    int d = 0;
    for (Featurizer f : parts) {
      d += f.dim();
    }
    float[] ones = new float[d];
    Arrays.fill(ones, 1f);
    StackedFeaturizer raw = new StackedFeaturizer(parts, new float[d], ones);
    FeatureSet s = raw.featurize(train.head(Math.min(train.n(), FIT_IMAGES)), k -> {});
    double[] sum = new double[d];
    double[] sumSq = new double[d];
    float[] v = s.values();
    long rows = (long) s.n() * s.tokens();
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < d; k++) {
        double x = v[r * d + k];
        sum[k] += x;
        sumSq[k] += x * x;
      }
    }
    float[] mean = new float[d];
    float[] invStd = new float[d];
    for (int k = 0; k < d; k++) {
      double m = sum[k] / rows;
      double sd = Math.sqrt(Math.max(0, sumSq[k] / rows - m * m));
      mean[k] = (float) m;
      invStd[k] = (float) (sd < MIN_STD || sd < MIN_RELATIVE_STD * Math.abs(m) ? 1 : 1 / sd);
    }
    return new StackedFeaturizer(parts, mean, invStd);
  }

  /** The parts, in order. */
  public List<Featurizer> parts() {
    return parts;
  }

  /** The fitted mean of each stacked value (a copy). */
  public float[] mean() {
    return mean.clone();
  }

  /** One over the fitted deviation of each stacked value (a copy). */
  public float[] invStd() {
    return invStd.clone();
  }

  @Override
  public String name() {
    StringBuilder b = new StringBuilder("stacked (");
    for (int p = 0; p < parts.size(); p++) {
      b.append(p == 0 ? "" : " + ").append(parts.get(p).name());
    }
    return b.append(")").toString();
  }

  @Override
  public String description() {
    StringBuilder b = new StringBuilder("standardised and stacked per token: ");
    for (int p = 0; p < parts.size(); p++) {
      b.append(p == 0 ? "" : "; ").append(parts.get(p).description());
    }
    return b.toString();
  }

  @Override
  public int tokens() {
    return tokens;
  }

  @Override
  public int dim() {
    return dim;
  }

  /**
   * {@inheritDoc} Progress is reported by the last part (the parts run one after the other).
   *
   * @throws IllegalArgumentException naming the split if its images do not suit a part
   */
  @Override
  public FeatureSet featurize(ImageSplit split, IntConsumer progress) {
    float[] out = FeatureSet.allocate(split.name(), split.n(), tokens, dim);
    int offset = 0;
    for (int p = 0; p < parts.size(); p++) {
      FeatureSet s = parts.get(p).featurize(split, p == parts.size() - 1 ? progress : k -> {});
      int pd = s.dim();
      float[] v = s.values();
      for (int r = 0; r < split.n() * tokens; r++) {
        for (int k = 0; k < pd; k++) {
          int o = offset + k;
          out[r * dim + o] = (v[r * pd + k] - mean[o]) * invStd[o];
        }
      }
      offset += pd;
    }
    return new FeatureSet(split.name(), split.n(), tokens, dim, out, split.labels().clone());
  }
}
