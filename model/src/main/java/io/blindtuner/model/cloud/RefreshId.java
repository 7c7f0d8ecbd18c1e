package io.blindtuner.model.cloud;

import java.util.Objects;

/**
 * Which refresh of a job a round trip is: the weight version (step), the micro-batch and the phase
 * whose outputs are refreshed ({@link Phase#OPTIMIZER_UPDATE} for the weights an update left below
 * their planned level, asked in parts at the start of the next version: {@link #weights}).
 * Encrypted inference after the job's last version {@code steps} uses ids beyond it: {@link
 * #weights}{@code (steps, part)} once per part for the final weights, {@link #inference} for each
 * request. The key holder checks a request against its agreed plan by this id and answers each id
 * once (a byte-identical repeat gets the same answer).
 *
 * @param step the weight version, from 0
 * @param microBatch the micro-batch within the version, from 0 (the part, for the weights' refresh)
 * @param after the phase whose outputs are refreshed
 */
public record RefreshId(long step, int microBatch, Phase after) {
  /**
   * @throws IllegalArgumentException if step or micro-batch is negative; NullPointerException if
   *     after is null
   */
  public RefreshId {
    Objects.requireNonNull(after, "after");
    if (step < 0 || microBatch < 0) {
      throw new IllegalArgumentException(
          "step and micro-batch must be >= 0, got " + step + ", " + microBatch);
    }
  }

  /**
   * Part {@code part} of the refresh of the weights below plan at the start of version {@code step}
   * ({@link io.blindtuner.model.plan.TrainingPlan#weightRefreshParts}): for this phase the
   * micro-batch field numbers the part.
   *
   * @throws IllegalArgumentException if step or part is negative
   */
  public static RefreshId weights(long step, int part) {
    return new RefreshId(step, part, Phase.OPTIMIZER_UPDATE);
  }

  /**
   * The refresh of inference request {@code request} (its attention outputs) against a job of
   * {@code steps} versions: version {@code steps + 1 + request}, past every training id.
   *
   * @throws IllegalArgumentException if either is negative
   */
  public static RefreshId inference(long steps, long request) {
    if (steps < 0 || request < 0) {
      throw new IllegalArgumentException(
          "steps and request must be >= 0, got " + steps + ", " + request);
    }
    return new RefreshId(Math.addExact(steps + 1, request), 0, Phase.ATTENTION_FORWARD);
  }

  @Override
  public String toString() {
    if (after == Phase.OPTIMIZER_UPDATE) {
      return "step " + step + ", weights part " + microBatch;
    }
    return "step " + step + ", micro-batch " + microBatch + ", after " + after.label();
  }
}
