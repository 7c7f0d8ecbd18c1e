package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.PrngFactory;

/**
 * The seed a key ciphertext's uniform part a was expanded from, and the generator that expanded it:
 * what SEAL's seeded ("compressed") key form stores instead of a, as {@link SeededCiphertext} does
 * for ciphertexts. Recording the generator lets a writer refuse a seed that its format would expand
 * differently.
 *
 * @param prng the generator that expanded the seed into a (uniform over the key level's primes, NTT
 *     values)
 * @param seed the seed, {@code prng.seedBytes()} long
 */
public record KeySeed(PrngFactory prng, byte[] seed) {
  /**
   * @throws HeException if the generator or seed is missing or the seed length is not the
   *     generator's
   */
  public KeySeed {
    if (prng == null || seed == null) {
      throw new HeException("key seed needs a generator and a seed");
    }
    if (seed.length != prng.seedBytes()) {
      throw new HeException("key seed must be " + prng.seedBytes() + " bytes, got " + seed.length);
    }
    seed = seed.clone();
  }

  @Override
  public byte[] seed() {
    return seed.clone();
  }
}
