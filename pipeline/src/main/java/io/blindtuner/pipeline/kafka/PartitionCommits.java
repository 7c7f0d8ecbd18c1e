package io.blindtuner.pipeline.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The records of one assigned partition that were delivered and not yet committed, in offset order. Kafka
 * commits a position: committing record n also commits every record before it. So a record's commit is sent only
 * once every earlier record of its partition has been committed by the caller, and then as one commit of the
 * longest finished prefix; records finished out of order wait for the gap to close.
 *
 * <p>When the partition is revoked (rebalance, close) the records still waiting can no longer be committed by this
 * consumer: their commits fail, and the partition's next owner reads them again.
 */
final class PartitionCommits {
  private final long assignedAt;
  private final ArrayDeque<IngestRecord> pending = new ArrayDeque<>();
  private boolean revoked;

  /** @param assignedAt the consumer's position in the partition when it was assigned */
  PartitionCommits(long assignedAt) {
    this.assignedAt = assignedAt;
  }

  /**
   * Whether a record belongs to this assignment: one below the position at assignment was fetched under an
   * earlier assignment of the partition and is a stale delivery.
   */
  boolean covers(long offset) {
    return offset >= assignedAt;
  }

  /** A tracker of a partition this consumer no longer owns: every commit through it fails. */
  static PartitionCommits revoked() {
    PartitionCommits c = new PartitionCommits(Long.MAX_VALUE);
    c.revoked = true;
    return c;
  }

  /** Records a delivered record (called in offset order by the receiving thread). */
  synchronized void delivered(IngestRecord record) {
    pending.addLast(record);
  }

  /**
   * Marks a record finished by the caller and returns the prefix now ready, with its commit sent to the client
   * (the position after the prefix's last record) — or null if an earlier record is not finished yet. The commit
   * is handed to the client under this object's lock, so the positions it receives only grow.
   *
   * @throws IllegalStateException if the partition was revoked
   */
  synchronized Prefix finish(IngestRecord record) {
    if (revoked) {
      throw new IllegalStateException("partition " + record.topic().topicName() + "-" + record.partition()
          + " was revoked before offset " + record.offset() + " was committed; its next owner reads it again");
    }
    record.markFinished();
    List<IngestRecord> ready = new ArrayList<>();
    while (!pending.isEmpty() && pending.peekFirst().isFinished()) {
      ready.add(pending.pollFirst());
    }
    return ready.isEmpty() ? null : new Prefix(ready, ready.get(ready.size() - 1).receiverOffset().commit());
  }

  /**
   * Records whose commit was sent together.
   *
   * @param records the records, in offset order
   * @param commit completes when the client's commit of the last one's position succeeded
   */
  record Prefix(List<IngestRecord> records, Mono<Void> commit) {}

  /** Marks the partition revoked and returns the records that were still waiting for their commit. */
  synchronized List<IngestRecord> revoke() {
    revoked = true;
    List<IngestRecord> waiting = new ArrayList<>(pending);
    pending.clear();
    return waiting;
  }
}
