package io.blindtuner.pipeline.kafka;

/**
 * A record that cannot be used: malformed, truncated, oversized, of a foreign format, or on the
 * wrong topic. Its {@link #reason()} goes to the dead letters with the record.
 */
public final class MalformedRecordException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public MalformedRecordException(String reason) {
    super(reason);
    this.reason = reason;
  }

  /** Why the record was refused, for the dead letter and the log. */
  public String reason() {
    return reason;
  }
}
