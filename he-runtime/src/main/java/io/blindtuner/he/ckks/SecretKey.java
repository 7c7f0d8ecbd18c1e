package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.RnsPoly;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * The secret key s (ternary), in NTT form at the key level (all data primes and P). Hospital-side
 * only: never log it, never send it. {@link #toString()} does not reveal it. {@link #destroy()}
 * zeroes it when it is no longer needed (e.g. once written encrypted to disk, or at shutdown);
 * every later use throws.
 */
public final class SecretKey implements Destroyable {
  private final long parametersId;
  private final RnsPoly poly;
  private volatile boolean destroyed;

  /**
   * Wraps a key polynomial (e.g. loaded from SEAL's format).
   *
   * @throws HeException if the polynomial does not have N coefficients and the key level's limbs
   *     (every data and special prime) in NTT form
   */
  public SecretKey(CkksParameters params, RnsPoly poly) {
    KeySwitchKey.checkKeyPoly(params, poly, "secret key");
    this.parametersId = params.id();
    this.poly = poly;
  }

  public long parametersId() {
    return parametersId;
  }

  /**
   * Live view of s (NTT form, key level).
   *
   * @throws IllegalStateException if the key was destroyed
   */
  public RnsPoly poly() {
    if (destroyed) {
      throw new IllegalStateException(
          this + " was destroyed (its coefficients are zeroed); load the key again");
    }
    return poly;
  }

  /**
   * Zeroes the key's coefficients; every later {@link #poly()} (so every encryption, decryption or
   * key generation with it) throws. Idempotent. Not to be called while another thread is using the
   * key.
   */
  @Override
  public void destroy() {
    destroyed = true;
    for (long[] limb : poly.limbs()) {
      Arrays.fill(limb, 0);
    }
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "SecretKey[params=" + Long.toHexString(parametersId) + "]";
  }
}
