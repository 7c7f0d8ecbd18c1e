package io.blindtuner.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.config.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  @TempDir Path dir;

  private static KafkaSettings settings(String overrides) {
    return KafkaSettings.from(
        ConfigFactory.parseString(overrides)
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  @Test
  void clientConfigurationsCarryTheGuaranteesTheLimitsAndThePassThroughProperties() {
    KafkaConnection c =
        KafkaConnection.of(
            settings(
                "blindtuner.kafka.client { \"client.dns.lookup\" = "
                    + "use_all_dns_ips }, blindtuner.kafka.group-id-prefix = \"hospital-a.\""),
            "kafka:9092");
    assertThat(c.groupId("trainer")).isEqualTo("hospital-a.trainer");
    Map<String, Object> producer = c.producerConfig();
    assertThat(producer)
        .containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry("client.dns.lookup", "use_all_dns_ips")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topic.DEAD_LETTERS.maxMessageBytes());
    assertThat(Topic.largestMaxMessageBytes()).isEqualTo(Topic.DEAD_LETTERS.maxMessageBytes());
    Map<String, Object> consumer = c.consumerConfig("g", List.of(Topic.JOBS, Topic.BATCHES));
    assertThat(consumer)
        .containsEntry("client.dns.lookup", "use_all_dns_ips")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer")
        .containsEntry(
            ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topic.BATCHES.maxMessageBytes())
        .doesNotContainKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
    assertThat((Integer) consumer.get(ConsumerConfig.FETCH_MAX_BYTES_CONFIG))
        .isGreaterThanOrEqualTo(Topic.BATCHES.maxMessageBytes());
    Map<String, Object> classic =
        KafkaConnection.of(
                settings("blindtuner.kafka.client.group.protocol = classic"), "kafka:9092")
            .consumerConfig("g", List.of(Topic.JOBS));
    assertThat(classic)
        .containsEntry(
            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            CooperativeStickyAssignor.class.getName());
  }

  @Test
  void aConnectionOnTheClassicProtocolWithTheCooperativeAssignorWorks() throws Exception {
    // What a cluster older than Kafka 4.0 needs: the settings select the classic protocol, the
    // connection adds
    // the cooperative assignor, and records flow and commit as on the KIP-848 protocol.
    ActorTestKit testKit = ActorTestKit.create();
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"))) {
      KafkaConnection classic =
          KafkaConnection.of(
              settings("blindtuner.kafka.client.group.protocol = classic"),
              broker.bootstrapServers());
      try (Admin admin = classic.admin()) {
        Topics.ensure(admin, List.of(Topic.MODELS), TIMEOUT);
      }
      try (KafkaPublisher publisher = new KafkaPublisher(classic)) {
        publisher
            .publish(
                Topic.MODELS,
                "job-1".getBytes(StandardCharsets.UTF_8),
                "m".getBytes(StandardCharsets.UTF_8),
                List.of())
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
      }
      List<IngestRecord> read =
          KafkaIngest.source(classic, "edge", List.of(Topic.MODELS))
              .mapAsync(1, r -> r.commit().thenApply(done -> r))
              .take(1)
              .runWith(Sink.seq(), testKit.system())
              .toCompletableFuture()
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(read.get(0).value()).containsExactly('m');
    } finally {
      testKit.shutdownTestKit();
    }
  }
}
