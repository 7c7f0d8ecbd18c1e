package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.PrngFactory;
import io.blindtuner.he.ring.Samplers;

/**
 * A symmetric ciphertext whose c1 is not stored but regenerated from a seed (SEAL's seeded form,
 * about half the size on the wire). {@link #ciphertext()} holds the full ciphertext; {@link
 * #seed()} the seed of c1.
 *
 * @param ciphertext the full ciphertext (c1 already expanded)
 * @param seed the seed c1 was sampled from, with the factory's generator
 */
public record SeededCiphertext(Ciphertext ciphertext, byte[] seed) {
  public SeededCiphertext {
    seed = seed.clone();
  }

  @Override
  public byte[] seed() {
    return seed.clone();
  }

  /**
   * Rebuilds a ciphertext from c0 (level+1 limbs, NTT form) and the seed of c1: c1 =
   * uniform(prng(seed)) over the level's primes, as SEAL's sample_poly_uniform does.
   *
   * @throws HeException if c0's shape does not match the level or the seed has the wrong length
   * @throws ScaleException if scale is not finite and positive
   * @throws LevelException if the level is out of range
   */
  public static Ciphertext expand(
      CkksParameters params,
      long[][] c0,
      int level,
      double scale,
      byte[] seed,
      PrngFactory factory) {
    if (seed.length != factory.seedBytes()) {
      throw new HeException(
          "expand: seed must be " + factory.seedBytes() + " bytes, got " + seed.length);
    }
    Ciphertext ct = new Ciphertext(params, 2, level, scale);
    if (c0.length != level + 1) {
      throw new HeException(
          "expand: c0 has " + c0.length + " limbs, level " + level + " needs " + (level + 1));
    }
    for (int j = 0; j <= level; j++) {
      if (c0[j].length != params.n()) {
        throw new HeException(
            "expand: c0 limb "
                + j
                + " has "
                + c0[j].length
                + " coefficients, expected "
                + params.n());
      }
      long q = params.prime(j);
      for (int x = 0; x < c0[j].length; x++) {
        if (c0[j][x] < 0 || c0[j][x] >= q) {
          throw new HeException(
              "expand: c0 limb " + j + " coefficient " + x + " is not below prime " + q);
        }
      }
      System.arraycopy(c0[j], 0, ct.poly(0).limb(j), 0, params.n());
    }
    Samplers.uniform(factory.create(seed), params.moduli, ct.poly(1).limbs(), level + 1);
    return ct;
  }
}
