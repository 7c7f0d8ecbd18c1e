package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.HeadShape;
import io.blindtuner.model.data.TokenScaling;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.features.FeatureSet;
import io.blindtuner.vision.features.Featurizer;
import io.blindtuner.vision.features.Pca;
import io.blindtuner.vision.features.PositionCode;
import java.util.Locale;

/**
 * The hospital's tokens for a head, from its featurized splits: a PCA fitted on the training split
 * down to {@code dim - positions} values, the {@link PositionCode} of each token's place (if any),
 * then standardisation and clipping fitted on the training split too (the test split only has them
 * applied). The fitted PCA and scaling are kept: a saved model applies them to new images.
 *
 * @param train the training tokens
 * @param test the test tokens
 * @param shape the head they feed (T tokens of {@code dim} values, {@code hidden} units, the
 *     classes)
 * @param reduction what the PCA did, for reports
 * @param source where the features came from, for reports
 * @param pca the PCA fitted on train; null when the features already had {@code dim - positions}
 *     values
 * @param positions position-code values appended to each token after the PCA (0, 2 or 4)
 * @param scaling the standardisation and clipping fitted on train (after the PCA)
 */
public record HospitalTokens(
    TokenSet train,
    TokenSet test,
    HeadShape shape,
    String reduction,
    String source,
    Pca pca,
    int positions,
    TokenScaling scaling) {

  /**
   * Checks a position code's size against the token width, naming the options.
   *
   * @throws IllegalArgumentException if {@code --positions} is not 0, 2 or 4 or leaves no room in
   *     {@code --dim}
   */
  public static void checkPositions(int positions, int dim) {
    try {
      PositionCode.check(positions);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--positions: " + e.getMessage(), e);
    }
    if (positions >= dim) {
      throw new IllegalArgumentException(
          "--positions " + positions + " leaves no room in --dim " + dim + " for the features");
    }
  }

  /** Without a position code. */
  public static HospitalTokens prepare(TrainingData data, int dim, int hidden, double clip) {
    return prepare(data, dim, hidden, clip, 0);
  }

  /**
   * @param positions position-code values in each token's {@code dim} (0, 2 or 4)
   * @throws IllegalArgumentException naming the option: the features have fewer than {@code --dim}
   *     values with the position code, or {@code --positions} is not 0, 2 or 4 or leaves no room
   */
  public static HospitalTokens prepare(
      TrainingData data, int dim, int hidden, double clip, int positions) {
    checkPositions(positions, dim);
    FeatureSet train = data.train();
    FeatureSet test = data.test();
    int reduced = dim - positions;
    String reduction = "none";
    Pca pca = null;
    if (train.dim() > reduced) {
      pca = Pca.fit(train, reduced);
      train = pca.apply(train);
      test = pca.apply(test);
      reduction =
          String.format(
              Locale.ROOT,
              "PCA %d -> %d on train (%.1f%% of variance)",
              pca.inputDim(),
              reduced,
              100 * pca.explainedVarianceRatio());
    } else if (train.dim() < reduced) {
      throw new IllegalArgumentException(
          "--dim "
              + dim
              + " is more than the "
              + train.dim()
              + " values the tokens have"
              + (positions > 0 ? " plus the " + positions + " of --positions" : ""));
    }
    if (positions > 0) {
      train = PositionCode.append(train, positions);
      test = PositionCode.append(test, positions);
      reduction += " + " + positions + " position values";
    }
    int classes = data.classes();
    TokenScaling scaling =
        TokenScaling.fit(train.values(), train.n(), train.tokens(), train.dim(), clip);
    return new HospitalTokens(
        scaling.apply(train.values(), train.n(), train.tokens(), train.labels(), classes),
        scaling.apply(test.values(), test.n(), test.tokens(), test.labels(), classes),
        new HeadShape(train.tokens(), dim, hidden, classes),
        reduction,
        data.source(),
        pca,
        positions,
        scaling);
  }

  /**
   * Tokens of new images through the same fitted chain as the training split: {@code featurizer}
   * (the one fitted on the training images), then this PCA and scaling.
   *
   * @throws IllegalArgumentException if the images differ in size or channels from the
   *     featurizer's, or a label is outside the classes
   */
  public TokenSet tokens(Featurizer featurizer, ImageSplit images) {
    return reduce(pca, positions, scaling, shape.classes(), featurizer.featurize(images, n -> {}));
  }

  /**
   * Featurized tokens through a fitted PCA (if any), the position code and the scaling, as the head
   * takes them.
   *
   * @throws IllegalArgumentException naming the split if a label is outside the classes
   */
  static TokenSet reduce(
      Pca pca, int positions, TokenScaling scaling, int classes, FeatureSet features) {
    FeatureSet f = PositionCode.append(pca != null ? pca.apply(features) : features, positions);
    for (int label : f.labels()) {
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException(
            features.split() + ": label " + label + " is outside the " + classes + " classes");
      }
    }
    return scaling.apply(f.values(), f.n(), f.tokens(), f.labels(), classes);
  }
}
