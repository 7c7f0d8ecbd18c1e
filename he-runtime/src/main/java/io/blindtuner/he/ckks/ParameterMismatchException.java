package io.blindtuner.he.ckks;

/** An operand (ciphertext, plaintext or key) was made under different encryption parameters. */
public class ParameterMismatchException extends HeException {
  private static final long serialVersionUID = 1L;

  public ParameterMismatchException(String message) {
    super(message);
  }
}
