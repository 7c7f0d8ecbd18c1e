package io.blindtuner.he.seal;

/**
 * The 16-byte header in front of every SEAL object. SEAL 3.5 and later: magic 0xA15E (u16), header
 * size 0x10 (u8), version major (u8), version minor (u8), compr_mode (u8), reserved (u16), total
 * size including the header (u64). SEAL 3.4: magic (u16), 0x00 (u8), compr_mode (u8), total size
 * (u32), reserved (u64); SEAL 4.x reads it as version 3.4, and so do we.
 *
 * @param versionMajor SEAL major version that wrote the object (3 or 4)
 * @param versionMinor SEAL minor version
 * @param comprMode compression of the bytes after the header
 * @param size total size in bytes, header included
 */
public record SealHeader(int versionMajor, int versionMinor, SealComprMode comprMode, long size) {
  public static final int MAGIC = 0xA15E;
  public static final int BYTES = 16;

  /**
   * The version written: 4.1, which every SEAL 4.x reads (a SEAL reader accepts its own major
   * version with a minor up to its own), node-seal 7 and TenSEAL (SEAL 4.1) included. The wire
   * format has not changed since 4.0.
   */
  public static final int WRITE_MAJOR = 4;

  public static final int WRITE_MINOR = 1;

  /**
   * The newest minor of major 4 read: SEAL 4.4 (4.4.3 is the current release), as SEAL 4.4 itself
   * reads.
   */
  public static final int READ_MINOR = 4;

  /** What is read, for messages and {@code seal inspect}. */
  public static final String READS =
      "reads SEAL 3.4 to 3.7 and 4.0 to 4." + READ_MINOR + ", writes 4." + WRITE_MINOR;

  public SealHeader {
    if (comprMode == null || size < BYTES) {
      throw new IllegalArgumentException("a SEAL header needs a compression mode and size >= 16");
    }
  }

  /** True if the members carry SEAL 4's Ciphertext.correction_factor. */
  public boolean hasCorrectionFactor() {
    return versionMajor >= 4;
  }

  /**
   * Parses a header at off.
   *
   * @throws SealFormatException if fewer than 16 bytes remain, the magic is not 0xA15E, the header
   *     size is not 16, the version is not 3.4–3.7 or 4.0–4.4, the compression mode is unknown, or
   *     the declared size is below 16
   */
  static SealHeader parse(byte[] b, int off, int avail, String what) {
    if (avail < BYTES) {
      throw new SealFormatException(what + ": truncated SEAL header (" + avail + " of 16 bytes)");
    }
    int magic = (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    if (magic != MAGIC) {
      throw new SealFormatException(
          String.format("%s: bad SEAL magic 0x%04X (expected 0xA15E)", what, magic));
    }
    int headerSize = b[off + 2] & 0xff;
    if (headerSize == 0) {
      // SEAL 3.4 layout: zero byte, compr_mode, u32 size, u64 reserved.
      SealComprMode mode = SealComprMode.fromCode(b[off + 3] & 0xff);
      long size = Blake2b.le64(b, off + 4) & 0xffffffffL;
      checkSize(size, what);
      return new SealHeader(3, 4, mode, size);
    }
    if (headerSize != BYTES) {
      throw new SealFormatException(what + ": SEAL header size " + headerSize + " (expected 16)");
    }
    int major = b[off + 3] & 0xff;
    int minor = b[off + 4] & 0xff;
    boolean ok = (major == 4 && minor <= READ_MINOR) || (major == 3 && minor >= 4 && minor <= 7);
    if (!ok) {
      throw new SealFormatException(
          what + ": SEAL version " + major + "." + minor + " not supported (" + READS + ")");
    }
    SealComprMode mode = SealComprMode.fromCode(b[off + 5] & 0xff);
    long size = Blake2b.le64(b, off + 8);
    checkSize(size, what);
    return new SealHeader(major, minor, mode, size);
  }

  private static void checkSize(long size, String what) {
    if (size < BYTES) {
      throw new SealFormatException(
          what + ": SEAL header declares size " + Long.toUnsignedString(size) + " < 16");
    }
  }

  /** The 16 bytes of a version-4.1 header. */
  static byte[] encode(SealComprMode mode, long size) {
    byte[] h = new byte[BYTES];
    h[0] = (byte) MAGIC;
    h[1] = (byte) (MAGIC >>> 8);
    h[2] = BYTES;
    h[3] = WRITE_MAJOR;
    h[4] = WRITE_MINOR;
    h[5] = (byte) mode.code();
    for (int i = 0; i < 8; i++) {
      h[8 + i] = (byte) (size >>> (8 * i));
    }
    return h;
  }
}
