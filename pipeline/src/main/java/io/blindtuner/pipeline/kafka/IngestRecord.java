package io.blindtuner.pipeline.kafka;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import reactor.kafka.receiver.ReceiverOffset;

/**
 * A record delivered by {@link KafkaIngest}, with the handle that commits it. The caller commits a record once the
 * work it covers is durable (checkpointed, published and acknowledged, dead-lettered); a record never committed is
 * read again by the group after a crash or a rebalance.
 */
public final class IngestRecord {
  private final Topic topic;
  private final int partition;
  private final long offset;
  private final byte[] key;
  private final byte[] value;
  private final List<Header> headers;
  private final ReceiverOffset receiverOffset;
  private final PartitionCommits commits;
  private final AtomicBoolean commitRequested = new AtomicBoolean();
  private final CompletableFuture<Done> committed = new CompletableFuture<>();
  private volatile boolean finished;

  IngestRecord(Topic topic, int partition, long offset, byte[] key, byte[] value, List<Header> headers,
      ReceiverOffset receiverOffset, PartitionCommits commits) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.key = key;
    this.value = value;
    this.headers = List.copyOf(headers);
    this.receiverOffset = receiverOffset;
    this.commits = commits;
  }

  /** The topic it was read from. */
  public Topic topic() {
    return topic;
  }

  /** Its partition. */
  public int partition() {
    return partition;
  }

  /** Its offset in the partition. */
  public long offset() {
    return offset;
  }

  /** Its key (the job id on keyed topics), not copied; null if it had none. */
  public byte[] key() {
    return key;
  }

  /** Its value, not copied; null for a tombstone. */
  public byte[] value() {
    return value;
  }

  /** Its headers in order. */
  public List<Header> headers() {
    return headers;
  }

  /**
   * Commits this record: marks it finished and completes once the group's committed position has passed it,
   * which happens once every earlier record of its partition has been committed too (Kafka commits positions,
   * not single records). Idempotent: a second call returns the same stage.
   *
   * @return completes with {@link Done} when the broker has stored a position past this record; completes
   *     exceptionally if the partition was revoked first (the next owner reads the record again) or the commit
   *     failed
   */
  public CompletionStage<Done> commit() {
    if (commitRequested.compareAndSet(false, true)) {
      try {
        PartitionCommits.Prefix prefix = commits.finish(this);
        if (prefix != null) {
          prefix.commit().toFuture().whenComplete((ok, failure) -> {
            for (IngestRecord r : prefix.records()) {
              if (failure == null) {
                r.committed.complete(Done.getInstance());
              } else {
                r.committed.completeExceptionally(failure);
              }
            }
          });
        }
      } catch (IllegalStateException revoked) {
        committed.completeExceptionally(revoked);
      }
    }
    return committed;
  }

  @Override
  public String toString() {
    return topic.topicName() + "-" + partition + "@" + offset;
  }

  ReceiverOffset receiverOffset() {
    return receiverOffset;
  }

  boolean isFinished() {
    return finished;
  }

  void markFinished() {
    finished = true;
  }

  /** Fails a commit that can no longer happen (its partition was revoked while it waited). */
  void failCommit(Throwable reason) {
    committed.completeExceptionally(reason);
  }
}
