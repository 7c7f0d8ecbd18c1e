package io.blindtuner.pipeline.hospital;

import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.features.FeatureSet;
import io.blindtuner.vision.features.Featurizer;
import io.blindtuner.vision.features.TokenFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The hospital's featurized train and test splits, before any PCA or scaling.
 *
 * @param dataset the data set name
 * @param train train tokens
 * @param test test tokens (same T and d)
 * @param classes the class count
 * @param source where the tokens came from, for reports
 * @param featurizerName the featurizer's name ({@link Featurizer#name()}, or the token file's), for
 *     reports
 * @param featurizer the fitted featurizer when the tokens came from images here; null for a token
 *     file (its featurizer ran elsewhere, so a model trained on it predicts from token files only)
 * @param classNames one name per class
 */
public record TrainingData(
    String dataset,
    FeatureSet train,
    FeatureSet test,
    int classes,
    String source,
    String featurizerName,
    Featurizer featurizer,
    List<String> classNames) {

  /**
   * @throws IllegalArgumentException if the splits differ in shape, or the class names do not match
   *     the count
   */
  public TrainingData {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(featurizerName, "featurizerName");
    if (train.tokens() != test.tokens() || train.dim() != test.dim()) {
      throw new IllegalArgumentException(
          "train tokens (T="
              + train.tokens()
              + ", d="
              + train.dim()
              + ") and test tokens (T="
              + test.tokens()
              + ", d="
              + test.dim()
              + ") differ");
    }
    if (classNames.size() != classes) {
      throw new IllegalArgumentException(
          classNames.size() + " class names for " + classes + " classes");
    }
    classNames = List.copyOf(classNames);
  }

  /** The class names "0", "1", ... when nothing better is known. */
  public static List<String> numberedClasses(int classes) {
    return java.util.stream.IntStream.range(0, classes).mapToObj(Integer::toString).toList();
  }

  /**
   * Featurizes a MedMNIST data set with a weight-free featurizer fitted on the first {@code
   * limitTrain} training images (all if null), its tokens pooled over a {@code grid x grid} grid
   * (the k-means kinds learning a dictionary of {@code dictionary}'s size).
   *
   * @throws IllegalArgumentException if the grid or the dictionary's patch size does not suit the
   *     images (see {@link FeaturizerKind#fit})
   */
  public static TrainingData fromImages(
      MedMnistDataset ds,
      Path file,
      Integer limitTrain,
      FeaturizerKind kind,
      int grid,
      FeaturizerKind.Dictionary dictionary,
      List<String> classNames) {
    ImageSplit trainImages =
        limitTrain == null || limitTrain >= ds.train().n()
            ? ds.train()
            : ds.train().head(limitTrain);
    Featurizer f = kind.fit(trainImages, grid, dictionary);
    return new TrainingData(
        ds.name(),
        f.featurize(trainImages, n -> {}),
        f.featurize(ds.test(), n -> {}),
        ds.classes(),
        f.description() + " (" + file + ")",
        f.name(),
        f,
        classNames);
  }

  /**
   * The train and test splits of a token file, the train split cut to its first {@code limitTrain}
   * images (all if null).
   *
   * @throws IllegalArgumentException if the file lacks a train or test split
   */
  public static TrainingData fromTokens(
      TokenFile tf, Path file, Integer limitTrain, List<String> classNames) {
    FeatureSet train = tf.split("train");
    if (limitTrain != null && limitTrain < train.n()) {
      int k = limitTrain * train.tokens() * train.dim();
      train =
          new FeatureSet(
              train.split(),
              limitTrain,
              train.tokens(),
              train.dim(),
              Arrays.copyOf(train.values(), k),
              Arrays.copyOf(train.labels(), limitTrain));
    }
    return new TrainingData(
        tf.dataset(),
        train,
        tf.split("test"),
        tf.classes(),
        tf.description() + " (" + file + ")",
        tf.featurizer(),
        null,
        classNames);
  }
}
