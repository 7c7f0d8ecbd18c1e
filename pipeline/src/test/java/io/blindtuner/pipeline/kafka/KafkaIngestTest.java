package io.blindtuner.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaIngestTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static ActorTestKit testKit;
  private static KafkaConnection connection;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    testKit = ActorTestKit.create();
    connection = new KafkaConnection(kafka.bootstrapServers(), Map.of(), "ingest-test.");
    try (Admin admin = connection.admin()) {
      Topics.ensure(admin, Arrays.asList(Topic.values()), TIMEOUT);
    }
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    kafka.close();
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<IngestRecord> take(String role, Topic topic, int n) throws Exception {
    return await(KafkaIngest.source(connection, role, List.of(topic)).take(n).runWith(Sink.seq(), testKit.system()));
  }

  @Test
  void onlyCommittedRecordsAreSkippedByTheNextConsumerOfTheGroup() throws Exception {
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      for (int i = 0; i < 10; i++) {
        Published p = await(publisher.publish(Topic.BATCHES, utf8("job-c"), utf8("b" + i), List.of(Header.of("i",
            Integer.toString(i)))));
        assertThat(p.offset()).isEqualTo(i);
      }
    }
    // The first consumer reads all ten and stops (as a crash would) before its work is durable: once it has
    // stopped, its records can no longer be committed (the group's next consumer reads them again).
    List<IngestRecord> first = take("commit", Topic.BATCHES, 10);
    assertThat(first).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactly("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9");
    assertThat(first.get(7).headers()).singleElement().satisfies(h -> assertThat(h.text()).isEqualTo("7"));
    assertThat(first.get(0).commit()).failsWithin(TIMEOUT).withThrowableOfType(ExecutionException.class)
        .withMessageContaining("revoked");
    assertThat(committed("commit", Topic.BATCHES)).as("nothing committed").isEmpty();

    // A consumer that commits each record after its work, four of them.
    List<IngestRecord> second = await(KafkaIngest.source(connection, "commit", List.of(Topic.BATCHES)).take(4)
        .mapAsync(4, r -> r.commit().thenApply(done -> r)).runWith(Sink.seq(), testKit.system()));
    assertThat(second).extracting(IngestRecord::offset).containsExactly(0L, 1L, 2L, 3L);
    assertThat(committed("commit", Topic.BATCHES)).containsValue(4L);

    // The next consumer of the group re-reads the six uncommitted records, not the committed ones.
    List<IngestRecord> third = take("commit", Topic.BATCHES, 6);
    assertThat(third).extracting(IngestRecord::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
  }

  @Test
  void recordsFinishedOutOfOrderAreCommittedAsTheirPrefixCloses() throws Exception {
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      for (int i = 0; i < 6; i++) {
        await(publisher.publish(Topic.INFERENCE_REQUESTS, utf8("job-o"), utf8("q" + i), List.of()));
      }
    }
    // Commits issued in reverse order inside the running stream: none completes before record 0 is committed,
    // then all complete, and the group's position is past the last.
    List<Long> offsets = await(KafkaIngest.source(connection, "order", List.of(Topic.INFERENCE_REQUESTS))
        .grouped(6).take(1)
        .mapAsync(1, batch -> {
          List<CompletableFuture<?>> commits = new ArrayList<>();
          for (int i = batch.size() - 1; i >= 1; i--) {
            commits.add(batch.get(i).commit().toCompletableFuture());
          }
          assertThat(commits).allSatisfy(c -> assertThat(c).isNotDone());
          commits.add(batch.get(0).commit().toCompletableFuture());
          return CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new))
              .thenApply(v -> batch.stream().map(IngestRecord::offset).toList());
        }).runWith(Sink.head(), testKit.system()));
    assertThat(offsets).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(committed("order", Topic.INFERENCE_REQUESTS)).containsValue(6L);
  }

  @Test
  void theLargestRecordATopicAllowsRoundTripsAndALargerOneIsRefusedBeforeSending() throws Exception {
    byte[] key = utf8("job-big");
    byte[] value = new byte[Topic.BATCHES.maxRecordBytes() - key.length];
    new java.util.Random(7).nextBytes(value);
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      await(publisher.publish(Topic.BATCHES, key, value, List.of()));
      CompletableFuture<Published> tooLarge = publisher.publish(Topic.BATCHES, key, new byte[value.length + 1],
          List.of()).toCompletableFuture();
      assertThat(tooLarge).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(RecordTooLargeException.class)
          .withMessage("record of " + (Topic.BATCHES.maxRecordBytes() + 1) + " bytes exceeds the limit of topic "
              + "blindtuner.batches (" + Topic.BATCHES.maxRecordBytes() + " bytes)");
    }
    List<IngestRecord> read = await(KafkaIngest.source(connection, "big", List.of(Topic.BATCHES))
        .filter(r -> Arrays.equals(r.key(), key)).take(1).runWith(Sink.seq(), testKit.system()));
    assertThat(read.get(0).value()).isEqualTo(value);
  }

  private static Map<TopicPartition, Long> committed(String role, Topic topic) throws Exception {
    try (Admin admin = connection.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(connection.groupId(role))
          .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Map<TopicPartition, Long> out = new java.util.HashMap<>();
      offsets.forEach((tp, o) -> {
        if (tp.topic().equals(topic.topicName()) && o != null) {
          out.put(tp, o.offset());
        }
      });
      return out;
    }
  }
}
