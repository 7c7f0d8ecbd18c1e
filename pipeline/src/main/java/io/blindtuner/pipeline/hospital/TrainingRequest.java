package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.TrainingConfig;
import java.util.Objects;

/**
 * What the hospital asks {@link TrainingService} for. Sizes that only the data can confirm (the PCA
 * dimension against the token width, the batch against the training images, the encrypted packing)
 * are checked by {@link TrainingService#prepare}; errors name the {@code blindtuner train} option
 * at fault.
 *
 * @param data the featurized splits
 * @param dim token values after the PCA, the position code included
 * @param positions of them, position-code values ({@link
 *     io.blindtuner.vision.features.PositionCode}: 0, 2 or 4)
 * @param hidden MLP hidden units
 * @param clip standardised token values are clipped to [-clip, clip]
 * @param config the hyper-parameters shared by every run
 * @param encryption the encrypted run's settings; null for the float reference and the twin only
 */
public record TrainingRequest(
    TrainingData data,
    int dim,
    int positions,
    int hidden,
    double clip,
    TrainingConfig config,
    EncryptionSettings encryption) {

  /**
   * @throws IllegalArgumentException naming the option if dim, hidden or clip is out of range
   */
  public TrainingRequest {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(config, "config");
    if (dim < 1) {
      throw new IllegalArgumentException("--dim must be >= 1, got " + dim);
    }
    if (hidden < 1) {
      throw new IllegalArgumentException("--hidden must be >= 1, got " + hidden);
    }
    if (!(clip > 0) || Double.isInfinite(clip)) {
      throw new IllegalArgumentException("--clip must be a positive number, got " + clip);
    }
  }

  /** Without a position code. */
  public TrainingRequest(
      TrainingData data,
      int dim,
      int hidden,
      double clip,
      TrainingConfig config,
      EncryptionSettings encryption) {
    this(data, dim, 0, hidden, clip, config, encryption);
  }

  /** Whether the encrypted run is asked for. */
  public boolean encrypted() {
    return encryption != null;
  }
}
