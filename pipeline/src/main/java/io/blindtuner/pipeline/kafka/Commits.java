package io.blindtuner.pipeline.kafka;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits requested without waiting for them. A stream that holds some records uncommitted until a
 * checkpoint (the trainer's micro-batches) must not wait for the commit of a record it merely
 * passes over (another job's, a dead letter's, one the checkpoint already covers): Kafka commits
 * positions, so that commit completes only with the held records', and the stream would stall
 * before delivering the records the checkpoint needs.
 */
public final class Commits {
  private static final Logger LOG = LoggerFactory.getLogger(Commits.class);

  private Commits() {}

  /**
   * Requests the record's commit; it happens once every earlier record of its partition is
   * committed. A failure (the partition was revoked first) is logged: the partition's next owner
   * reads the record again.
   */
  public static void request(IngestRecord record) {
    record
        .commit()
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                LOG.info(
                    "{} not committed ({}): the partition's next owner reads it again",
                    record,
                    failure.toString());
              }
            });
  }
}
