package io.blindtuner.vision.data;

import java.io.IOException;

/** A downloaded or cached data file whose digest differs from the registry's. */
public final class ChecksumMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  public ChecksumMismatchException(String message) {
    super(message);
  }
}
