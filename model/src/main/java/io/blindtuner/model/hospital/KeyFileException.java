package io.blindtuner.model.hospital;

import java.io.IOException;

/**
 * A secret key file, or the passphrase that opens it, cannot be used; the message names the file or
 * variable.
 */
public final class KeyFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public KeyFileException(String message) {
    super(message);
  }

  public KeyFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
