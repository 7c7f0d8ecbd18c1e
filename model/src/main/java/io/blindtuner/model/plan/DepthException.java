package io.blindtuner.model.plan;

/**
 * The parameter set has too few levels for a pass of the step between two refreshes; names the
 * stage and the pass that run out, and how many levels they need.
 */
public final class DepthException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String stage;
  private final int needed;

  public DepthException(String stage, int needed, String message) {
    super(message);
    this.stage = stage;
    this.needed = needed;
  }

  /** The stage whose pass would need a level below 0. */
  public String stage() {
    return stage;
  }

  /** The levels a fresh ciphertext needs to get through that pass. */
  public int needed() {
    return needed;
  }
}
