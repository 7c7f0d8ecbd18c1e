package io.blindtuner.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.pipeline.wire.ClaimCheck;
import io.blindtuner.pipeline.wire.JobSpec;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLettersTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final int MALFORMED = 1000;
  private static final int VALID = 100;

  /** The records under test: claim checks of final models, keyed by job. */
  private static final Topic TOPIC = Topic.MODELS;

  private static final byte[] KEY = "job-d".getBytes(StandardCharsets.US_ASCII);
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static ActorTestKit testKit;
  private static KafkaConnection connection;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    testKit = ActorTestKit.create();
    connection = new KafkaConnection(kafka.bootstrapServers(), Map.of(), "dead-letters-test.");
    try (Admin admin = connection.admin()) {
      Topics.ensure(admin, List.of(TOPIC, Topic.INFERENCE_REQUESTS, Topic.DEAD_LETTERS), TIMEOUT);
    }
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    kafka.close();
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** A malformed record and the reason it must be refused with. */
  private record Bad(byte[] value, String reason) {}

  private static final BlobRef BLOB =
      new BlobRef(URI.create("file:///blobs/sha256/ab/" + "ab".repeat(32)), "ab".repeat(32), 1234);

  /** A claim check of a model version (the records of the models topic). */
  private static byte[] model(long version) {
    return new ClaimCheck(null, version, BLOB).toBytes();
  }

  private static Bad malformed(int i, Random random) {
    byte[] good = model(10_000 + i);
    switch (i % 8) {
      case 0:
        {
          byte[] junk = new byte[1 + random.nextInt(199)];
          random.nextBytes(junk);
          junk[0] = 0x00;
          return new Bad(junk, junk.length < 4 ? "truncated" : "not a claim check (bad magic)");
        }
      case 1:
        return new Bad(Arrays.copyOf(good, 1 + random.nextInt(good.length - 1)), "claim check");
      case 2:
        {
          byte[] v = good.clone();
          ByteBuffer.wrap(v).putLong(8, -1L); // the version, after magic and an empty head
          return new Bad(v, "version must be >= 0");
        }
      case 3:
        {
          byte[] v = good.clone();
          ByteBuffer.wrap(v).putInt(4, Integer.MAX_VALUE);
          return new Bad(v, "claim check head of 2147483647 bytes");
        }
      case 4:
        return new Bad(Arrays.copyOf(good, good.length + 3), "claim check reference of");
      case 5:
        {
          byte[] v = good.clone();
          v[20] = 9; // the blob reference's version byte
          return new Bad(v, "unsupported blob reference version 9");
        }
      case 6:
        return new Bad(null, "claim check of 0 bytes");
      default:
        return new Bad(
            new byte[2 * JobSpec.MAX_BYTES + 65], "claim check of " + (2 * JobSpec.MAX_BYTES + 65));
    }
  }

  @Test
  void aThousandMalformedRecordsAreDeadLetteredWithReasonsAndTheValidOnesBetweenThemAllArrive()
      throws Exception {
    Random random = new Random(1000);
    Map<String, Bad> badByOrigin = new HashMap<>();
    int validSent = 0;
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      List<CompletableFuture<Published>> sends = new ArrayList<>();
      List<Bad> order = new ArrayList<>();
      for (int i = 0; i < MALFORMED; i++) {
        Bad bad = malformed(i, random);
        sends.add(
            publisher
                .publish(TOPIC, KEY, bad.value(), List.of(Header.of("n", "" + i)))
                .toCompletableFuture());
        order.add(bad);
        if (i % (MALFORMED / VALID) == 0) {
          sends.add(
              publisher.publish(TOPIC, KEY, model(validSent++), List.of()).toCompletableFuture());
          order.add(null);
        }
      }
      for (int i = 0; i < sends.size(); i++) {
        Published p = await(sends.get(i));
        if (order.get(i) != null) {
          badByOrigin.put(p.partition() + "@" + p.offset(), order.get(i));
        }
      }
    }
    assertThat(validSent).isEqualTo(VALID);
    assertThat(badByOrigin).hasSize(MALFORMED);

    // The consumer: valid records are used and committed; malformed ones dead-lettered, then
    // committed.
    ConcurrentLinkedQueue<ClaimCheck> used = new ConcurrentLinkedQueue<>();
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      DeadLetters deadLetters = new DeadLetters(publisher);
      List<String> outcomes =
          await(
              KafkaIngest.source(connection, "edge", List.of(TOPIC))
                  .mapAsync(
                      16,
                      r -> {
                        try {
                          used.add(ClaimCheck.parse(r.value()));
                          return r.commit().thenApply(done -> "used");
                        } catch (MalformedRecordException e) {
                          return deadLetters.send(r, e).thenApply(done -> "dead");
                        }
                      })
                  // Stop the consumer only once every record's work and commit are done.
                  .take(MALFORMED + VALID)
                  .runWith(Sink.seq(), testKit.system()));
      assertThat(outcomes.stream().filter("dead"::equals)).hasSize(MALFORMED);
      assertThat(deadLetters.sent()).isEqualTo(MALFORMED);
    }
    assertThat(used)
        .extracting(ClaimCheck::version)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, VALID).boxed().toList());

    // Every dead letter carries the original key, value and headers, where it came from, and why.
    List<IngestRecord> letters =
        await(
            KafkaIngest.source(connection, "audit", List.of(Topic.DEAD_LETTERS))
                .filter(
                    l ->
                        l.headers().stream()
                            .anyMatch(
                                h ->
                                    h.key().equals(DeadLetters.ORIGIN_TOPIC)
                                        && h.text().equals(TOPIC.topicName())))
                .take(MALFORMED)
                .runWith(Sink.seq(), testKit.system()));
    for (IngestRecord letter : letters) {
      Map<String, String> h = new HashMap<>();
      letter.headers().forEach(x -> h.put(x.key(), x.text()));
      String origin = h.get(DeadLetters.ORIGIN_PARTITION) + "@" + h.get(DeadLetters.ORIGIN_OFFSET);
      Bad bad = badByOrigin.remove(origin);
      assertThat(bad).as("one dead letter per malformed record, at " + origin).isNotNull();
      assertThat(h.get(DeadLetters.ORIGIN_TOPIC)).isEqualTo(TOPIC.topicName());
      assertThat(letter.key()).isEqualTo(KEY);
      assertThat(letter.value()).isEqualTo(bad.value());
      assertThat(h).containsKey("n");
      assertThat(h.get(DeadLetters.REASON)).as(origin).isNotBlank();
      assertThat(h.get(DeadLetters.REASON)).as(origin).contains(bad.reason());
    }
    assertThat(badByOrigin).as("malformed records without a dead letter").isEmpty();

    // And the group's committed positions are at the end of every partition: nothing will be read
    // again.
    try (Admin admin = connection.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(connection.groupId("edge"))
              .partitionsToOffsetAndMetadata()
              .get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < TOPIC.partitions(); p++) {
        latest.put(new TopicPartition(TOPIC.topicName(), p), OffsetSpec.latest());
      }
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach(
              (tp, end) -> {
                if (end.offset() > 0) {
                  assertThat(committed.get(tp)).as(tp.toString()).isNotNull();
                  assertThat(committed.get(tp).offset()).as(tp.toString()).isEqualTo(end.offset());
                }
              });
    }
  }

  @Test
  void aRecordWhoseDeadLetterFailsIsNotCommittedAndIsDeadLetteredByTheNextConsumer()
      throws Exception {
    byte[] junk = {1, 2, 3};
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      await(publisher.publish(Topic.INFERENCE_REQUESTS, null, junk, List.of()));
    }
    KafkaPublisher closed = new KafkaPublisher(connection);
    closed.close();
    DeadLetters failing = new DeadLetters(closed);
    List<Boolean> failed =
        await(
            KafkaIngest.source(connection, "retry", List.of(Topic.INFERENCE_REQUESTS))
                .mapAsync(1, r -> failing.send(r, "test").handle((done, e) -> e != null))
                .take(1)
                .runWith(Sink.seq(), testKit.system()));
    assertThat(failed).containsExactly(true);
    assertThat(failing.sent()).isZero();
    try (Admin admin = connection.admin()) {
      assertThat(
              admin
                  .listConsumerGroupOffsets(connection.groupId("retry"))
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .values())
          .as("nothing committed")
          .allSatisfy(o -> assertThat(o).isNull());
    }
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      DeadLetters deadLetters = new DeadLetters(publisher);
      List<IngestRecord> again =
          await(
              KafkaIngest.source(connection, "retry", List.of(Topic.INFERENCE_REQUESTS))
                  .mapAsync(1, r -> deadLetters.send(r, "test").thenApply(done -> r))
                  .take(1)
                  .runWith(Sink.seq(), testKit.system()));
      assertThat(again.get(0).value()).isEqualTo(junk);
      assertThat(deadLetters.sent()).isEqualTo(1);
    }
  }
}
