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
   * Checks a grid against the images before any fitting.
   *
   * @throws IllegalArgumentException if {@code grid} does not suit {@code height x width} images
   *     (patch: it must divide them; kmeans: at most the activation map its patches leave;
   *     scattering: at most the image side)
   */
  public void checkGrid(int grid, int height, int width) {
    switch (this) {
      case patch -> PatchFeaturizer.checkGrid(grid, height, width);
      case kmeans ->
          KMeansPatchFeaturizer.checkGrid(
              grid, KMeansSettings.defaults().patchSize(), height, width);
      case scattering -> ScatteringFeaturizer.checkGrid(grid, height, width);
      case kmeans_scattering -> {
        kmeans.checkGrid(grid, height, width);
        scattering.checkGrid(grid, height, width);
      }
    }
  }

  /**
   * Fits this featurizer on the training images, pooling its tokens over a {@code grid x grid} grid
   * (patch: that many patches per side).
   *
   * @throws IllegalArgumentException naming the grid if it is below 1 or finer than the images (or
   *     the k-means activation map) allow, or if the images are empty
   */
  public Featurizer fit(ImageSplit train, int grid) {
    return switch (this) {
      case patch -> PatchFeaturizer.fit(train, grid);
      case kmeans -> {
        KMeansSettings d = KMeansSettings.defaults();
        yield KMeansPatchFeaturizer.fit(
            train, new KMeansSettings(d.patchSize(), d.centroids(), grid, d.samples(), d.seed()));
      }
      case scattering ->
          ScatteringFeaturizer.defaults(grid, train.height(), train.width(), train.channels());
      case kmeans_scattering ->
          StackedFeaturizer.fit(
              train, List.of(kmeans.fit(train, grid), scattering.fit(train, grid)));
    };
  }
}
