package io.blindtuner.actors;

/**
 * Failures injected into a stage actor before it computes, for the supervision and fault-injection
 * tests: the actor runs exactly as in production otherwise. {@link #NONE} in production.
 */
@FunctionalInterface
public interface FaultInjector {
  /** Injects nothing. */
  FaultInjector NONE = (stage, step, microBatch, attempt) -> {};

  /**
   * Called before a stage computes; throws to fail it.
   *
   * @param stage the stage's name
   * @param step the weight version
   * @param microBatch the micro-batch (-1 for a whole-version command)
   * @param attempt how many times this actor has started (1 at first, 2 after one restart, ...)
   */
  void before(String stage, long step, int microBatch, int attempt);
}
