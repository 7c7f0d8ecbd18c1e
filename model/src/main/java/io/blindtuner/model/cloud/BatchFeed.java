package io.blindtuner.model.cloud;

import java.util.concurrent.CompletionStage;

/**
 * Where a training job's encrypted micro-batches come from: the hospital encrypts them, in this
 * process or across a network, so the answer is asynchronous.
 */
@FunctionalInterface
public interface BatchFeed {

  /**
   * The encrypted micro-batch {@code microBatch} of weight version {@code step}.
   *
   * @return the batch; completes exceptionally with {@link IllegalArgumentException} if the step or
   *     micro-batch is out of range, or with the hospital's error
   */
  CompletionStage<EncryptedTrainer.Batch> batch(int step, int microBatch);
}
