package io.blindtuner.pipeline;

import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.function.Effect;

/**
 * Waits for state that no event announces (a broker's topic list, a group's committed offsets, a
 * client's meters): the TestKit's {@code awaitAssert} retries the assertions until they hold or the
 * timeout ends, and then fails with the last assertion's message, so a test never sleeps for a
 * guessed time.
 */
public final class Eventually {
  private Eventually() {}

  /**
   * Retries {@code check} (assertions) on the TestKit's probe until it passes, within {@code
   * timeout}.
   */
  public static void eventually(ActorTestKit kit, Duration timeout, Effect check) {
    kit.createTestProbe()
        .awaitAssert(
            timeout,
            () -> {
              check.apply();
              return null;
            });
  }
}
