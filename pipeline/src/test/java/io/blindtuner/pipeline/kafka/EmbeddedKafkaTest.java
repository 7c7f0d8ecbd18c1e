package io.blindtuner.pipeline.kafka;

import static io.blindtuner.pipeline.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static ActorTestKit testKit;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    testKit = ActorTestKit.create();
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
    kafka.close();
  }

  private static KafkaConnection connection() {
    return new KafkaConnection(kafka.bootstrapServers(), Map.of(), "test.");
  }

  private static List<String> read(KafkaConnection c, String role, Topic topic, int n)
      throws Exception {
    // Stop the consumer only after the commits: a record committed after its consumer stopped is
    // read again.
    return KafkaIngest.source(c, role, List.of(topic))
        .mapAsync(
            1, r -> r.commit().thenApply(done -> new String(r.value(), StandardCharsets.UTF_8)))
        .take(n)
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void publish(KafkaConnection c, Topic topic, String... values) throws Exception {
    try (KafkaPublisher p = new KafkaPublisher(c)) {
      for (String v : values) {
        p.publish(
                topic,
                "job-1".getBytes(StandardCharsets.UTF_8),
                v.getBytes(StandardCharsets.UTF_8),
                List.of())
            .toCompletableFuture()
            .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aRestartOnTheSameDirectoryKeepsTopicsRecordsAndCommittedOffsets() throws Exception {
    KafkaConnection c = connection();
    try (Admin admin = c.admin()) {
      Topics.ensure(admin, List.of(Topic.JOBS), TIMEOUT);
    }
    publish(c, Topic.JOBS, "r0", "r1", "r2");
    assertThat(read(c, "restart", Topic.JOBS, 3)).containsExactly("r0", "r1", "r2");

    String servers = kafka.bootstrapServers();
    kafka.close();
    assertThat(kafka.isRunning()).isFalse();
    kafka.start();
    assertThat(kafka.bootstrapServers()).as("a restart keeps the ports").isEqualTo(servers);

    publish(c, Topic.JOBS, "r3");
    assertThat(read(c, "restart", Topic.JOBS, 1))
        .as("the group resumes after its committed offset")
        .containsExactly("r3");
    assertThat(read(c, "fresh", Topic.JOBS, 4))
        .as("the records survived")
        .containsExactly("r0", "r1", "r2", "r3");
  }

  @Test
  void ensureCreatesEveryDeclaredTopicAndRefusesOneThatDoesNotMeetItsDeclaration()
      throws Exception {
    try (Admin admin = connection().admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(Topic.BATCHES.topicName(), 2, (short) 1)
                      .configs(Map.of("max.message.bytes", "1048576"))))
          .all()
          .get();
      assertThatThrownBy(() -> Topics.ensure(admin, Arrays.asList(Topic.values()), TIMEOUT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("blindtuner.batches has 2 partitions, needs at least 6")
          .hasMessageContaining(
              "blindtuner.batches has max.message.bytes=1048576, needs at least "
                  + Topic.BATCHES.maxMessageBytes());

      admin.deleteTopics(List.of(Topic.BATCHES.topicName())).all().get();
      eventually(
          testKit,
          TIMEOUT,
          () ->
              assertThat(admin.listTopics().names().get())
                  .as("topics after the deletion")
                  .doesNotContain(Topic.BATCHES.topicName()));
      Topics.ensure(admin, Arrays.asList(Topic.values()), TIMEOUT);
      Topics.ensure(admin, Arrays.asList(Topic.values()), TIMEOUT); // idempotent

      Set<String> names =
          Arrays.stream(Topic.values()).map(Topic::topicName).collect(Collectors.toSet());
      var descriptions = admin.describeTopics(names).allTopicNames().get();
      var configs =
          admin
              .describeConfigs(
                  names.stream()
                      .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                      .toList())
              .all()
              .get();
      for (Topic t : Topic.values()) {
        assertThat(descriptions.get(t.topicName()).partitions())
            .as(t.topicName())
            .hasSize(t.partitions());
        Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, t.topicName()));
        t.configs()
            .forEach(
                (k, v) ->
                    assertThat(config.get(k).value()).as(t.topicName() + " " + k).isEqualTo(v));
      }
    }
  }

  @Test
  void startingTwiceIsRefused() {
    assertThatThrownBy(kafka::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already running");
  }
}
