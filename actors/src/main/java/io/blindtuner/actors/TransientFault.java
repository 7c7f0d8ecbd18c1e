package io.blindtuner.actors;

/**
 * A failure that a retry can cure (see {@link Failures}); what a {@link FaultInjector} throws to
 * test restarts.
 */
public final class TransientFault extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TransientFault(String message) {
    super(message);
  }
}
