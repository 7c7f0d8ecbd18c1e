package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.HeadShape;
import io.blindtuner.model.data.TokenScaling;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.features.FeatureSet;
import io.blindtuner.vision.features.PatchFeaturizer;
import io.blindtuner.vision.features.Pca;
import java.util.Locale;

/**
 * The hospital's tokens for a head, from features: a PCA fitted on the training split down to {@code dim} values,
 * then standardisation and clipping fitted on the training split too (the test split only has them applied).
 *
 * @param train the training tokens
 * @param test the test tokens
 * @param shape the head they feed (T tokens of {@code dim} values, {@code hidden} units, the classes)
 * @param reduction what the PCA did, for reports
 * @param source where the features came from, for reports
 */
public record HospitalTokens(TokenSet train, TokenSet test, HeadShape shape, String reduction, String source) {

  /**
   * @throws IllegalArgumentException if the features have fewer than {@code dim} values
   */
  public static HospitalTokens prepare(FeatureSet train, FeatureSet test, int classes, String source, int dim,
      int hidden, double clip) {
    String reduction = "none";
    if (train.dim() > dim) {
      Pca pca = Pca.fit(train, dim);
      train = pca.apply(train);
      test = pca.apply(test);
      reduction = String.format(Locale.ROOT, "PCA %d -> %d on train (%.1f%% of variance)", pca.inputDim(), dim,
          100 * pca.explainedVarianceRatio());
    } else if (train.dim() < dim) {
      throw new IllegalArgumentException("tokens have " + train.dim() + " values, fewer than --dim " + dim);
    }
    TokenScaling scaling = TokenScaling.fit(train.values(), train.n(), train.tokens(), train.dim(), clip);
    return new HospitalTokens(scaling.apply(train.values(), train.n(), train.tokens(), train.labels(), classes),
        scaling.apply(test.values(), test.n(), test.tokens(), test.labels(), classes),
        new HeadShape(train.tokens(), dim, hidden, classes), reduction, source);
  }

  /**
   * Tokens from a MedMNIST data set through the weight-free patch featurizer (4 x 4 patches), fitted on the first
   * {@code limitTrain} training images (all if null).
   */
  public static HospitalTokens patches(MedMnistDataset ds, String file, Integer limitTrain, int dim, int hidden,
      double clip) {
    ImageSplit trainImages = limitTrain == null ? ds.train() : ds.train().head(limitTrain);
    PatchFeaturizer f = PatchFeaturizer.fit(trainImages, 4);
    return prepare(f.featurize(trainImages, n -> {}), f.featurize(ds.test(), n -> {}), ds.classes(),
        f.description() + " (" + file + ")", dim, hidden, clip);
  }
}
