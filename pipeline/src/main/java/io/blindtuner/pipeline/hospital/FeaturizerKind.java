package io.blindtuner.pipeline.hospital;

import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.features.Featurizer;
import io.blindtuner.vision.features.KMeansPatchFeaturizer;
import io.blindtuner.vision.features.KMeansSettings;
import io.blindtuner.vision.features.PatchFeaturizer;

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
  kmeans;

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
   * Fits this featurizer on the training images.
   *
   * @throws IllegalArgumentException if the images do not suit it (empty, or too small for its grid
   *     or patches)
   */
  public Featurizer fit(ImageSplit train) {
    return switch (this) {
      case patch -> PatchFeaturizer.fit(train, PATCH_GRID);
      case kmeans -> KMeansPatchFeaturizer.fit(train, KMeansSettings.defaults());
    };
  }
}
