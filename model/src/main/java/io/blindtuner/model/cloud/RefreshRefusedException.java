package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.HeException;

/**
 * The key holder refused a refresh. Deliberately opaque: whatever the reason (outside the agreed
 * plan, a replayed id with other ciphertexts, the budget spent), the cloud learns only that and the
 * request's id; the key holder logs the reason on its side. A training job cannot continue past it.
 */
public final class RefreshRefusedException extends HeException {
  private static final long serialVersionUID = 1L;

  public RefreshRefusedException(RefreshId id) {
    super("the key holder refused the refresh (" + id + ")");
  }
}
