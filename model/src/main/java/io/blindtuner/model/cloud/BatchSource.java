package io.blindtuner.model.cloud;

/** Where a training job's encrypted micro-batches come from (the hospital encrypts them). */
public interface BatchSource {

  /**
   * The encrypted micro-batch {@code microBatch} of weight version {@code step}.
   *
   * @throws IllegalArgumentException if the step or micro-batch is out of range
   */
  EncryptedTrainer.Batch batch(int step, int microBatch);
}
