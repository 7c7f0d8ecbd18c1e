package io.blindtuner.he.seal;

/**
 * A SEAL-serialized object is malformed, truncated, of an unsupported version or compression,
 * inconsistent with the encryption parameters it is read against, or larger than allowed. The
 * message names the object and the field that is wrong. This is the only exception the readers in
 * this package throw for bad input.
 */
public final class SealFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SealFormatException(String message) {
    super(message);
  }

  public SealFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
