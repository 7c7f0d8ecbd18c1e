package io.blindtuner.he.ckks;

/** Operands are at different levels, or a level is out of range (e.g. rescaling at level 0). */
public class LevelException extends HeException {
  private static final long serialVersionUID = 1L;

  public LevelException(String message) {
    super(message);
  }
}
