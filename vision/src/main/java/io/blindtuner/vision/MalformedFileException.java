package io.blindtuner.vision;

import java.io.IOException;

/**
 * A file (npz/npy, safetensors, token file) whose content is not what its format promises: bad
 * magic, unparsable header, wrong dtype or shape, sizes that disagree, truncation or a failed
 * checksum. The message names the file (and entry or tensor) and what is wrong.
 */
public final class MalformedFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public MalformedFileException(String message) {
    super(message);
  }

  public MalformedFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
