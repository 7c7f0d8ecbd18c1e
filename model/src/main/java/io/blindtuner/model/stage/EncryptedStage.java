package io.blindtuner.model.stage;

/**
 * A stage of the encrypted head. It declares exactly the Galois steps it rotates by (so the actor running it can
 * hold only those keys) and the levels each of its passes consumes from its inputs to its outputs (so the planner
 * can check a parameter set before training).
 */
public interface EncryptedStage {

  /** A name for plans and error messages. */
  String name();

  /** Every rotation step this stage uses (positive = left). */
  int[] rotationSteps();

  /** Levels the forward pass consumes (0 if the stage has none). */
  int forwardLevels();

  /** Levels the backward pass consumes (0 if the stage has none). */
  int backwardLevels();

  /** The most levels any one pass consumes. */
  default int levelCost() {
    return Math.max(forwardLevels(), backwardLevels());
  }
}
