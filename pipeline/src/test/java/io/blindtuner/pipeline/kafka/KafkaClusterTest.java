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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClusterTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  @TempDir Path dir;

  private KafkaSettings settings(String overrides) {
    return KafkaSettings.from(ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.parseMap(Map.of("blindtuner.kafka.embedded-data-dir", dir.resolve("kafka")
            .toString(), "blindtuner.kafka.bootstrap-servers", "")))
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void clientConfigurationsCarryTheGuaranteesTheLimitsAndThePassThroughProperties() {
    KafkaConnection c = KafkaConnection.of(settings("blindtuner.kafka.client { \"client.dns.lookup\" = "
        + "use_all_dns_ips }, blindtuner.kafka.group-id-prefix = \"hospital-a.\""), "kafka:9092");
    assertThat(c.groupId("trainer")).isEqualTo("hospital-a.trainer");
    Map<String, Object> producer = c.producerConfig();
    assertThat(producer).containsEntry("bootstrap.servers", "kafka:9092").containsEntry("client.dns.lookup",
        "use_all_dns_ips").containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topic.DEAD_LETTERS.maxMessageBytes());
    assertThat(Topic.largestMaxMessageBytes()).isEqualTo(Topic.DEAD_LETTERS.maxMessageBytes());
    Map<String, Object> consumer = c.consumerConfig("g", List.of(Topic.JOBS, Topic.BATCHES));
    assertThat(consumer).containsEntry("client.dns.lookup", "use_all_dns_ips")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer")
        .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topic.BATCHES.maxMessageBytes())
        .doesNotContainKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
    assertThat((Integer) consumer.get(ConsumerConfig.FETCH_MAX_BYTES_CONFIG))
        .isGreaterThanOrEqualTo(Topic.BATCHES.maxMessageBytes());
    Map<String, Object> classic = KafkaConnection.of(settings("blindtuner.kafka.client.group.protocol = classic"),
        "kafka:9092").consumerConfig("g", List.of(Topic.JOBS));
    assertThat(classic).containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
  }

  @Test
  void emptyBootstrapServersStartTheEmbeddedBrokerWhichAnExternalConfigurationThenReaches() throws Exception {
    ActorTestKit testKit = ActorTestKit.create();
    try (KafkaCluster embedded = KafkaCluster.start(settings(""))) {
      assertThat(embedded.embedded()).isPresent();
      assertThat(embedded.embedded().get().dataDir()).isEqualTo(dir.resolve("kafka").toAbsolutePath());
      embedded.ensureTopics(TIMEOUT);
      String servers = embedded.connection().bootstrapServers();
      // A service configured with the broker's address as an external cluster, on the classic protocol with
      // the cooperative assignor (what an older cluster would need).
      try (KafkaCluster external = KafkaCluster.start(settings("blindtuner.kafka.bootstrap-servers = \"" + servers
          + "\", blindtuner.kafka.client.group.protocol = classic"))) {
        assertThat(external.embedded()).isEmpty();
        external.ensureTopics(TIMEOUT);
        try (KafkaPublisher publisher = new KafkaPublisher(external.connection())) {
          publisher.publish(Topic.MODELS, "job-1".getBytes(StandardCharsets.UTF_8),
              "m".getBytes(StandardCharsets.UTF_8), List.of()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        List<IngestRecord> read = KafkaIngest.source(external.connection(), "edge", List.of(Topic.MODELS))
            .mapAsync(1, r -> r.commit().thenApply(done -> r)).take(1).runWith(Sink.seq(), testKit.system())
            .toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(read.get(0).value()).containsExactly('m');
      }
      assertThat(embedded.embedded().get().isRunning()).as("closing the external cluster leaves it running")
          .isTrue();
    } finally {
      testKit.shutdownTestKit();
    }
  }
}
