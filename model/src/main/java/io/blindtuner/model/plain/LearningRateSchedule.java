package io.blindtuner.model.plain;

/**
 * Cosine decay from {@code initial} to {@code initial * finalFraction} over {@code totalSteps}
 * steps.
 *
 * @param initial learning rate at step 0
 * @param finalFraction the last step's rate as a fraction of the first
 * @param totalSteps steps in the run
 */
public record LearningRateSchedule(double initial, double finalFraction, int totalSteps) {

  /**
   * @throws IllegalArgumentException if a value is out of range
   */
  public LearningRateSchedule {
    if (!(initial > 0) || !(finalFraction >= 0 && finalFraction <= 1) || totalSteps <= 0) {
      throw new IllegalArgumentException(
          "bad schedule: lr "
              + initial
              + ", final fraction "
              + finalFraction
              + ", steps "
              + totalSteps);
    }
  }

  public double rate(int step) {
    double progress = Math.min(1, (double) step / Math.max(1, totalSteps - 1));
    double low = initial * finalFraction;
    return low + (initial - low) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
