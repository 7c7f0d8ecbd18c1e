package io.blindtuner.pipeline.kafka;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a compacted topic as a table: the latest value of a key (a job's checkpoint), by reading
 * every partition from the beginning to the end it had when the read started. No consumer group,
 * nothing committed.
 */
public final class CompactedTopics {
  private CompactedTopics() {}

  /**
   * The latest value of {@code key}, if any.
   *
   * @throws org.apache.kafka.common.errors.TimeoutException if the cluster does not answer within
   *     the timeout
   */
  public static Optional<byte[]> latest(
      KafkaConnection connection, Topic topic, byte[] key, Duration timeout) {
    Map<String, Object> config = connection.consumerConfig("unused", List.of(topic));
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config)) {
      List<TopicPartition> parts =
          c.partitionsFor(topic.topicName(), timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      byte[] latest = null;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (parts.stream().anyMatch(p -> c.position(p, timeout) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new org.apache.kafka.common.errors.TimeoutException(
              "reading " + topic.topicName() + " to its end took longer than " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (Arrays.equals(r.key(), key)
              && r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            latest = r.value();
          }
        }
      }
      return Optional.ofNullable(latest);
    }
  }
}
