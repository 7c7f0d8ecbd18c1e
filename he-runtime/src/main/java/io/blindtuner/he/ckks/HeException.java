package io.blindtuner.he.ckks;

/** Base of the engine's errors: an operand or argument that the operation cannot accept. */
public class HeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public HeException(String message) {
    super(message);
  }
}
