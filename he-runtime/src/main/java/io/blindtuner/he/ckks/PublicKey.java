package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.RnsPoly;

/**
 * Public key (p0, p1) = (-(a*s + e), a) in NTT form at the key level, as in SEAL; with the seed a
 * was expanded from when {@link KeyGenerator} made it (the seeded wire form stores p0 and that
 * seed).
 */
public final class PublicKey {
  private final long parametersId;
  private final RnsPoly p0;
  private final RnsPoly p1;
  private final KeySeed seed;

  /**
   * A public key without a recorded seed (e.g. read in full form).
   *
   * @throws HeException if a polynomial does not have N coefficients and the key level's limbs
   *     (every data and special prime) in NTT form
   */
  public PublicKey(CkksParameters params, RnsPoly p0, RnsPoly p1) {
    this(params, p0, p1, null);
  }

  /**
   * @param seed the seed p1 was expanded from; null if not seeded
   * @throws HeException if a polynomial does not have N coefficients and the key level's limbs
   *     (every data and special prime) in NTT form
   */
  public PublicKey(CkksParameters params, RnsPoly p0, RnsPoly p1, KeySeed seed) {
    KeySwitchKey.checkKeyPoly(params, p0, "public key p0");
    KeySwitchKey.checkKeyPoly(params, p1, "public key p1");
    this.parametersId = params.id();
    this.p0 = p0;
    this.p1 = p1;
    this.seed = seed;
  }

  public long parametersId() {
    return parametersId;
  }

  /** Live view of p0. */
  public RnsPoly p0() {
    return p0;
  }

  /** Live view of p1. */
  public RnsPoly p1() {
    return p1;
  }

  /** The seed p1 was expanded from, or null if the key was not made from a seed. */
  public KeySeed seed() {
    return seed;
  }
}
