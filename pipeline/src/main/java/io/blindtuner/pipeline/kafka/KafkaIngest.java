package io.blindtuner.pipeline.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Source;
import reactor.core.publisher.Flux;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.MicrometerConsumerListener;
import reactor.kafka.receiver.ReceiverOptions;
import reactor.kafka.receiver.ReceiverPartition;
import reactor.kafka.receiver.ReceiverRecord;

/**
 * The one place records enter from Kafka: Reactor Kafka's {@link KafkaReceiver} as a Pekko {@link
 * Source} (through Reactive Streams), so the client could be swapped by replacing this class and
 * {@link KafkaPublisher}. Back-pressure reaches the consumer: when the stream stops pulling, the
 * receiver pauses its partitions.
 *
 * <p>Commits are manual only: there is no auto-commit and no periodic commit; a record's offset is
 * committed when the caller calls {@link IngestRecord#commit()} after its work is durable, and only
 * once every earlier record of its partition is committed too (see {@link PartitionCommits}).
 * Records delivered and not committed when the stream stops or crashes, or when their partition
 * moves to another member, are read again by the group.
 *
 * <p>A record fetched under an earlier assignment of its partition and delivered after a rebalance
 * has a commit that fails; the partition's current owner reads it again. Processing is therefore at
 * least once: consumers deduplicate (by job, step and micro-batch).
 */
public final class KafkaIngest {
  private KafkaIngest() {}

  /**
   * A source of the records of the given topics, read by the group {@code connection.groupId(role)}
   * from its committed positions (from the beginning for a new group), without client metrics. Each
   * materialization is a new consumer of the group; cancelling the stream closes it (records not
   * committed by then are read again).
   *
   * @param connection the cluster and client properties
   * @param role the group's role ({@code trainer}, {@code edge}, ...)
   * @param topics the topics to subscribe to
   */
  public static Source<IngestRecord, NotUsed> source(
      KafkaConnection connection, String role, Collection<Topic> topics) {
    return source(connection, role, topics, null);
  }

  /**
   * As {@link #source(KafkaConnection, String, Collection)}, with each consumer's client metrics
   * bound to {@code metrics} while it lives (Micrometer's Kafka binder, tagged with the client id),
   * among them the consumer lag: {@code kafka.consumer.fetch.manager.records.lag.max} and, per
   * partition, {@code kafka.consumer.fetch.manager.records.lag}.
   *
   * @param metrics the registry, or null for none
   */
  public static Source<IngestRecord, NotUsed> source(
      KafkaConnection connection, String role, Collection<Topic> topics, MeterRegistry metrics) {
    Map<String, Object> config = connection.consumerConfig(connection.groupId(role), topics);
    List<String> names = topics.stream().map(Topic::topicName).toList();
    Flux<IngestRecord> records =
        Flux.defer(
            () -> {
              Map<TopicPartition, PartitionCommits> assigned = new ConcurrentHashMap<>();
              ReceiverOptions<byte[], byte[]> options =
                  ReceiverOptions.<byte[], byte[]>create(config)
                      .subscription(names)
                      .commitInterval(Duration.ZERO)
                      .commitBatchSize(0)
                      // Release a revoked partition at once instead of holding the rebalance up to
                      // a minute for records in flight: work is committed per checkpoint, far
                      // later, and the next owner resumes from the last one.
                      .maxDelayRebalance(Duration.ZERO)
                      // Reactor Kafka's 100 ms: records come as soon as they are fetched, and no
                      // stream waits for a commit (which would wait for the next poll cycle), so a
                      // shorter cycle only burns CPU (10 ms: 0.02 CPU s per second per idle
                      // consumer more, and no faster round trip).
                      .pollTimeout(Duration.ofMillis(100))
                      .addAssignListener(
                          partitions -> {
                            for (ReceiverPartition p : partitions) {
                              assigned.put(p.topicPartition(), new PartitionCommits(p.position()));
                            }
                          })
                      .addRevokeListener(
                          partitions -> {
                            for (ReceiverPartition p : partitions) {
                              PartitionCommits revoked = assigned.remove(p.topicPartition());
                              if (revoked != null) {
                                revoked.revoke();
                              }
                            }
                          });
              if (metrics != null) {
                // Binds when the consumer is created and closes the binder when it is closed, so a
                // stopped job leaves no
                // meters behind.
                options = options.consumerListener(new MicrometerConsumerListener(metrics));
              }
              // A stopped stream's records can no longer be committed, from the moment it stops
              // rather than when the
              // consumer has closed (asynchronously, later): its work is not done, the group's next
              // consumer reads them.
              return KafkaReceiver.create(options)
                  .receive()
                  .map(r -> wrap(r, assigned))
                  .doFinally(signal -> assigned.values().forEach(PartitionCommits::revoke));
            });
    return Source.fromPublisher(records);
  }

  private static IngestRecord wrap(
      ReceiverRecord<byte[], byte[]> r, Map<TopicPartition, PartitionCommits> assigned) {
    PartitionCommits commits = assigned.get(r.receiverOffset().topicPartition());
    if (commits == null || !commits.covers(r.offset())) {
      commits = PartitionCommits.revoked();
    }
    return new IngestRecord(
        topicOf(r),
        r.partition(),
        r.offset(),
        r.key(),
        r.value(),
        headers(r),
        commits,
        commits.delivered(r.receiverOffset()));
  }

  private static Topic topicOf(ConsumerRecord<?, ?> r) {
    for (Topic t : Topic.values()) {
      if (t.topicName().equals(r.topic())) {
        return t;
      }
    }
    // Only declared topics are subscribed to.
    throw new IllegalStateException("record of undeclared topic " + r.topic());
  }

  /**
   * The record's headers; a header with a null value (which Kafka allows) arrives with an empty
   * one.
   */
  private static List<Header> headers(ConsumerRecord<?, ?> r) {
    List<Header> out = new ArrayList<>();
    for (org.apache.kafka.common.header.Header h : r.headers()) {
      out.add(new Header(h.key(), h.value() == null ? new byte[0] : h.value()));
    }
    return out;
  }
}
