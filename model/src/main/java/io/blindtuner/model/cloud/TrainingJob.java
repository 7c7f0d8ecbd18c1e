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
 * Everything a {@link TrainingSchedule} needs to run a training job on the cloud's side: the plan,
 * each stage's evaluation keys, the initial encrypted weights, where micro-batches come from and
 * the refresh round trip. No secret key.
 *
 * @param id the job's id (in messages, logs and metrics)
 * @param params the CKKS parameters
 * @param encoder encodes the stages' masks
 * @param plan the derived plan
 * @param keys each stage's keys
 * @param initialWeights the encrypted parameters and velocities of version {@code firstStep}
 * @param batches the encrypted micro-batches
 * @param refresher the round trip to the key holder
 * @param firstStep the first step to run (0, or where a checkpoint left off)
 * @param steps weight versions of the whole job (it runs steps {@code firstStep} to {@code steps -
 *     1})
 * @param microBatches micro-batches per weight version
 * @param learningRate the learning rate of each step
 * @param onStep called with each step's index once its update is applied
 * @param checkpoints told the weights after every update, waited for before the next version
 */
public record TrainingJob(
    String id,
    CkksParameters params,
    CkksEncoder encoder,
    TrainingPlan plan,
    Map<StageKind, StageKeys> keys,
    Values<Ciphertext> initialWeights,
    BatchFeed batches,
    Refresher refresher,
    int firstStep,
    int steps,
    int microBatches,
    IntToDoubleFunction learningRate,
    IntConsumer onStep,
    Checkpointer checkpoints) {

  /**
   * @throws IllegalArgumentException if a stage has no keys, the weights are incomplete, or the
   *     counts are not positive
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
    Objects.requireNonNull(checkpoints, "checkpoints");
    keys = new EnumMap<>(keys);
    for (StageKind k : StageKind.values()) {
      if (!keys.containsKey(k)) {
        throw new IllegalArgumentException("job " + id + ": no keys for stage '" + k.label() + "'");
      }
    }
    initialWeights = EncryptedTrainer.checkWeights(initialWeights);
    if (steps < 1 || microBatches < 1 || firstStep < 0 || firstStep > steps) {
      throw new IllegalArgumentException(
          "job "
              + id
              + ": steps and micro-batches must be >= 1 and the first step"
              + " in 0..steps, got "
              + steps
              + ", "
              + microBatches
              + ", "
              + firstStep);
    }
  }

  /** A job from its start, keeping no checkpoints. */
  public TrainingJob(
      String id,
      CkksParameters params,
      CkksEncoder encoder,
      TrainingPlan plan,
      Map<StageKind, StageKeys> keys,
      Values<Ciphertext> initialWeights,
      BatchFeed batches,
      Refresher refresher,
      int steps,
      int microBatches,
      IntToDoubleFunction learningRate,
      IntConsumer onStep) {
    this(
        id,
        params,
        encoder,
        plan,
        keys,
        initialWeights,
        batches,
        refresher,
        0,
        steps,
        microBatches,
        learningRate,
        onStep,
        Checkpointer.NONE);
  }

  /** This job with the hospital reached through other means (e.g. its actors). */
  public TrainingJob withHospital(BatchFeed feed, Refresher refresh) {
    return new TrainingJob(
        id,
        params,
        encoder,
        plan,
        keys,
        initialWeights,
        feed,
        refresh,
        firstStep,
        steps,
        microBatches,
        learningRate,
        onStep,
        checkpoints);
  }
}
