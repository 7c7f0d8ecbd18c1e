package io.blindtuner.pipeline.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderOptions;
import reactor.kafka.sender.SenderRecord;

/**
 * The one place records leave for Kafka: Reactor Kafka's {@link KafkaSender} behind a publish call
 * that completes when the broker has the record on all in-sync replicas ({@code acks=all},
 * idempotent producer, so a retried send is stored once). Sizes are checked against the topic's
 * limit before anything is sent. Swapping the client means replacing this class and {@link
 * KafkaIngest}.
 */
public final class KafkaPublisher implements AutoCloseable {
  private final KafkaSender<byte[], byte[]> sender;
  private volatile boolean closed;

  /** A publisher on the connection's cluster; close it when done. */
  public KafkaPublisher(KafkaConnection connection) {
    // One failed record fails its own publish call, not the sender.
    this.sender =
        KafkaSender.create(
            SenderOptions.<byte[], byte[]>create(connection.producerConfig()).stopOnError(false));
  }

  /**
   * Publishes one record.
   *
   * @param topic the topic
   * @param key the record's key (the job id on keyed topics), may be null
   * @param value the value, may be null (a tombstone on compacted topics)
   * @param headers headers, in order
   * @return completes with where the broker stored it once all in-sync replicas have it; completes
   *     exceptionally with {@link RecordTooLargeException} (naming the topic, the size and the
   *     limit) before sending if it exceeds {@link Topic#maxRecordBytes()}, with {@link
   *     IllegalStateException} if the publisher is closed, or with the client's exception if the
   *     send failed after retries
   */
  public CompletionStage<Published> publish(
      Topic topic, byte[] key, byte[] value, List<Header> headers) {
    if (closed) {
      // The sender creates its producer on first use: a send after close would quietly open a new
      // one.
      return CompletableFuture.failedFuture(
          new IllegalStateException("the Kafka publisher is closed"));
    }
    long size = size(key, value, headers);
    if (size > topic.maxRecordBytes()) {
      return CompletableFuture.failedFuture(new RecordTooLargeException(topic, size));
    }
    List<org.apache.kafka.common.header.Header> kafkaHeaders = new ArrayList<>(headers.size());
    for (Header h : headers) {
      kafkaHeaders.add(new RecordHeader(h.key(), h.value()));
    }
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic.topicName(), null, key, value, kafkaHeaders);
    return sender
        .send(Mono.just(SenderRecord.create(record, topic)))
        .next()
        .flatMap(
            result ->
                result.exception() != null
                    ? Mono.<Published>error(result.exception())
                    : Mono.just(
                        new Published(
                            topic,
                            result.recordMetadata().partition(),
                            result.recordMetadata().offset())))
        .toFuture();
  }

  /**
   * Waits for the records in flight (up to the producer's close timeout) and closes the producer.
   */
  @Override
  public void close() {
    closed = true;
    sender.close();
  }

  /** Bytes of a record's key, value and headers as the producer counts them against the limit. */
  static long size(byte[] key, byte[] value, List<Header> headers) {
    long size = (key == null ? 0 : key.length) + (value == null ? 0 : (long) value.length);
    for (Header h : headers) {
      size += h.key().length() * 3L + h.value().length;
    }
    return size;
  }
}
