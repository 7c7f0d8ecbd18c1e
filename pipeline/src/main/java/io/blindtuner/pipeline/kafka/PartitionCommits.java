package io.blindtuner.pipeline.kafka;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import reactor.core.publisher.Mono;
import reactor.kafka.receiver.ReceiverOffset;

/**
 * The records of one assigned partition that were delivered and not yet committed, in offset order.
 * Kafka commits a position: committing record n also commits every record before it. So a record's
 * commit is sent only once every earlier record of its partition has been committed by the caller,
 * and then as one commit of the longest finished prefix; records finished out of order wait for the
 * gap to close. Only each record's commit handle is kept here, not its value, so records held for a
 * checkpoint cost no memory here.
 *
 * <p>When the partition is revoked (rebalance, close) the records still waiting can no longer be
 * committed by this consumer: their commits fail, and the partition's next owner reads them again.
 */
final class PartitionCommits {
  private final long assignedAt;
  private final ArrayDeque<Slot> pending = new ArrayDeque<>();
  private boolean revoked;

  /**
   * @param assignedAt the consumer's position in the partition when it was assigned
   */
  PartitionCommits(long assignedAt) {
    this.assignedAt = assignedAt;
  }

  /** A tracker of a partition this consumer no longer owns: every commit through it fails. */
  static PartitionCommits revoked() {
    PartitionCommits c = new PartitionCommits(Long.MAX_VALUE);
    c.revoked = true;
    return c;
  }

  /**
   * Whether a record belongs to this assignment: one below the position at assignment was fetched
   * under an earlier assignment of the partition and is a stale delivery.
   */
  boolean covers(long offset) {
    return offset >= assignedAt;
  }

  /**
   * Records a delivered record (called in offset order by the receiving thread) and returns its
   * commit slot.
   */
  synchronized Slot delivered(ReceiverOffset offset) {
    Slot slot = new Slot(offset);
    if (revoked) {
      slot.committed.completeExceptionally(revokedBefore(offset));
    } else {
      pending.addLast(slot);
    }
    return slot;
  }

  /**
   * Marks a record finished by the caller and, if that completes a prefix of the pending records,
   * sends the commit of the position after the prefix to the client and completes the prefix's
   * slots when it succeeds (or fails them if it fails). The commit is handed to the client under
   * this object's lock, so the positions it receives only grow. A record of a revoked partition
   * fails at once.
   */
  void finish(Slot slot) {
    List<Slot> ready = new ArrayList<>();
    Mono<Void> commit;
    synchronized (this) {
      if (revoked) {
        slot.committed.completeExceptionally(revokedBefore(slot.offset));
        return;
      }
      slot.finished = true;
      while (!pending.isEmpty() && pending.peekFirst().finished) {
        ready.add(pending.pollFirst());
      }
      if (ready.isEmpty()) {
        return;
      }
      commit = ready.get(ready.size() - 1).offset.commit();
    }
    commit
        .toFuture()
        .whenComplete(
            (ok, failure) -> {
              for (Slot s : ready) {
                if (failure == null) {
                  s.committed.complete(Done.getInstance());
                } else {
                  s.committed.completeExceptionally(failure);
                }
              }
            });
  }

  /** Marks the partition revoked and fails the commits of the records still waiting. */
  synchronized void revoke() {
    revoked = true;
    for (Slot s : pending) {
      s.committed.completeExceptionally(revokedBefore(s.offset));
    }
    pending.clear();
  }

  private static IllegalStateException revokedBefore(ReceiverOffset offset) {
    return new IllegalStateException(
        "partition "
            + offset.topicPartition()
            + " was revoked before offset "
            + offset.offset()
            + " was committed; its next owner reads it again");
  }

  /**
   * One delivered record's commit: its client handle, whether the caller finished it, and the
   * outcome.
   */
  static final class Slot {
    final ReceiverOffset offset;
    final CompletableFuture<Done> committed = new CompletableFuture<>();
    boolean finished; // guarded by the PartitionCommits' lock

    Slot(ReceiverOffset offset) {
      this.offset = offset;
    }
  }
}
