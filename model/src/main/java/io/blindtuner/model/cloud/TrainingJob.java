package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.function.IntToDoubleFunction;

/**
 * Everything a {@link TrainingSchedule} needs to run a training job on the cloud's side: the plan, each stage's
 * evaluation keys, the initial encrypted weights, where micro-batches come from and the refresh round trip. No
 * secret key.
 *
 * @param id the job's id (in messages, logs and metrics)
 * @param params the CKKS parameters
 * @param encoder encodes the stages' masks
 * @param plan the derived plan
 * @param keys each stage's keys
 * @param initialWeights the encrypted parameters and velocities
 * @param batches the encrypted micro-batches
 * @param refresher the round trip to the key holder
 * @param steps weight versions to train
 * @param microBatches micro-batches per weight version
 * @param learningRate the learning rate of each step
 * @param onStep called with each step's index once its update is applied
 */
public record TrainingJob(String id, CkksParameters params, CkksEncoder encoder, TrainingPlan plan,
    Map<StageKind, StageKeys> keys, Values<Ciphertext> initialWeights, BatchFeed batches, Refresher refresher,
    int steps, int microBatches, IntToDoubleFunction learningRate, IntConsumer onStep) {

  /**
   * @throws IllegalArgumentException if a stage has no keys, the weights are incomplete, or the counts are not
   *     positive
   */
  public TrainingJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(batches, "batches");
    Objects.requireNonNull(refresher, "refresher");
    Objects.requireNonNull(learningRate, "learningRate");
    Objects.requireNonNull(onStep, "onStep");
    keys = new EnumMap<>(keys);
    for (StageKind k : StageKind.values()) {
      if (!keys.containsKey(k)) {
        throw new IllegalArgumentException("job " + id + ": no keys for stage '" + k.label() + "'");
      }
    }
    initialWeights = EncryptedTrainer.checkWeights(initialWeights);
    if (steps < 1 || microBatches < 1) {
      throw new IllegalArgumentException("job " + id + ": steps and micro-batches must be >= 1, got " + steps + ", "
          + microBatches);
    }
  }

  /** This job with the hospital reached through other means (e.g. its actors). */
  public TrainingJob withHospital(BatchFeed feed, Refresher refresh) {
    return new TrainingJob(id, params, encoder, plan, keys, initialWeights, feed, refresh, steps, microBatches,
        learningRate, onStep);
  }
}
