package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;

/**
 * How the cloud runs a job's steps: {@link SequentialSchedule} on the calling thread, or the
 * overlapped actor graph (module pipeline). Both must give the same weights for the same job.
 */
public interface TrainingSchedule {

  /**
   * What a schedule reports.
   *
   * @param weights the trained encrypted parameters and velocities
   * @param rotations rotations performed by all stages
   * @param products ciphertext products performed by all stages
   * @param peakCiphertextsAlive the most ciphertexts the schedule held at once (micro-batch values
   *     in flight)
   */
  record Result(
      Values<Ciphertext> weights, long rotations, long products, long peakCiphertextsAlive) {}

  /**
   * Runs every step of the job.
   *
   * @throws io.blindtuner.he.ckks.HeException if a stage or a refresh fails for good
   * @throws IllegalStateException if the schedule fails for another reason (its cause says why)
   */
  Result run(TrainingJob job);
}
