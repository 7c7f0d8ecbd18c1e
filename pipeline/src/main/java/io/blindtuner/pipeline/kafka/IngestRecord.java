package io.blindtuner.pipeline.kafka;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;

/**
 * A record delivered by {@link KafkaIngest}, with the handle that commits it. The caller commits a
 * record once the work it covers is durable (checkpointed, published and acknowledged,
 * dead-lettered); a record never committed is read again by the group after a crash or a rebalance.
 */
public final class IngestRecord {
  private final Topic topic;
  private final int partition;
  private final long offset;
  private final byte[] key;
  private final byte[] value;
  private final List<Header> headers;
  private final PartitionCommits commits;
  private final PartitionCommits.Slot slot;
  private final AtomicBoolean commitRequested = new AtomicBoolean();

  IngestRecord(
      Topic topic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      List<Header> headers,
      PartitionCommits commits,
      PartitionCommits.Slot slot) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.key = key;
    this.value = value;
    this.headers = List.copyOf(headers);
    this.commits = commits;
    this.slot = slot;
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
   * Commits this record: marks it finished and completes once the group's committed position has
   * passed it, which happens once every earlier record of its partition has been committed too
   * (Kafka commits positions, not single records). Idempotent: a second call returns the same
   * stage.
   *
   * @return completes with {@link Done} when the broker has stored a position past this record;
   *     completes exceptionally if the partition was revoked first (the next owner reads the record
   *     again) or the commit failed
   */
  public CompletionStage<Done> commit() {
    if (commitRequested.compareAndSet(false, true)) {
      commits.finish(slot);
    }
    return slot.committed;
  }

  @Override
  public String toString() {
    return topic.topicName() + "-" + partition + "@" + offset;
  }
}
