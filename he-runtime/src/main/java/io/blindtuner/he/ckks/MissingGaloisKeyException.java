package io.blindtuner.he.ckks;

/**
 * No Galois key for a rotation step (directly or through its NAF decomposition) or for conjugation.
 */
public class MissingGaloisKeyException extends HeException {
  private static final long serialVersionUID = 1L;

  public MissingGaloisKeyException(String message) {
    super(message);
  }
}
