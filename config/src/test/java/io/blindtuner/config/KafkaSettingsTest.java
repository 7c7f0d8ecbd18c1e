package io.blindtuner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void referenceConfStartsTheEmbeddedBroker() {
    KafkaSettings k = KafkaSettings.from(ConfigFactory.defaultReference());
    if (System.getenv("BLINDTUNER_KAFKA_BOOTSTRAP_SERVERS") == null) {
      assertThat(k.embedded()).isTrue();
    }
    assertThat(k.client()).isEmpty();
    assertThat(k.groupIdPrefix()).isEqualTo("blindtuner.");
    assertThat(k.maxBlobBytes()).isEqualTo(4L << 30);
  }

  @Test
  void clientPropertiesPassThroughFlattenedWhetherQuotedOrNested() {
    KafkaSettings k =
        KafkaSettings.from(
            with(
                """
        blindtuner.kafka.bootstrap-servers = "kafka-0.kafka:9093, 10.0.0.7:9093,[::1]:9094"
        blindtuner.kafka.client { "security.protocol" = SASL_SSL, sasl.mechanism = SCRAM-SHA-512,
          ssl.endpoint.identification.algorithm = https, "request.timeout.ms" = 30000 }
        """));
    assertThat(k.embedded()).isFalse();
    assertThat(k.bootstrapServers()).isEqualTo("kafka-0.kafka:9093,10.0.0.7:9093,[::1]:9094");
    assertThat(k.client())
        .isEqualTo(
            Map.of(
                "security.protocol",
                "SASL_SSL",
                "sasl.mechanism",
                "SCRAM-SHA-512",
                "ssl.endpoint.identification.algorithm",
                "https",
                "request.timeout.ms",
                "30000"));
    assertThat(
            KafkaSettings.from(with("blindtuner.kafka.embedded-data-dir = /var/lib/k"))
                .embeddedDataDir())
        .isEqualTo(Path.of("/var/lib/k"));
  }

  @Test
  void badValuesNameTheKeyAndTheReason() {
    assertThatThrownBy(
            () -> KafkaSettings.from(with("blindtuner.kafka.bootstrap-servers = \"kafka:99999\"")))
        .isInstanceOf(SettingsException.class)
        .hasMessage(
            "setting 'blindtuner.kafka.bootstrap-servers': must be a comma-separated list of host:port "
                + "(port 1..65535), got 'kafka:99999'");
    assertThatThrownBy(
            () -> KafkaSettings.from(with("blindtuner.kafka.bootstrap-servers = \"a:1,,b:2\"")))
        .hasMessageContaining("blindtuner.kafka.bootstrap-servers")
        .hasMessageContaining("got ''");
    assertThatThrownBy(() -> KafkaSettings.from(with("blindtuner.kafka.client.acks = 1")))
        .isInstanceOf(SettingsException.class)
        .hasMessage(
            "setting 'blindtuner.kafka.client.acks': is set by blindtuner and cannot be overridden");
    assertThatThrownBy(
            () ->
                KafkaSettings.from(with("blindtuner.kafka.client { bootstrap.servers = \"x:1\" }")))
        .hasMessageContaining("blindtuner.kafka.client.bootstrap.servers")
        .hasMessageContaining("use blindtuner.kafka.bootstrap-servers");
    assertThatThrownBy(
            () ->
                KafkaSettings.from(
                    with("blindtuner.kafka.client { \"ssl.cipher.suites\" = [a, b] }")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("blindtuner.kafka.client.\"ssl.cipher.suites\"")
        .hasMessageContaining("got list");
    assertThatThrownBy(() -> KafkaSettings.from(with("blindtuner.kafka.group-id-prefix = \"a b\"")))
        .hasMessageContaining("blindtuner.kafka.group-id-prefix");
    assertThatThrownBy(() -> KafkaSettings.from(with("blindtuner.kafka.blobs.max-blob-size = 0")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("blindtuner.kafka.blobs.max-blob-size");
    assertThatThrownBy(
            () -> KafkaSettings.from(with("blindtuner.kafka.blobs.max-blob-size = lots")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("blindtuner.kafka.blobs.max-blob-size");
    assertThatThrownBy(() -> KafkaSettings.from(with("blindtuner.kafka.blobs.dir = \"\"")))
        .hasMessage("setting 'blindtuner.kafka.blobs.dir': must not be empty");
    assertThatThrownBy(
            () -> KafkaSettings.from(with("blindtuner.kafka.embedded-data-dir = \"a\\u0000b\"")))
        .hasMessageContaining("blindtuner.kafka.embedded-data-dir")
        .hasMessageContaining("not a valid path");
  }
}
