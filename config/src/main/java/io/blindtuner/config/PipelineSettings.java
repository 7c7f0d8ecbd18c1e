package io.blindtuner.config;

import com.typesafe.config.Config;

/**
 * Settings of the training graph, from {@code blindtuner.pipeline} (see reference.conf).
 *
 * @param mode overlapped or sequential schedule
 * @param microBatchesInFlight micro-batches of one weight version in flight at once
 * @param maxCiphertextsAlive bound on ciphertexts alive in the graph
 */
public record PipelineSettings(Mode mode, int microBatchesInFlight, int maxCiphertextsAlive) {

  /** The section these settings come from. */
  public static final String SECTION = "blindtuner.pipeline";

  /** How micro-batches move through the stage actors. */
  public enum Mode {
    /** One micro-batch at a time through every stage. */
    SEQUENTIAL,
    /** Several micro-batches of one weight version in flight. */
    OVERLAPPED
  }

  /**
   * Reads and validates the section.
   *
   * @throws SettingsException naming the first key at fault
   */
  public static PipelineSettings from(Config root) {
    ConfigReader r = new ConfigReader(root, SECTION);
    Mode mode = r.oneOf("mode", Mode.class);
    int inFlight = r.intIn("micro-batches-in-flight", 1, 64);
    return new PipelineSettings(mode, inFlight, r.intIn("max-ciphertexts-alive", 16, 1 << 20));
  }
}
