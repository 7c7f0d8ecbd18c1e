package io.blindtuner.vision.features;

import io.blindtuner.vision.data.ImageSplit;
import java.util.function.IntConsumer;

/**
 * Turns images into T tokens of d values each, on the hospital side. Implementations are immutable
 * once built (anything fitted on the train split is fitted before construction) and safe to share
 * across threads.
 */
public interface Featurizer {

  /** A short name that every output carries, e.g. "patch featurizer (weight-free)". */
  String name();

  /** The configuration in one line (grid, model, weights file...). */
  String description();

  /** Tokens per image (T). */
  int tokens();

  /** Values per token (d). */
  int dim();

  /**
   * Featurizes every image of a split.
   *
   * @param split the images and labels
   * @param progress called with the number of images just finished (possibly from several threads)
   * @return tokens and labels
   * @throws IllegalArgumentException if the images' size or channel count does not suit this
   *     featurizer
   */
  FeatureSet featurize(ImageSplit split, IntConsumer progress);
}
