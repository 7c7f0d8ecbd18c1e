package io.blindtuner.he.seal;

import io.blindtuner.he.ring.Prng;
import io.blindtuner.he.ring.PrngFactory;

/**
 * The engine's seed-expansion hook set to SEAL's PRNG: an {@code Encryptor} built with this factory
 * makes seeded symmetric ciphertexts whose 64-byte seed SEAL expands to the same c1.
 *
 * @param type BLAKE2XB (SEAL's default) or SHAKE256
 */
public record SealPrngFactory(SealPrngType type) implements PrngFactory {
  public static final SealPrngFactory BLAKE2XB = new SealPrngFactory(SealPrngType.BLAKE2XB);

  public SealPrngFactory {
    if (type == null) {
      throw new IllegalArgumentException("a PRNG type is required");
    }
  }

  @Override
  public int seedBytes() {
    return 8 * SealPrngInfo.SEED_WORDS;
  }

  /**
   * @throws IllegalArgumentException if the seed is not 64 bytes
   */
  @Override
  public Prng create(byte[] seed) {
    return new SealPrng(SealPrngInfo.fromBytes(type, seed));
  }
}
