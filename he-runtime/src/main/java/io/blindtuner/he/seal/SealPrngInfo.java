package io.blindtuner.he.seal;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * SEAL's UniformRandomGeneratorInfo: the PRNG type and its 64-byte seed (8 little-endian words),
 * which is all a seeded ciphertext or key stores of its uniform polynomial.
 *
 * @param type the expansion function
 * @param seed exactly 8 words
 */
public record SealPrngInfo(SealPrngType type, long[] seed) {
  public static final int SEED_WORDS = 8;

  public SealPrngInfo {
    if (type == null || seed == null || seed.length != SEED_WORDS) {
      throw new IllegalArgumentException("a PRNG info needs a type and 8 seed words");
    }
    seed = seed.clone();
  }

  /** A fresh seed from the given CSPRNG. */
  public static SealPrngInfo random(SealPrngType type, SecureRandom random) {
    long[] seed = new long[SEED_WORDS];
    for (int i = 0; i < SEED_WORDS; i++) {
      seed[i] = random.nextLong();
    }
    return new SealPrngInfo(type, seed);
  }

  /** The info for a 64-byte seed (8 little-endian words). */
  public static SealPrngInfo fromBytes(SealPrngType type, byte[] seed) {
    if (seed.length != 8 * SEED_WORDS) {
      throw new IllegalArgumentException("a SEAL seed is 64 bytes, got " + seed.length);
    }
    long[] words = new long[SEED_WORDS];
    for (int i = 0; i < SEED_WORDS; i++) {
      words[i] = Blake2b.le64(seed, 8 * i);
    }
    return new SealPrngInfo(type, words);
  }

  @Override
  public long[] seed() {
    return seed.clone();
  }

  byte[] seedBytes() {
    byte[] b = new byte[8 * SEED_WORDS];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (seed[i >>> 3] >>> (8 * (i & 7)));
    }
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SealPrngInfo other && type == other.type && Arrays.equals(seed, other.seed);
  }

  @Override
  public int hashCode() {
    return 31 * type.hashCode() + Arrays.hashCode(seed);
  }

  @Override
  public String toString() {
    return "SealPrngInfo[" + type + "]"; // the seed is not printed
  }
}
