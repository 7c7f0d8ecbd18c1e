package io.blindtuner.model.hospital;

import io.blindtuner.model.plan.TrainingPlan;
import java.util.Objects;

/**
 * What the hospital agrees to refresh for one job, fixed when the job starts: the plan (which
 * ciphertexts each refresh carries, at which level and scale, refreshed to which level), the
 * micro-batches per weight version and the number of versions. Its budget is exactly the round
 * trips such a job needs.
 *
 * @param plan the job's derived plan
 * @param microBatchesPerStep micro-batches per weight version, at least 1
 * @param steps weight versions the job may run, at least 1
 */
public record RefreshAgreement(TrainingPlan plan, int microBatchesPerStep, long steps) {
  /**
   * @throws IllegalArgumentException if a count is below 1 or the budget overflows
   */
  public RefreshAgreement {
    Objects.requireNonNull(plan, "plan");
    if (microBatchesPerStep < 1 || steps < 1) {
      throw new IllegalArgumentException(
          "micro-batches per step and steps must be >= 1, got "
              + microBatchesPerStep
              + ", "
              + steps);
    }
    Math.multiplyExact(steps, (long) plan.refreshRoundTripsPerStep(microBatchesPerStep));
  }

  /**
   * The most refresh round trips the job can need: every micro-batch's, and the weights' after each
   * update.
   */
  public long budget() {
    long weights = (steps - 1) * plan.weightRefreshParts();
    return steps * plan.refreshRoundTripsPerMicroBatch() * microBatchesPerStep + weights;
  }
}
