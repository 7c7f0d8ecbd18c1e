package io.blindtuner.pipeline.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;

/**
 * Sends records that cannot be used to {@link Topic#DEAD_LETTERS}: the original key, value and
 * headers, plus headers saying why and where the record came from. Nothing is lost: the original
 * record's commit is requested only after the broker has acknowledged its dead letter, so a crash
 * in between sends it again rather than dropping it. The send does not wait for the commit itself:
 * Kafka commits positions, so a record behind one that is held for a checkpoint (a micro-batch) is
 * committed with it, and a stream waiting for that here would never deliver the records the
 * checkpoint needs.
 */
public final class DeadLetters {
  /** Header: why the record was refused (UTF-8, at most {@link #MAX_REASON_CHARS} characters). */
  public static final String REASON = "blindtuner.dead-letter.reason";

  /** Header: the topic the record was read from. */
  public static final String ORIGIN_TOPIC = "blindtuner.dead-letter.topic";

  /** Header: its partition (decimal). */
  public static final String ORIGIN_PARTITION = "blindtuner.dead-letter.partition";

  /** Header: its offset (decimal). */
  public static final String ORIGIN_OFFSET = "blindtuner.dead-letter.offset";

  /**
   * Longest reason kept; the dead-letter topic's headroom over the other topics' limit holds these
   * headers.
   */
  static final int MAX_REASON_CHARS = 4096;

  private final KafkaPublisher publisher;
  private final AtomicLong sent = new AtomicLong();

  /**
   * @param publisher publishes the dead letters
   */
  public DeadLetters(KafkaPublisher publisher) {
    this.publisher = publisher;
  }

  /**
   * Dead-letters a record refused as malformed.
   *
   * @return as {@link #send(IngestRecord, String)}
   */
  public CompletionStage<Done> send(IngestRecord record, MalformedRecordException reason) {
    return send(record, reason.reason());
  }

  /**
   * Publishes the record's dead letter and then requests the record's commit.
   *
   * @param record the record refused
   * @param reason why (cut to {@link #MAX_REASON_CHARS} characters)
   * @return completes when the dead letter is acknowledged and the commit requested; completes
   *     exceptionally if the dead letter failed (the record is then not committed and will be read
   *     and dead-lettered again). A commit that fails later (the partition was revoked) is logged:
   *     the next owner dead-letters it again.
   */
  public CompletionStage<Done> send(IngestRecord record, String reason) {
    String why =
        reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
    List<Header> headers = new ArrayList<>(record.headers());
    headers.add(new Header(REASON, why.getBytes(StandardCharsets.UTF_8)));
    headers.add(Header.of(ORIGIN_TOPIC, record.topic().topicName()));
    headers.add(Header.of(ORIGIN_PARTITION, Integer.toString(record.partition())));
    headers.add(Header.of(ORIGIN_OFFSET, Long.toString(record.offset())));
    return publisher
        .publish(Topic.DEAD_LETTERS, record.key(), record.value(), headers)
        .thenApply(
            published -> {
              sent.incrementAndGet();
              Commits.request(record);
              return Done.getInstance();
            });
  }

  /** Dead letters acknowledged by the broker so far (the demo's report counts them). */
  public long sent() {
    return sent.get();
  }
}
