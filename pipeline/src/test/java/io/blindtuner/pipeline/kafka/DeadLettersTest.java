package io.blindtuner.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

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
      Topics.ensure(admin, List.of(Topic.BATCHES, Topic.INFERENCE_REQUESTS, Topic.DEAD_LETTERS), TIMEOUT);
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
  private record Bad(byte[] key, byte[] value, String reason) {}

  private static Bad malformed(int i, Random random) {
    byte[] key = "job-d".getBytes(StandardCharsets.US_ASCII);
    byte[] good = new Envelope(Envelope.Kind.BATCH, "job-d", 1, 0, 10_000 + i, new byte[32]).encode();
    switch (i % 8) {
      case 0: {
        byte[] junk = new byte[1 + random.nextInt(199)];
        random.nextBytes(junk);
        junk[0] = 0x00;
        return new Bad(key, junk, junk.length < Envelope.FIXED_BYTES ? "truncated" : "bad magic");
      }
      case 1:
        return new Bad(key, Arrays.copyOf(good, 1 + random.nextInt(good.length - 1)), null);
      case 2: {
        byte[] v = good.clone();
        v[2] = 9;
        return new Bad(key, v, "unsupported format version 9");
      }
      case 3:
        return new Bad(key, new Envelope(Envelope.Kind.REFRESH_REPLY, "job-d", 1, 0, i, new byte[8]).encode(),
            "belongs on blindtuner.refresh.replies, read from blindtuner.batches");
      case 4:
        return new Bad("job-x".getBytes(StandardCharsets.US_ASCII), good, "key does not match the job id 'job-d'");
      case 5: {
        byte[] v = Arrays.copyOf(good, good.length + 3);
        return new Bad(key, v, "payload length 32 but 35 bytes follow the header");
      }
      case 6: {
        byte[] v = good.clone();
        ByteBuffer.wrap(v).putLong(5 + 5, -1L); // the step, after magic, version, kind, id length and "job-d"
        return new Bad(key, v, "negative step");
      }
      default:
        return new Bad(null, null, "no value");
    }
  }

  @Test
  void aThousandMalformedRecordsAreDeadLetteredWithReasonsAndTheValidOnesBetweenThemAllArrive() throws Exception {
    Random random = new Random(1000);
    Map<Long, Bad> badAt = new HashMap<>(); // by offset on the job's partition; other keys land elsewhere
    Map<String, Bad> badByOrigin = new HashMap<>();
    int validSent = 0;
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      List<CompletableFuture<Published>> sends = new ArrayList<>();
      List<Bad> order = new ArrayList<>();
      for (int i = 0; i < MALFORMED; i++) {
        Bad bad = malformed(i, random);
        sends.add(publisher.publish(Topic.BATCHES, bad.key(), bad.value(), List.of(Header.of("n", "" + i)))
            .toCompletableFuture());
        order.add(bad);
        if (i % (MALFORMED / VALID) == 0) {
          Envelope e = new Envelope(Envelope.Kind.BATCH, "job-d", 1, 0, validSent++, new byte[64]);
          sends.add(publisher.publish(e, List.of()).toCompletableFuture());
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

    // The consumer: valid records are used and committed; malformed ones dead-lettered, then committed.
    ConcurrentLinkedQueue<Envelope> used = new ConcurrentLinkedQueue<>();
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      DeadLetters deadLetters = new DeadLetters(publisher);
      List<String> outcomes = await(KafkaIngest.source(connection, "trainer", List.of(Topic.BATCHES))
          .mapAsync(16, r -> {
            try {
              used.add(Envelope.decode(r.topic(), r.key(), r.value()));
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
    assertThat(used).extracting(Envelope::sequence)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, VALID).boxed().toList());

    // Every dead letter carries the original key, value and headers, where it came from, and why.
    List<IngestRecord> letters = await(KafkaIngest.source(connection, "audit", List.of(Topic.DEAD_LETTERS))
        .filter(l -> l.headers().stream().anyMatch(h -> h.key().equals(DeadLetters.ORIGIN_TOPIC)
            && h.text().equals(Topic.BATCHES.topicName())))
        .take(MALFORMED).runWith(Sink.seq(), testKit.system()));
    for (IngestRecord letter : letters) {
      Map<String, String> h = new HashMap<>();
      letter.headers().forEach(x -> h.put(x.key(), x.text()));
      String origin = h.get(DeadLetters.ORIGIN_PARTITION) + "@" + h.get(DeadLetters.ORIGIN_OFFSET);
      Bad bad = badByOrigin.remove(origin);
      assertThat(bad).as("one dead letter per malformed record, at " + origin).isNotNull();
      assertThat(h.get(DeadLetters.ORIGIN_TOPIC)).isEqualTo("blindtuner.batches");
      assertThat(letter.key()).isEqualTo(bad.key());
      assertThat(letter.value()).isEqualTo(bad.value());
      assertThat(h).containsKey("n");
      assertThat(h.get(DeadLetters.REASON)).as(origin).isNotBlank();
      if (bad.reason() != null) {
        assertThat(h.get(DeadLetters.REASON)).as(origin).contains(bad.reason());
      }
    }
    assertThat(badByOrigin).as("malformed records without a dead letter").isEmpty();

    // And the group's committed positions are at the end of every partition: nothing will be read again.
    try (Admin admin = connection.admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(connection.groupId("trainer"))
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < Topic.BATCHES.partitions(); p++) {
        latest.put(new TopicPartition(Topic.BATCHES.topicName(), p), OffsetSpec.latest());
      }
      admin.listOffsets(latest).all().get().forEach((tp, end) -> {
        if (end.offset() > 0) {
          assertThat(committed.get(tp)).as(tp.toString()).isNotNull();
          assertThat(committed.get(tp).offset()).as(tp.toString()).isEqualTo(end.offset());
        }
      });
    }
  }

  @Test
  void aRecordWhoseDeadLetterFailsIsNotCommittedAndIsDeadLetteredByTheNextConsumer() throws Exception {
    byte[] junk = {1, 2, 3};
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      await(publisher.publish(Topic.INFERENCE_REQUESTS, null, junk, List.of()));
    }
    KafkaPublisher closed = new KafkaPublisher(connection);
    closed.close();
    DeadLetters failing = new DeadLetters(closed);
    List<Boolean> failed = await(KafkaIngest.source(connection, "retry", List.of(Topic.INFERENCE_REQUESTS))
        .mapAsync(1, r -> failing.send(r, "test").handle((done, e) -> e != null)).take(1)
        .runWith(Sink.seq(), testKit.system()));
    assertThat(failed).containsExactly(true);
    assertThat(failing.sent()).isZero();
    try (Admin admin = connection.admin()) {
      assertThat(admin.listConsumerGroupOffsets(connection.groupId("retry")).partitionsToOffsetAndMetadata().get()
          .values()).as("nothing committed").allSatisfy(o -> assertThat(o).isNull());
    }
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      DeadLetters deadLetters = new DeadLetters(publisher);
      List<IngestRecord> again = await(KafkaIngest.source(connection, "retry", List.of(Topic.INFERENCE_REQUESTS))
          .mapAsync(1, r -> deadLetters.send(r, "test").thenApply(done -> r)).take(1)
          .runWith(Sink.seq(), testKit.system()));
      assertThat(again.get(0).value()).isEqualTo(junk);
      assertThat(deadLetters.sent()).isEqualTo(1);
    }
  }
}
