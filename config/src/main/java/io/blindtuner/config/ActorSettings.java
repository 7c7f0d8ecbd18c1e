package io.blindtuner.config;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the stage actors, from {@code blindtuner.actors} (see reference.conf).
 *
 * @param heDispatcher the config path of the dispatcher that runs homomorphic work
 * @param heThreadsPerOperation threads one HE operation spreads its RNS limbs over
 * @param askTimeout how long the stream waits for a stage's reply
 * @param minBackoff first restart delay of a failed stage actor
 * @param maxBackoff longest restart delay
 * @param randomFactor jitter added to restart delays
 * @param maxRestarts restarts allowed within {@code within} before the job stops
 * @param within the window of {@code maxRestarts}
 */
public record ActorSettings(
    String heDispatcher,
    int heThreadsPerOperation,
    Duration askTimeout,
    Duration minBackoff,
    Duration maxBackoff,
    double randomFactor,
    int maxRestarts,
    Duration within) {

  /** The section these settings come from. */
  public static final String SECTION = "blindtuner.actors";

  /**
   * Reads and validates the section.
   *
   * @throws SettingsException naming the first key at fault
   */
  public static ActorSettings from(Config root) {
    ConfigReader r = new ConfigReader(root, SECTION);
    String dispatcher = r.path("he-dispatcher");
    new ConfigReader(root, dispatcher).string("type");
    Duration minBackoff =
        r.durationIn("restart.min-backoff", Duration.ofMillis(1), Duration.ofMinutes(10));
    Duration maxBackoff = r.durationIn("restart.max-backoff", minBackoff, Duration.ofHours(1));
    return new ActorSettings(
        dispatcher,
        r.intIn("he-threads-per-operation", 1, 256),
        r.durationIn("ask-timeout", Duration.ofSeconds(1), Duration.ofHours(24)),
        minBackoff,
        maxBackoff,
        r.doubleIn("restart.random-factor", 0, 1),
        r.intIn("restart.max-restarts", 0, 1000),
        r.durationIn("restart.within", Duration.ofSeconds(1), Duration.ofDays(1)));
  }
}
