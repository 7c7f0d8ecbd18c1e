package io.blindtuner.pipeline.wire;

/** A record value that cannot be used; the message is the reason a dead letter records. */
public final class MalformedRecordException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MalformedRecordException(String reason) {
    super(reason);
  }
}
