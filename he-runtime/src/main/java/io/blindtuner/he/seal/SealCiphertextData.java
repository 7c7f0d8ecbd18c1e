package io.blindtuner.he.seal;

/**
 * The contents of a SEAL Ciphertext (also the body of a PublicKey and of each key-switching key) in
 * SEAL's own terms, independent of the engine.
 *
 * @param parmsId level of the ciphertext
 * @param nttForm whether polys are in NTT form (always true for CKKS)
 * @param polys polys[p][i][j] = coefficient j of polynomial p modulo prime i of the level
 * @param scale CKKS scale
 * @param correctionFactor SEAL 4's BGV correction factor, 1 for CKKS
 * @param seed if not null, polys[1] is the SEAL expansion of this seed and the object is written in
 *     seeded form (c0 and the seed only)
 */
public record SealCiphertextData(
    SealParmsId parmsId,
    boolean nttForm,
    long[][][] polys,
    double scale,
    long correctionFactor,
    SealPrngInfo seed) {
  /** SEAL_CIPHERTEXT_SIZE_MIN and _MAX. */
  public static final int MIN_SIZE = 2;

  public static final int MAX_SIZE = 16;

  public SealCiphertextData {
    if (parmsId == null || polys == null || polys.length < MIN_SIZE || polys.length > MAX_SIZE) {
      throw new IllegalArgumentException("a ciphertext needs a parms_id and 2..16 polynomials");
    }
    if (seed != null && polys.length != 2) {
      throw new IllegalArgumentException("only size-2 ciphertexts have a seeded form");
    }
  }

  public int size() {
    return polys.length;
  }

  public int primeCount() {
    return polys[0].length;
  }

  public int degree() {
    return polys[0][0].length;
  }

  /** The same ciphertext without its seed: written in full. */
  public SealCiphertextData unseeded() {
    return new SealCiphertextData(parmsId, nttForm, polys, scale, correctionFactor, null);
  }
}
