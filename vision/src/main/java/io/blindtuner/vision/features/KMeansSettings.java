package io.blindtuner.vision.features;

/**
 * The settings of the {@link KMeansPatchFeaturizer}.
 *
 * @param patchSize patch side in pixels
 * @param centroids dictionary size k (values per token before the PCA)
 * @param grid regions per side of the activation map (T = grid² tokens)
 * @param samples random training patches the dictionary is learned from
 * @param seed the patch draw and k-means randomness (fixed: the dictionary is not secret, and runs
 *     reproduce)
 */
public record KMeansSettings(int patchSize, int centroids, int grid, int samples, long seed) {

  /**
   * @throws IllegalArgumentException naming the setting that is below its minimum
   */
  public KMeansSettings {
    if (patchSize < 1) {
      throw new IllegalArgumentException("k-means patchSize must be >= 1, got " + patchSize);
    }
    if (centroids < 1) {
      throw new IllegalArgumentException("k-means centroids must be >= 1, got " + centroids);
    }
    if (grid < 1) {
      throw new IllegalArgumentException("k-means grid must be >= 1, got " + grid);
    }
    if (samples < centroids) {
      throw new IllegalArgumentException(
          "k-means samples " + samples + " must be >= centroids " + centroids);
    }
  }

  /**
   * The defaults: 6x6 patches (Coates &amp; Ng's best receptive field at this resolution), a 4x4
   * grid so T = 16 as the patch featurizer gives; the dictionary size is chosen on the validation
   * splits (benchmarks' FeaturizerSweep).
   */
  public static KMeansSettings defaults() {
    return new KMeansSettings(6, 64, 4, 20_000, 1);
  }
}
