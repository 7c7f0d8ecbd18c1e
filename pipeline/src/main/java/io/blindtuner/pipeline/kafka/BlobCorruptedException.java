package io.blindtuner.pipeline.kafka;

import java.io.IOException;

/**
 * A blob whose bytes do not match its {@link BlobRef} (size or SHA-256), or that is missing from
 * the store.
 */
public final class BlobCorruptedException extends IOException {
  private static final long serialVersionUID = 1L;

  BlobCorruptedException(BlobRef ref, String what) {
    super("blob " + ref.sha256() + " (" + ref.uri() + "): " + what);
  }
}
