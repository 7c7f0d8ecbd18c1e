package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.RnsPoly;

/**
 * A key-switching key from s' to s in the {@link KeySwitchLayout} of its parameters: one
 * 2-polynomial ciphertext per digit j, each at the key level in NTT form: ( -(a_j*s + e_j) + [P mod
 * q_i]*s' on the limbs i of digit j only, a_j ), that is P*(Q/Q_j)*[(Q/Q_j)^-1 mod Q_j]*s' added to
 * an encryption of zero (the gadget factor of digit j, which is 1 mod the primes of the digit and 0
 * mod the others). In SEAL's layout each digit is one data prime. Carries the seed each a_j was
 * expanded from when {@link KeyGenerator} made it (the seeded wire form stores b_j and that seed).
 */
public final class KeySwitchKey {
  private final long parametersId;
  private final KeySwitchLayout layout;

  /** digits[i][0] = b_i, digits[i][1] = a_i. */
  private final RnsPoly[][] digits;

  /** seeds[i]: the seed of a_i; null if the key was not made from seeds. */
  private final KeySeed[] seeds;

  /**
   * A key without recorded seeds (e.g. read in full form).
   *
   * @throws HeException if there are not as many digits of 2 polynomials as the parameters' layout
   *     has, each with the key level's limbs of N in NTT form
   */
  public KeySwitchKey(CkksParameters params, RnsPoly[][] digits) {
    this(params, digits, null);
  }

  /**
   * @param seeds the seed of each digit's a_i, one per digit; null if not seeded
   * @throws HeException if there are not as many digits of 2 polynomials as the parameters' layout
   *     has, each with the key level's limbs of N in NTT form, or seeds are given but not one
   *     non-null seed per digit
   */
  public KeySwitchKey(CkksParameters params, RnsPoly[][] digits, KeySeed[] seeds) {
    KeySwitchLayout layout = params.keySwitchLayout();
    int dnum = layout.digitCount();
    if (digits.length != dnum) {
      throw new HeException(
          "key-switching key needs " + dnum + " digits (" + layout + "), got " + digits.length);
    }
    for (int i = 0; i < dnum; i++) {
      if (digits[i].length != 2) {
        throw new HeException(
            "key-switching key digit " + i + " needs 2 polynomials, got " + digits[i].length);
      }
      checkKeyPoly(params, digits[i][0], "key-switching key digit " + i + " b");
      checkKeyPoly(params, digits[i][1], "key-switching key digit " + i + " a");
    }
    if (seeds != null) {
      if (seeds.length != dnum) {
        throw new HeException(
            "key-switching key needs one seed per digit (" + dnum + "), got " + seeds.length);
      }
      for (int i = 0; i < dnum; i++) {
        if (seeds[i] == null) {
          throw new HeException("key-switching key digit " + i + " has no seed");
        }
      }
    }
    this.parametersId = params.id();
    this.layout = layout;
    this.digits = digits;
    this.seeds = seeds == null ? null : seeds.clone();
  }

  static void checkKeyPoly(CkksParameters params, RnsPoly p, String what) {
    if (p.n() != params.n() || p.limbCount() != params.keyLimbCount() || !p.isNtt()) {
      throw new HeException(
          what
              + ": expected N="
              + params.n()
              + ", "
              + params.keyLimbCount()
              + " limbs in NTT form, got N="
              + p.n()
              + ", "
              + p.limbCount()
              + " limbs, ntt="
              + p.isNtt());
    }
  }

  public long parametersId() {
    return parametersId;
  }

  /** The layout the key was made in: key switching with it needs parameters of the same layout. */
  public KeySwitchLayout layout() {
    return layout;
  }

  /**
   * Checks that this key can switch keys under {@code params}: a key of another layout is refused
   * with a message naming both layouts, before the parameter-set check (whose message would not say
   * why).
   *
   * @throws HeException if the key's layout is not the parameters' layout
   * @throws ParameterMismatchException if the key belongs to another parameter set of the same
   *     layout
   */
  void checkUsableWith(CkksParameters params, String what, String op) {
    params.keySwitchLayout().requireKeys(layout, what, op);
    params.check(parametersId, what, op);
  }

  /**
   * Bytes of the key's polynomials in memory and in the full (unseeded) wire form: 8 per
   * coefficient.
   */
  public long sizeBytes() {
    long coefficients = 0;
    for (RnsPoly[] digit : digits) {
      for (RnsPoly p : digit) {
        coefficients += (long) p.n() * p.limbCount();
      }
    }
    return 8 * coefficients;
  }

  public int digitCount() {
    return digits.length;
  }

  /** Live view: component 0 (b_i) or 1 (a_i) of digit i. */
  public RnsPoly digit(int i, int component) {
    return digits[i][component];
  }

  /** The seed a_i of digit i was expanded from, or null if the key was not made from seeds. */
  public KeySeed seed(int i) {
    return seeds == null ? null : seeds[i];
  }
}
