package io.blindtuner.vision.features;

import io.blindtuner.vision.data.ImageSplit;
import java.util.SplittableRandom;

/**
 * A single-layer unsupervised feature dictionary (Coates, Lee &amp; Ng 2011): k centroids learned
 * by k-means on whitened random {@code size x size} patches of the hospital's own training images,
 * labels unused. A patch is encoded by the "triangle" rule {@code f_j = max(0, mean_i(z_i) - z_j)},
 * where {@code z_j} is its distance to centroid j: about half the features are zero, and a feature
 * is large only where the patch is much nearer to its centroid than to the average one.
 *
 * @param size patch side in pixels
 * @param channels image channels
 * @param whitening the contrast normalisation and ZCA applied before the distances
 * @param centroids k rows of size*size*channels whitened values
 */
public record PatchDictionary(
    int size, int channels, PatchWhitening whitening, double[][] centroids) {
  /**
   * Lloyd iterations at most. On 20,000 MedMNIST patches k = 64 needs about 80 to stop changing
   * assignments, but its mean squared distance at 50 is already that of a converged fit
   * (BreastMNIST 15.13 vs 15.15, RetinaMNIST 13.37 vs 13.28, from other starts), so the cap bounds
   * the fit's time at no measurable cost.
   */
  static final int MAX_ITERATIONS = 50;

  /**
   * @throws IllegalArgumentException naming the field if the sizes disagree or a centroid value is
   *     not finite
   */
  public PatchDictionary {
    if (size < 1 || (channels != 1 && channels != 3)) {
      throw new IllegalArgumentException(
          "dictionary patch size "
              + size
              + " and channels "
              + channels
              + ": need size >= 1 and 1 or 3 channels");
    }
    int p = size * size * channels;
    if (whitening.size() != p) {
      throw new IllegalArgumentException(
          "dictionary whitening takes "
              + whitening.size()
              + " values, patches of "
              + size
              + "x"
              + size
              + "x"
              + channels
              + " have "
              + p);
    }
    if (centroids.length < 1) {
      throw new IllegalArgumentException("dictionary centroids: none");
    }
    double[][] c = new double[centroids.length][];
    for (int j = 0; j < c.length; j++) {
      if (centroids[j].length != p) {
        throw new IllegalArgumentException(
            "dictionary centroid "
                + j
                + " has "
                + centroids[j].length
                + " values, patches have "
                + p);
      }
      for (double x : centroids[j]) {
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException("dictionary centroid " + j + " holds " + x);
        }
      }
      c[j] = centroids[j].clone();
    }
    centroids = c;
  }

  /**
   * Learns the dictionary from {@code samples} patches drawn uniformly (image and position) from
   * {@code train}.
   *
   * @param train the hospital's training images (labels are not read)
   * @param size patch side, at most the image's smaller side
   * @param k centroids, 1..samples
   * @param samples random patches to learn from
   * @param seed the patch draw and k-means randomness
   * @throws IllegalArgumentException naming the field: an empty split, a patch larger than the
   *     images, k or samples out of range
   */
  public static PatchDictionary learn(ImageSplit train, int size, int k, int samples, long seed) {
    if (train.n() == 0) {
      throw new IllegalArgumentException("dictionary train split '" + train.name() + "' is empty");
    }
    if (size < 1 || size > Math.min(train.height(), train.width())) {
      throw new IllegalArgumentException(
          "dictionary patch size "
              + size
              + " must be in 1.."
              + Math.min(train.height(), train.width())
              + " for "
              + train.height()
              + "x"
              + train.width()
              + " images");
    }
    if (samples < 2) {
      throw new IllegalArgumentException("dictionary samples must be >= 2, got " + samples);
    }
    if (k < 1 || k > samples) {
      throw new IllegalArgumentException(
          "dictionary centroids " + k + " must be in 1.." + samples + " (samples)");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] raw = new double[samples][size * size * train.channels()];
    for (int s = 0; s < samples; s++) {
      readPatch(
          train,
          rng.nextInt(train.n()),
          rng.nextInt(train.height() - size + 1),
          rng.nextInt(train.width() - size + 1),
          size,
          raw[s]);
    }
    PatchWhitening w = PatchWhitening.fit(raw);
    double[][] white = new double[samples][raw[0].length];
    double[] scratch = new double[raw[0].length];
    for (int s = 0; s < samples; s++) {
      w.apply(raw[s], scratch, white[s]);
    }
    KMeans km = KMeans.fit(white, k, MAX_ITERATIONS, rng.nextLong());
    return new PatchDictionary(size, train.channels(), w, km.centroids());
  }

  /** Centroids (k). */
  public int k() {
    return centroids.length;
  }

  /** The centroids (a copy). */
  @Override
  public double[][] centroids() {
    double[][] c = new double[centroids.length][];
    for (int j = 0; j < c.length; j++) {
      c[j] = centroids[j].clone();
    }
    return c;
  }

  /**
   * The raw pixels (0..255) of the {@code size x size} patch of image i whose top-left corner is
   * (y, x), in row, column, channel order, into {@code out}.
   */
  public static void readPatch(ImageSplit s, int i, int y, int x, int size, double[] out) {
    int c = s.channels();
    int o = 0;
    for (int dy = 0; dy < size; dy++) {
      for (int dx = 0; dx < size; dx++) {
        for (int ch = 0; ch < c; ch++) {
          out[o++] = s.pixel(i, y + dy, x + dx, ch);
        }
      }
    }
  }

  /** Reusable buffers for {@link #encode}: one per thread. */
  public final class Scratch {
    final double[] a = new double[whitening.size()];
    final double[] b = new double[whitening.size()];
    final double[] dist = new double[centroids.length];
  }

  /** Buffers for one thread's calls to {@link #encode}. */
  public Scratch scratch() {
    return new Scratch();
  }

  /**
   * Adds the triangle encoding of one raw patch to {@code out[offset .. offset + k)} (adding, so a
   * caller can pool by summing).
   *
   * @throws IllegalArgumentException if the patch does not hold size*size*channels values
   */
  public void encodeAdd(double[] rawPatch, Scratch s, float[] out, int offset) {
    whitening.apply(rawPatch, s.a, s.b);
    double mean = 0;
    for (int j = 0; j < centroids.length; j++) {
      s.dist[j] = Math.sqrt(KMeans.squaredDistance(s.b, centroids[j]));
      mean += s.dist[j];
    }
    mean /= centroids.length;
    for (int j = 0; j < centroids.length; j++) {
      double f = mean - s.dist[j];
      if (f > 0) {
        out[offset + j] += (float) f;
      }
    }
  }
}
