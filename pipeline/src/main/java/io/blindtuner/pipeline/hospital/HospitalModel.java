package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.data.TokenScaling;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.eval.Metrics;
import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.features.FeatureSet;
import io.blindtuner.vision.features.Featurizer;
import io.blindtuner.vision.features.Pca;
import io.blindtuner.vision.features.PositionCode;
import java.util.List;
import java.util.Objects;

/**
 * A trained head with everything needed to use it on new images at the hospital: the fitted
 * featurizer, the PCA, the token scaling, the head's functions and parameters, the class names and
 * the report of the training that made it. Plaintext: it exists only at the hospital ({@link
 * ModelFile}).
 *
 * @param dataset the data set it was trained on
 * @param trainedBy which run made the parameters: {@value #ENCRYPTED} or {@value #TWIN}
 * @param functions {@value #POLYNOMIAL} (the model trained under encryption and by its twin) or
 *     {@value #EXACT}
 * @param shape the head
 * @param parameters its parameters
 * @param classNames one name per class
 * @param featurizer the featurizer fitted on the training images; null if it was trained on a token
 *     file
 * @param pca the PCA fitted on the training tokens; null if none was needed
 * @param positions position-code values appended after the PCA ({@link PositionCode}: 0, 2 or 4)
 * @param scaling the token scaling fitted on the training tokens
 * @param reportJson the training report as JSON
 */
public record HospitalModel(
    String dataset,
    String trainedBy,
    String functions,
    HeadShape shape,
    HeadParameters parameters,
    List<String> classNames,
    Featurizer featurizer,
    Pca pca,
    int positions,
    TokenScaling scaling,
    String reportJson) {

  public static final String ENCRYPTED = "encrypted";
  public static final String TWIN = "twin";
  public static final String POLYNOMIAL = "polynomial";
  public static final String EXACT = "exact";

  /**
   * @throws IllegalArgumentException if the pieces disagree: parameters of another shape, class
   *     names not one per class (or holding a comma, quote or line break, which the CSV of
   *     predictions cannot carry), a PCA, scaling or featurizer whose sizes do not chain into the
   *     head, or an unknown run or function name
   */
  public HospitalModel {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(scaling, "scaling");
    Objects.requireNonNull(reportJson, "reportJson");
    if (!ENCRYPTED.equals(trainedBy) && !TWIN.equals(trainedBy)) {
      throw new IllegalArgumentException(
          "trained by '" + trainedBy + "', expected " + ENCRYPTED + " or " + TWIN);
    }
    if (!POLYNOMIAL.equals(functions) && !EXACT.equals(functions)) {
      throw new IllegalArgumentException(
          "functions '" + functions + "', expected " + POLYNOMIAL + " or " + EXACT);
    }
    if (!parameters.shape().equals(shape)) {
      throw new IllegalArgumentException(
          "parameters of " + parameters.shape() + " for a head of " + shape);
    }
    if (classNames.size() != shape.classes()) {
      throw new IllegalArgumentException(
          classNames.size() + " class names for " + shape.classes() + " classes");
    }
    classNames.forEach(HospitalModel::checkClassName);
    classNames = List.copyOf(classNames);
    if (scaling.dim() != shape.dim()) {
      throw new IllegalArgumentException(
          "token scaling of " + scaling.dim() + " values for a head of d=" + shape.dim());
    }
    PositionCode.check(positions);
    if (positions >= shape.dim()) {
      throw new IllegalArgumentException(
          positions + " position values leave no room in a head of d=" + shape.dim());
    }
    if (pca != null && pca.outputDim() + positions != shape.dim()) {
      throw new IllegalArgumentException(
          "PCA to "
              + pca.outputDim()
              + " values and "
              + positions
              + " position values for a head of d="
              + shape.dim());
    }
    int tokenValues = pca != null ? pca.inputDim() : shape.dim() - positions;
    if (featurizer != null
        && (featurizer.tokens() != shape.tokens() || featurizer.dim() != tokenValues)) {
      throw new IllegalArgumentException(
          "featurizer makes T="
              + featurizer.tokens()
              + " tokens of "
              + featurizer.dim()
              + " values; the model takes T="
              + shape.tokens()
              + " of "
              + tokenValues);
    }
  }

  /**
   * The model a training produced: the encrypted run's parameters if there was one, else the twin's
   * (both the polynomial head).
   *
   * @param reportJson the training report as JSON
   */
  public static HospitalModel of(TrainingResult r, String reportJson) {
    PreparedTraining job = r.prepared();
    TrainingData data = job.request().data();
    boolean enc = r.encryptedParameters() != null;
    return new HospitalModel(
        data.dataset(),
        enc ? ENCRYPTED : TWIN,
        POLYNOMIAL,
        job.shape(),
        enc ? r.encryptedParameters() : r.twinParameters(),
        data.classNames(),
        data.featurizer(),
        job.tokens().pca(),
        job.tokens().positions(),
        job.tokens().scaling(),
        reportJson);
  }

  /**
   * @throws IllegalArgumentException if the name is empty or holds a comma, quote or line break
   *     (the CSV of predictions carries names unquoted)
   */
  public static void checkClassName(String name) {
    if (name.isEmpty() || name.matches("(?s).*[,\"\\r\\n].*")) {
      throw new IllegalArgumentException(
          "class name '" + name + "' is empty or holds a comma, quote or line break");
    }
  }

  /** The head's non-linear functions. */
  public HeadFunctions headFunctions() {
    return POLYNOMIAL.equals(functions)
        ? HeadFunctions.polynomial(shape.classes())
        : HeadFunctions.exact();
  }

  /** Values per token the model takes before its PCA (or without one). */
  public int tokenValues() {
    return pca != null ? pca.inputDim() : shape.dim() - positions;
  }

  /**
   * Featurizes images with the stored featurizer.
   *
   * @throws IllegalArgumentException if the model was trained on a token file (it has no
   *     featurizer) or the images differ in size or channels from the training images
   */
  public FeatureSet featurize(ImageSplit images) {
    if (featurizer == null) {
      throw new IllegalArgumentException(
          "the model was trained on a token file, so it has no featurizer: give"
              + " tokens from the same featurizer (--tokens)");
    }
    return featurizer.featurize(images, n -> {});
  }

  /**
   * Applies the stored PCA, position code and scaling.
   *
   * @throws IllegalArgumentException if the tokens are not T x (values) the model takes, or a label
   *     is outside the classes
   */
  public TokenSet tokens(FeatureSet features) {
    if (features.tokens() != shape.tokens() || features.dim() != tokenValues()) {
      throw new IllegalArgumentException(
          features.split()
              + ": tokens are T="
              + features.tokens()
              + " of "
              + features.dim()
              + " values; the model takes T="
              + shape.tokens()
              + " of "
              + tokenValues());
    }
    return HospitalTokens.reduce(pca, positions, scaling, shape.classes(), features);
  }

  /**
   * Class probabilities of every image: the exact softmax of the head's logits (as the report's AUC
   * uses).
   */
  public double[][] probabilities(TokenSet tokens) {
    return Metrics.probabilities(headFunctions(), parameters, tokens);
  }

  /** Metrics of the probabilities against the tokens' labels. */
  public static Metrics metrics(double[][] probabilities, TokenSet tokens) {
    return Metrics.of(probabilities, tokens.labels());
  }
}
