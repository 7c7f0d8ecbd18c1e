package io.blindtuner.he.ring;

/**
 * A deterministic byte stream expanded from a seed; 64-bit words are read little-endian, as SEAL
 * does.
 */
public interface Prng {
  /** Fills dst[off, off+len) with the next bytes of the stream. */
  void nextBytes(byte[] dst, int off, int len);

  /** The next 8 bytes as a little-endian word. */
  default long nextLong() {
    byte[] b = new byte[8];
    nextBytes(b, 0, 8);
    return littleEndian(b, 0);
  }

  /** Fills dst[off, off+len) with the next 8*len bytes as little-endian words. */
  default void nextLongs(long[] dst, int off, int len) {
    byte[] b = new byte[8 * len];
    nextBytes(b, 0, b.length);
    for (int i = 0; i < len; i++) {
      dst[off + i] = littleEndian(b, 8 * i);
    }
  }

  static long littleEndian(byte[] b, int off) {
    long v = 0;
    for (int k = 7; k >= 0; k--) {
      v = (v << 8) | (b[off + k] & 0xFFL);
    }
    return v;
  }
}
