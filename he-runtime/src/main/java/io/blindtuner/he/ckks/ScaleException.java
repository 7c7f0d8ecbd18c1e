package io.blindtuner.he.ckks;

/** Operand scales differ, or a scale does not fit the modulus at the operand's level. */
public class ScaleException extends HeException {
  private static final long serialVersionUID = 1L;

  public ScaleException(String message) {
    super(message);
  }
}
