package io.blindtuner.he.seal;

/**
 * The contents of a SEAL CKKS Plaintext (also of a SecretKey): an NTT-form polynomial at a level.
 *
 * @param parmsId level of the plaintext (the key level for a secret key)
 * @param limbs limbs[i][j] = coefficient j modulo prime i of the level
 * @param scale CKKS scale (1.0 for a secret key)
 */
public record SealPlaintextData(SealParmsId parmsId, long[][] limbs, double scale) {
  public SealPlaintextData {
    if (parmsId == null || limbs == null || limbs.length == 0) {
      throw new IllegalArgumentException("a CKKS plaintext needs a parms_id and at least one limb");
    }
  }
}
