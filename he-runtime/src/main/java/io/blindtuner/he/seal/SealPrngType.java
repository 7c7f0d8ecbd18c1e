package io.blindtuner.he.seal;

/** SEAL's prng_type: which expansion function turns a 64-byte seed into uniform randomness. */
public enum SealPrngType {
  BLAKE2XB(1),
  SHAKE256(2);

  private final int code;

  SealPrngType(int code) {
    this.code = code;
  }

  /** The byte SEAL writes for this type. */
  public int code() {
    return code;
  }

  /**
   * @throws SealFormatException if the code is not blake2xb (1) or shake256 (2); SEAL's "unknown"
   *     (0) cannot expand a seed either
   */
  public static SealPrngType fromCode(int code) {
    for (SealPrngType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new SealFormatException(
        "unsupported prng_type " + code + " (expected 1 = blake2xb or 2 = shake256)");
  }
}
