package io.blindtuner.model;

/**
 * Hyper-parameters shared by the twin, the float reference and the encrypted run.
 *
 * @param epochs passes over the training images
 * @param batchSize images per step
 * @param learningRate initial rate of the cosine schedule
 * @param finalFraction last rate over first
 * @param momentum Nesterov momentum
 * @param weightDecay L2 weight decay added to every gradient
 * @param seed initialisation and batch order seed
 * @param rangePenalty lambda of the penalty {@code lambda * (sum_j h_j^2 + sum_c u_c^2)} per image
 *     on the MLP pre-activations and the centred logits, which keeps them inside the polynomials'
 *     fitted domains (at least 0)
 * @param classBalanced each epoch draws every class equally often (see {@link
 *     io.blindtuner.model.plain.BatchOrder})
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double learningRate,
    double finalFraction,
    double momentum,
    double weightDecay,
    long seed,
    double rangePenalty,
    boolean classBalanced) {

  /**
   * @throws IllegalArgumentException if a value is out of range
   */
  public TrainingConfig {
    if (!(rangePenalty >= 0 && Double.isFinite(rangePenalty))) {
      throw new IllegalArgumentException(
          "range penalty must be finite and at least 0, got " + rangePenalty);
    }
    if (epochs <= 0 || batchSize <= 0) {
      throw new IllegalArgumentException(
          "epochs and batch size must be positive: " + epochs + ", " + batchSize);
    }
    if (!(learningRate > 0)
        || !(momentum >= 0 && momentum < 1)
        || !(finalFraction >= 0 && finalFraction <= 1)
        || !(weightDecay >= 0)) {
      throw new IllegalArgumentException(
          "bad optimiser settings: lr "
              + learningRate
              + ", momentum "
              + momentum
              + ", final fraction "
              + finalFraction
              + ", weight decay "
              + weightDecay);
    }
  }

  /**
   * Without the range penalty, in the images' own class mix.
   *
   * @throws IllegalArgumentException if a value is out of range
   */
  public TrainingConfig(
      int epochs,
      int batchSize,
      double learningRate,
      double finalFraction,
      double momentum,
      double weightDecay,
      long seed) {
    this(epochs, batchSize, learningRate, finalFraction, momentum, weightDecay, seed, 0, false);
  }
}
