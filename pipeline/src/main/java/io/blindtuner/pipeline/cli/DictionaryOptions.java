package io.blindtuner.pipeline.cli;

import io.blindtuner.pipeline.hospital.FeaturizerKind;
import picocli.CommandLine.Option;

/**
 * Picocli mixin for the commands that fit a weight-free featurizer: {@code --centroids} and {@code
 * --patch-size}, the size of the k-means patch dictionary, each defaulting to the data set's own.
 */
final class DictionaryOptions {
  @Option(
      names = "--centroids",
      paramLabel = "K",
      description =
          "With a k-means featurizer: the dictionary's size, values per token before the PCA (default:"
              + " the data set's own).")
  Integer centroids;

  @Option(
      names = "--patch-size",
      paramLabel = "P",
      description =
          "With a k-means featurizer: the dictionary's patch side in pixels (default: the data set's"
              + " own).")
  Integer patchSize;

  /** The first of the two options given, or null if neither is. */
  String given() {
    return centroids != null ? "--centroids" : patchSize != null ? "--patch-size" : null;
  }

  /**
   * The dictionary {@code kind} learns: the options given, the rest from {@code defaults}.
   *
   * @throws IllegalArgumentException naming the option if it is given for a featurizer that learns
   *     no dictionary, or is out of range ({@link FeaturizerKind.Dictionary})
   */
  FeaturizerKind.Dictionary resolve(FeaturizerKind kind, FeaturizerKind.Dictionary defaults) {
    if (!kind.usesDictionary()) {
      if (given() != null) {
        throw new IllegalArgumentException(
            given()
                + " applies to the k-means featurizers (kmeans, kmeans_scattering), not "
                + kind);
      }
      return defaults;
    }
    int k = centroids != null ? centroids : defaults.centroids();
    int p = patchSize != null ? patchSize : defaults.patchSize();
    OptionChecks.upTo("--centroids", k, FeaturizerKind.Dictionary.MAX_CENTROIDS);
    OptionChecks.upTo("--patch-size", p, FeaturizerKind.Dictionary.MAX_PATCH_SIZE);
    return new FeaturizerKind.Dictionary(k, p);
  }
}
