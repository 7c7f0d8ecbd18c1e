package io.blindtuner.actors;

import io.blindtuner.he.ckks.HeException;

/**
 * Which failures of a stage are worth a restart. A homomorphic error (ciphertexts of other
 * parameters, a corrupted or malformed ciphertext, levels or scales that do not match, a missing
 * key) or a violated protocol will recur on every retry: the job stops with its reason. Anything
 * else (an injected fault, an executor that refused work) is transient: the actor restarts with
 * backoff and the message is retried.
 */
public final class Failures {

  private Failures() {}

  /** Whether {@code e} stops the job. */
  public static boolean isFatal(Throwable e) {
    return e instanceof HeException
        || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException;
  }

  /**
   * One line for logs and replies: the exception's type and message (never key material: none is in
   * them).
   */
  public static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
