package io.blindtuner.pipeline.kafka;

import static io.blindtuner.pipeline.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
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
    return await(
        KafkaIngest.source(connection, role, List.of(topic))
            .take(n)
            .runWith(Sink.seq(), testKit.system()));
  }

  @Test
  void onlyCommittedRecordsAreSkippedByTheNextConsumerOfTheGroup() throws Exception {
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      for (int i = 0; i < 10; i++) {
        Published p =
            await(
                publisher.publish(
                    Topic.BATCHES,
                    utf8("job-c"),
                    utf8("b" + i),
                    List.of(Header.of("i", Integer.toString(i)))));
        assertThat(p.offset()).isEqualTo(i);
      }
    }
    // The first consumer reads all ten and stops (as a crash would) before its work is durable:
    // once it has
    // stopped, its records can no longer be committed (the group's next consumer reads them again).
    List<IngestRecord> first = take("commit", Topic.BATCHES, 10);
    assertThat(first)
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactly("b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9");
    assertThat(first.get(7).headers())
        .singleElement()
        .satisfies(h -> assertThat(h.text()).isEqualTo("7"));
    assertThat(first.get(0).commit())
        .failsWithin(TIMEOUT)
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining("revoked");
    assertThat(committed("commit", Topic.BATCHES)).as("nothing committed").isEmpty();

    // A consumer that finishes the work of the first four records only (and commits them), then
    // stops.
    List<IngestRecord> second =
        await(
            KafkaIngest.source(connection, "commit", List.of(Topic.BATCHES))
                .mapAsync(
                    1,
                    r ->
                        r.offset() < 4
                            ? r.commit().thenApply(done -> r)
                            : CompletableFuture.completedFuture(r))
                .take(10)
                .runWith(Sink.seq(), testKit.system()));
    assertThat(second)
        .extracting(IngestRecord::offset)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(committed("commit", Topic.BATCHES)).containsValue(4L);

    // The next consumer of the group re-reads the six uncommitted records, not the committed ones.
    List<IngestRecord> third = take("commit", Topic.BATCHES, 6);
    assertThat(third).extracting(IngestRecord::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
  }

  @Test
  void aStalledConsumerShowsItsLagInTheRegistryAndLeavesNoMetersWhenItStops() throws Exception {
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      for (int i = 0; i < 100; i++) {
        await(publisher.publish(Topic.DEAD_LETTERS, utf8("job-lag"), utf8("d" + i), List.of()));
      }
    }
    // One record per poll, and a stage that never finishes its first record: the consumer stops
    // where the stream's
    // demand ends, far behind the end of the partition.
    KafkaConnection onePerPoll =
        new KafkaConnection(
            kafka.bootstrapServers(), Map.of("max.poll.records", "1"), "ingest-test.");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    UniqueKillSwitch stalled =
        KafkaIngest.source(onePerPoll, "lag", List.of(Topic.DEAD_LETTERS), registry)
            .viaMat(KillSwitches.single(), Keep.right())
            .mapAsync(1, r -> new CompletableFuture<IngestRecord>())
            .to(Sink.ignore())
            .run(testKit.system());
    String lagMax = "kafka.consumer.fetch.manager.records.lag.max";
    eventually(
        testKit,
        TIMEOUT,
        () -> {
          Gauge g = registry.find(lagMax).gauge();
          assertThat(g).as(lagMax + " bound").isNotNull();
          assertThat(g.value())
              .as("records-lag-max of a consumer stalled near the start of 100 records")
              .isBetween(50.0, 100.0);
        });
    stalled.shutdown();
    eventually(
        testKit,
        TIMEOUT,
        () ->
            assertThat(registry.find(lagMax).gauges()).as("meters of a closed consumer").isEmpty());
  }

  @Test
  void recordsFinishedOutOfOrderAreCommittedAsTheirPrefixCloses() throws Exception {
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      for (int i = 0; i < 6; i++) {
        await(publisher.publish(Topic.INFERENCE_REQUESTS, utf8("job-o"), utf8("q" + i), List.of()));
      }
    }
    // Commits issued in reverse order inside the running stream: none completes before record 0 is
    // committed,
    // then all complete, and the group's position is past the last.
    List<Long> offsets =
        await(
            KafkaIngest.source(connection, "order", List.of(Topic.INFERENCE_REQUESTS))
                .grouped(6)
                .mapAsync(
                    1,
                    batch -> {
                      List<CompletableFuture<?>> commits = new ArrayList<>();
                      for (int i = batch.size() - 1; i >= 1; i--) {
                        commits.add(batch.get(i).commit().toCompletableFuture());
                      }
                      assertThat(commits).allSatisfy(c -> assertThat(c).isNotDone());
                      commits.add(batch.get(0).commit().toCompletableFuture());
                      return CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new))
                          .thenApply(v -> batch.stream().map(IngestRecord::offset).toList());
                    })
                .take(1)
                .runWith(Sink.head(), testKit.system()));
    assertThat(offsets).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    assertThat(committed("order", Topic.INFERENCE_REQUESTS)).containsValue(6L);
  }

  @Test
  void theLargestRecordATopicAllowsRoundTripsAndALargerOneIsRefusedBeforeSending()
      throws Exception {
    byte[] key = utf8("job-big");
    byte[] value = new byte[Topic.BATCHES.maxRecordBytes() - key.length];
    new java.util.Random(7).nextBytes(value);
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      await(publisher.publish(Topic.BATCHES, key, value, List.of()));
      CompletableFuture<Published> tooLarge =
          publisher
              .publish(Topic.BATCHES, key, new byte[value.length + 1], List.of())
              .toCompletableFuture();
      assertThat(tooLarge)
          .failsWithin(Duration.ZERO)
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(RecordTooLargeException.class)
          .withMessage(
              "record of "
                  + (Topic.BATCHES.maxRecordBytes() + 1)
                  + " bytes exceeds the limit of topic "
                  + "blindtuner.batches ("
                  + Topic.BATCHES.maxRecordBytes()
                  + " bytes)");
    }
    List<IngestRecord> read =
        await(
            KafkaIngest.source(connection, "big", List.of(Topic.BATCHES))
                .filter(r -> Arrays.equals(r.key(), key))
                .take(1)
                .runWith(Sink.seq(), testKit.system()));
    assertThat(read.get(0).value()).isEqualTo(value);
  }

  @Test
  void aSecondConsumerTakesOverPartitionsWhileTheFirstKeepsConsumingAndNoRecordIsLost()
      throws Exception {
    Topic topic = Topic.REFRESH_REPLIES;
    Set<String> published = ConcurrentHashMap.newKeySet();
    Map<String, Set<String>> seen =
        Map.of("a", ConcurrentHashMap.newKeySet(), "b", ConcurrentHashMap.newKeySet());
    try (KafkaPublisher publisher = new KafkaPublisher(connection)) {
      publishRound(publisher, topic, 0, published);
      UniqueKillSwitch a = consume("a", topic, seen.get("a"));
      awaitAll(seen.get("a"), published);
      UniqueKillSwitch b = consume("b", topic, seen.get("b"));
      // Keep publishing a round per check while the group rebalances; every record must be used and
      // committed by
      // someone.
      int[] round = {0};
      eventually(
          testKit,
          TIMEOUT,
          () -> {
            publishRound(publisher, topic, ++round[0], published);
            assertThat(seen.get("b")).as("records of the second consumer").isNotEmpty();
          });
      // Both members now hold partitions at once: a last round reaches both.
      Set<String> last = ConcurrentHashMap.newKeySet();
      publishRound(publisher, topic, Integer.MAX_VALUE, last);
      published.addAll(last);
      eventually(
          testKit,
          TIMEOUT,
          () -> {
            Set<String> union = new java.util.HashSet<>(seen.get("a"));
            union.addAll(seen.get("b"));
            assertThat(union).as("records used by either consumer").containsAll(published);
          });
      assertThat(seen.get("a"))
          .as("the first consumer kept partitions")
          .containsAnyElementsOf(last);
      assertThat(seen.get("b"))
          .as("the second consumer has partitions")
          .containsAnyElementsOf(last);
      eventually(
          testKit,
          TIMEOUT,
          () ->
              assertThat(committed("rebalance", topic))
                  .as("committed positions")
                  .isEqualTo(endOffsets(topic)));
      a.shutdown();
      b.shutdown();
    }
  }

  /**
   * Publishes one record for each of 24 jobs (spread over the partitions), recording
   * partition@offset.
   */
  private static void publishRound(
      KafkaPublisher publisher, Topic topic, int round, Set<String> published) throws Exception {
    for (int job = 0; job < 24; job++) {
      Published p =
          await(publisher.publish(topic, utf8("job-" + job), utf8("r" + round), List.of()));
      published.add(p.partition() + "@" + p.offset());
    }
  }

  /**
   * Runs a consumer of the group "rebalance" that commits each record and records those committed.
   */
  private static UniqueKillSwitch consume(String name, Topic topic, Set<String> committed) {
    return KafkaIngest.source(connection, "rebalance", List.of(topic))
        .viaMat(KillSwitches.single(), Keep.right())
        .mapAsyncUnordered(
            8,
            r ->
                r.commit()
                    .handle(
                        (done, failure) -> failure == null ? r.partition() + "@" + r.offset() : ""))
        .to(
            Sink.foreach(
                id -> {
                  if (!id.isEmpty()) {
                    committed.add(id);
                  }
                }))
        .run(testKit.system());
  }

  private static void awaitAll(Set<String> seen, Set<String> expected) {
    eventually(
        testKit, TIMEOUT, () -> assertThat(seen).as("records consumed").containsAll(expected));
  }

  private static Map<TopicPartition, Long> endOffsets(Topic topic) throws Exception {
    try (Admin admin = connection.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
      for (int p = 0; p < topic.partitions(); p++) {
        latest.put(new TopicPartition(topic.topicName(), p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> out = new java.util.HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach(
              (tp, end) -> {
                if (end.offset() > 0) {
                  out.put(tp, end.offset());
                }
              });
      return out;
    }
  }

  private static Map<TopicPartition, Long> committed(String role, Topic topic) throws Exception {
    try (Admin admin = connection.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(connection.groupId(role))
              .partitionsToOffsetAndMetadata()
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Map<TopicPartition, Long> out = new java.util.HashMap<>();
      offsets.forEach(
          (tp, o) -> {
            if (tp.topic().equals(topic.topicName()) && o != null) {
              out.put(tp, o.offset());
            }
          });
      return out;
    }
  }
}
