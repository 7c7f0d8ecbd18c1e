package io.blindtuner.actors;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Shutting an actor system down completely before going on (its dispatcher threads hold
 * ciphertexts).
 */
public final class ActorSystems {

  private ActorSystems() {}

  /**
   * Terminates {@code system} and waits for it.
   *
   * @throws IllegalStateException if it has not terminated within {@code timeout} or the wait was
   *     interrupted
   */
  public static void terminate(ActorSystem<?> system, Duration timeout) {
    system.terminate();
    try {
      system
          .getWhenTerminated()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while actor system " + system.name() + " terminated", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "actor system " + system.name() + " did not terminate within " + timeout, e);
    }
  }
}
