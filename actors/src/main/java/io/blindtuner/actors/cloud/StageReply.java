package io.blindtuner.actors.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.cloud.Values;

/** What a cloud stage actor answers. */
public sealed interface StageReply {

  /** The job the reply belongs to. */
  String jobId();

  /**
   * The stage computed.
   *
   * @param jobId the job
   * @param step the weight version
   * @param microBatch the micro-batch (-1 for a whole-version command)
   * @param outputs the ciphertexts it produced
   * @param rotations rotations it performed
   * @param products ciphertext products it performed
   */
  record Done(
      String jobId,
      long step,
      int microBatch,
      Values<Ciphertext> outputs,
      long rotations,
      long products)
      implements StageReply {}

  /**
   * The stage failed; the reason names the stage and the cause.
   *
   * @param jobId the job
   * @param step the weight version
   * @param microBatch the micro-batch (-1 for a whole-version command)
   * @param stage the stage's name
   * @param reason what went wrong
   * @param fatal whether the job stops (otherwise the actor restarted and the command may be
   *     retried)
   */
  record Failed(String jobId, long step, int microBatch, String stage, String reason, boolean fatal)
      implements StageReply {}
}
