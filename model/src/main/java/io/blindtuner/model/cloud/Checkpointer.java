package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Makes a job's progress durable. A schedule calls it after every update with the new weights and
 * waits for it before the next version starts, so whatever it records (weights, and the input
 * offsets they cover) is complete when the job goes on; it decides itself which versions to keep
 * (e.g. every K steps).
 */
@FunctionalInterface
public interface Checkpointer {
  /** Keeps nothing. */
  Checkpointer NONE = (next, weights) -> CompletableFuture.completedFuture(null);

  /**
   * @param nextStep the step the weights are ready for (the update of step {@code nextStep - 1} is
   *     in them)
   * @param weights the encrypted parameters and velocities
   * @return completes when whatever it keeps is durable; exceptionally if it could not be kept (the
   *     job stops)
   */
  CompletionStage<Void> after(int nextStep, Values<Ciphertext> weights);
}
