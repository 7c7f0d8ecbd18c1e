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
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, double finalFraction, double momentum,
    double weightDecay, long seed) {

  /** @throws IllegalArgumentException if a value is out of range */
  public TrainingConfig {
    if (epochs <= 0 || batchSize <= 0) {
      throw new IllegalArgumentException("epochs and batch size must be positive: " + epochs + ", " + batchSize);
    }
    if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1) || !(finalFraction >= 0 && finalFraction <= 1)
        || !(weightDecay >= 0)) {
      throw new IllegalArgumentException("bad optimiser settings: lr " + learningRate + ", momentum " + momentum
          + ", final fraction " + finalFraction + ", weight decay " + weightDecay);
    }
  }
}
