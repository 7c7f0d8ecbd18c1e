package io.blindtuner.pipeline.hospital;

import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.features.Featurizer;
import io.blindtuner.vision.features.KMeansPatchFeaturizer;
import io.blindtuner.vision.features.KMeansSettings;
import io.blindtuner.vision.features.PatchFeaturizer;
import io.blindtuner.vision.features.ScatteringFeaturizer;
import io.blindtuner.vision.features.StackedFeaturizer;
import java.util.List;

/**
 * The weight-free featurizers the hospital can fit on its own training images ({@code
 * --featurizer}).
 */
public enum FeaturizerKind {
  /** Raw 7x7 patches standardised per position ({@link PatchFeaturizer}). */
  patch,
  /**
   * A k-means patch dictionary with pooling ({@link KMeansPatchFeaturizer}, {@link
   * KMeansSettings#defaults()}).
   */
  kmeans,
  /** A two-layer wavelet scattering transform ({@link ScatteringFeaturizer#defaults}). */
  scattering,
  /**
   * The k-means dictionary and the scattering transform, standardised and stacked per token ({@link
   * StackedFeaturizer}).
   */
  kmeans_scattering;

  /**
   * The featurizer runs use unless told otherwise: the one that scored best on the validation
   * splits.
   */
  public static final FeaturizerKind DEFAULT = kmeans;

  /**
   * Patch grid of the weight-free patch featurizer: 4 x 4 patches of 7 x 7 pixels on 28 x 28
   * images.
   */
  public static final int PATCH_GRID = 4;

  /**
   * The pooling grid this featurizer uses unless told otherwise (T = grid² tokens): {@link
   * #PATCH_GRID} for patch, {@link KMeansSettings#defaults()}'s for kmeans.
   */
  public int defaultGrid() {
    return switch (this) {
      case patch -> PATCH_GRID;
      case kmeans, scattering, kmeans_scattering -> KMeansSettings.defaults().grid();
    };
  }

  /**
   * Whether this featurizer learns a k-means patch dictionary (and so takes a {@link Dictionary}).
   */
  public boolean usesDictionary() {
    return this == kmeans || this == kmeans_scattering;
  }

  /**
   * Checks a grid (and the dictionary's patch size) against the images before any fitting.
   *
   * @throws IllegalArgumentException if {@code grid} does not suit {@code height x width} images
   *     (patch: it must divide them; kmeans: at most the activation map the dictionary's patches
   *     leave; scattering: at most the image side), or the patches are larger than the images
   */
  public void checkGrid(int grid, Dictionary dictionary, int height, int width) {
    switch (this) {
      case patch -> PatchFeaturizer.checkGrid(grid, height, width);
      case kmeans -> KMeansPatchFeaturizer.checkGrid(grid, dictionary.patchSize(), height, width);
      case scattering -> ScatteringFeaturizer.checkGrid(grid, height, width);
      case kmeans_scattering -> {
        kmeans.checkGrid(grid, dictionary, height, width);
        scattering.checkGrid(grid, dictionary, height, width);
      }
    }
  }

  /**
   * Fits this featurizer on the training images, pooling its tokens over a {@code grid x grid} grid
   * (patch: that many patches per side); the k-means kinds learn a dictionary of that size, the
   * others ignore it.
   *
   * @throws IllegalArgumentException naming the grid if it is below 1 or finer than the images (or
   *     the k-means activation map) allow, naming the patch size if the dictionary's patches are
   *     larger than the images, or if the images are empty
   */
  public Featurizer fit(ImageSplit train, int grid, Dictionary dictionary) {
    return switch (this) {
      case patch -> PatchFeaturizer.fit(train, grid);
      case kmeans -> {
        KMeansSettings d = KMeansSettings.defaults();
        yield KMeansPatchFeaturizer.fit(
            train,
            new KMeansSettings(
                dictionary.patchSize(), dictionary.centroids(), grid, d.samples(), d.seed()));
      }
      case scattering ->
          ScatteringFeaturizer.defaults(grid, train.height(), train.width(), train.channels());
      case kmeans_scattering ->
          StackedFeaturizer.fit(
              train,
              List.of(
                  kmeans.fit(train, grid, dictionary), scattering.fit(train, grid, dictionary)));
    };
  }

  /**
   * The size of the k-means patch dictionary the k-means kinds learn.
   *
   * @param centroids dictionary size k (values per token before the PCA), 1..{@link #MAX_CENTROIDS}
   * @param patchSize patch side in pixels, 1..{@link #MAX_PATCH_SIZE}
   */
  public record Dictionary(int centroids, int patchSize) {
    /**
     * The most centroids a dictionary may have: a token's values before the PCA. Capped because
     * every image's activation map holds k values per position and k-means time grows with k; the
     * sweeps found 256 already past the best.
     */
    public static final int MAX_CENTROIDS = 512;

    /**
     * The largest patch side. Capped because the sampled patches and the whitening matrix grow with
     * its square: at 16 on RGB, 768 values a patch, the 20,000 samples held raw and whitened as
     * doubles take about 0.25 GB. The sweeps found 10 already past the best on 28 x 28 images.
     */
    public static final int MAX_PATCH_SIZE = 16;

    /** {@link KMeansSettings#defaults()}'s: 64 centroids of 6 x 6 patches. */
    public static final Dictionary DEFAULT =
        new Dictionary(
            KMeansSettings.defaults().centroids(), KMeansSettings.defaults().patchSize());

    /**
     * @throws IllegalArgumentException naming the field that is out of its range
     */
    public Dictionary {
      if (centroids < 1 || centroids > MAX_CENTROIDS) {
        throw new IllegalArgumentException(
            "dictionary centroids must be in 1.." + MAX_CENTROIDS + ", got " + centroids);
      }
      if (patchSize < 1 || patchSize > MAX_PATCH_SIZE) {
        throw new IllegalArgumentException(
            "dictionary patch size must be in 1.." + MAX_PATCH_SIZE + ", got " + patchSize);
      }
    }
  }
}
