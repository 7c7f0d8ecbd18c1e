package io.blindtuner.he.seal;

/** SEAL's compr_mode_type: how the bytes after a SEALHeader are compressed. */
public enum SealComprMode {
  NONE(0),
  ZLIB(1),
  ZSTD(2);

  private final int code;

  SealComprMode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /**
   * @throws SealFormatException if the code is not 0 (none), 1 (zlib) or 2 (zstd)
   */
  public static SealComprMode fromCode(int code) {
    for (SealComprMode m : values()) {
      if (m.code == code) {
        return m;
      }
    }
    throw new SealFormatException(
        "unsupported compr_mode " + code + " (expected 0 none, 1 zlib, 2 zstd)");
  }
}
