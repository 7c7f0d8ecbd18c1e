package io.blindtuner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingsTest {

  private static Config with(String overrides) {
    return ConfigFactory.parseString(overrides)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void referenceConfReadsAsDocumented() {
    Config c = ConfigFactory.defaultReference();
    ActorSettings a = ActorSettings.from(c);
    assertThat(a.heDispatcher()).isEqualTo("blindtuner.actors.he-dispatcher");
    assertThat(a.askTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(a.minBackoff()).isLessThan(a.maxBackoff());
    PipelineSettings p = PipelineSettings.from(c);
    assertThat(p.mode()).isEqualTo(PipelineSettings.Mode.OVERLAPPED);
    assertThat(p.microBatchesInFlight()).isEqualTo(2);
  }

  @Test
  void badValuesNameTheKeyAndTheReason() {
    assertThatThrownBy(() -> PipelineSettings.from(with("blindtuner.pipeline.mode = fast")))
        .isInstanceOf(SettingsException.class)
        .hasMessage(
            "setting 'blindtuner.pipeline.mode': must be one of sequential, overlapped, got 'fast'");
    assertThatThrownBy(
            () -> PipelineSettings.from(with("blindtuner.pipeline.micro-batches-in-flight = 0")))
        .hasMessageContaining("blindtuner.pipeline.micro-batches-in-flight")
        .hasMessageContaining("[1, 64]");
    assertThatThrownBy(() -> ActorSettings.from(with("blindtuner.actors.ask-timeout = soon")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("blindtuner.actors.ask-timeout");
    assertThatThrownBy(
            () -> ActorSettings.from(with("blindtuner.actors.restart.max-backoff = 1 ms")))
        .hasMessageContaining("blindtuner.actors.restart.max-backoff");
    assertThatThrownBy(() -> ActorSettings.from(with("blindtuner.actors.he-dispatcher = 3")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("blindtuner.actors.he-dispatcher");
    assertThatThrownBy(() -> PipelineSettings.from(ConfigFactory.parseString("blindtuner {}")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("blindtuner.pipeline");
  }
}
