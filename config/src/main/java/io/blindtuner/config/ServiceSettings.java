package io.blindtuner.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the long-lived services, from {@code blindtuner.services} (see reference.conf).
 *
 * @param managementHost the address the management endpoints bind to
 * @param managementPort their port (/metrics, /ready, /live; 0 = any free port)
 * @param checkpointEvery steps between the trainer's checkpoints
 * @param timeout the longest wait for the cluster or a refresh round trip
 * @param edgeStateDir where the hospital edge keeps its refresh ledgers
 */
public record ServiceSettings(
    String managementHost,
    int managementPort,
    int checkpointEvery,
    Duration timeout,
    Path edgeStateDir) {

  /** The section these settings come from. */
  public static final String SECTION = "blindtuner.services";

  /**
   * Reads and validates the section.
   *
   * @throws SettingsException naming the first key at fault
   */
  public static ServiceSettings from(Config root) {
    ConfigReader r = new ConfigReader(root, SECTION);
    return new ServiceSettings(
        r.string("management.host"),
        r.intIn("management.port", 0, 65535),
        r.intIn("trainer.checkpoint-every", 1, 1_000_000),
        r.durationIn("timeout", Duration.ofSeconds(1), Duration.ofDays(1)),
        Path.of(r.string("edge.state-dir")));
  }
}
