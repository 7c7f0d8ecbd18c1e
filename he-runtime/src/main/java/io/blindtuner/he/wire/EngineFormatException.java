package io.blindtuner.he.wire;

/**
 * Bytes given to an {@link EngineCodec} reader are not an engine object of the expected kind for
 * its parameters: wrong magic, version or kind, another parameter set, a field out of range, a
 * residue not below its prime, a truncation or trailing bytes. The message names the object and the
 * field. The only exception the readers throw for bad input.
 */
public final class EngineFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineFormatException(String message) {
    super(message);
  }

  public EngineFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
