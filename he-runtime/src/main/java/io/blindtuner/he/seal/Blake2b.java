package io.blindtuner.he.seal;

import java.util.Arrays;

/**
 * BLAKE2b (RFC 7693) with a full 64-byte parameter block, so that BLAKE2Xb nodes and SEAL's
 * parms_id hash can be built on it. Not thread-safe; one instance hashes one message.
 */
final class Blake2b {
  static final int BLOCK_BYTES = 128;
  static final int MAX_OUT_BYTES = 64;
  static final int PARAM_BYTES = 64;

  private static final long[] IV = {
    0x6a09e667f3bcc908L, 0xbb67ae8584caa73bL, 0x3c6ef372fe94f82bL, 0xa54ff53a5f1d36f1L,
    0x510e527fade682d1L, 0x9b05688c2b3e6c1fL, 0x1f83d9abfb41bd6bL, 0x5be0cd19137e2179L
  };

  private static final byte[][] SIGMA = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0}
  };

  private final long[] h = new long[8];
  private final long[] m = new long[16];
  private final long[] v = new long[16];
  private final byte[] buf = new byte[BLOCK_BYTES];
  private final int outLen;
  private int bufLen;
  private long t0;
  private long t1;

  /** Plain BLAKE2b with the given digest length (1..64) and optional key (0..64 bytes). */
  Blake2b(int outLen, byte[] key) {
    this(paramBlock(outLen, key == null ? 0 : key.length), key);
  }

  /**
   * BLAKE2b from an explicit parameter block (digest length in byte 0, key length in byte 1).
   *
   * @throws IllegalArgumentException if the block or key length is invalid
   */
  Blake2b(byte[] param, byte[] key) {
    if (param.length != PARAM_BYTES) {
      throw new IllegalArgumentException("BLAKE2b parameter block must be 64 bytes");
    }
    outLen = param[0] & 0xff;
    int keyLen = param[1] & 0xff;
    if (outLen < 1
        || outLen > MAX_OUT_BYTES
        || keyLen > MAX_OUT_BYTES
        || keyLen != (key == null ? 0 : key.length)) {
      throw new IllegalArgumentException("BLAKE2b digest or key length invalid");
    }
    for (int i = 0; i < 8; i++) {
      h[i] = IV[i] ^ le64(param, 8 * i);
    }
    if (keyLen > 0) {
      byte[] block = new byte[BLOCK_BYTES];
      System.arraycopy(key, 0, block, 0, keyLen);
      update(block, 0, BLOCK_BYTES);
      Arrays.fill(block, (byte) 0);
    }
  }

  static byte[] paramBlock(int outLen, int keyLen) {
    byte[] p = new byte[PARAM_BYTES];
    p[0] = (byte) outLen;
    p[1] = (byte) keyLen;
    p[2] = 1; // fanout
    p[3] = 1; // depth
    return p;
  }

  /** One-shot unkeyed BLAKE2b. */
  static byte[] hash(int outLen, byte[] in) {
    Blake2b b = new Blake2b(outLen, null);
    b.update(in, 0, in.length);
    return b.digest();
  }

  void update(byte[] in, int off, int len) {
    while (len > 0) {
      if (bufLen == BLOCK_BYTES) {
        // Only compress a full buffer once more input arrives: the last block is compressed in
        // digest().
        increment(BLOCK_BYTES);
        compress(buf, 0, false);
        bufLen = 0;
      }
      int n = Math.min(len, BLOCK_BYTES - bufLen);
      System.arraycopy(in, off, buf, bufLen, n);
      bufLen += n;
      off += n;
      len -= n;
    }
  }

  byte[] digest() {
    increment(bufLen);
    Arrays.fill(buf, bufLen, BLOCK_BYTES, (byte) 0);
    compress(buf, 0, true);
    byte[] out = new byte[outLen];
    for (int i = 0; i < outLen; i++) {
      out[i] = (byte) (h[i >>> 3] >>> (8 * (i & 7)));
    }
    return out;
  }

  private void increment(int n) {
    t0 += n;
    if (Long.compareUnsigned(t0, n) < 0) {
      t1++;
    }
  }

  private void compress(byte[] block, int off, boolean last) {
    for (int i = 0; i < 16; i++) {
      m[i] = le64(block, off + 8 * i);
    }
    System.arraycopy(h, 0, v, 0, 8);
    System.arraycopy(IV, 0, v, 8, 8);
    v[12] ^= t0;
    v[13] ^= t1;
    if (last) {
      v[14] = ~v[14];
    }
    for (int r = 0; r < 12; r++) {
      byte[] s = SIGMA[r % 10];
      g(0, 4, 8, 12, m[s[0]], m[s[1]]);
      g(1, 5, 9, 13, m[s[2]], m[s[3]]);
      g(2, 6, 10, 14, m[s[4]], m[s[5]]);
      g(3, 7, 11, 15, m[s[6]], m[s[7]]);
      g(0, 5, 10, 15, m[s[8]], m[s[9]]);
      g(1, 6, 11, 12, m[s[10]], m[s[11]]);
      g(2, 7, 8, 13, m[s[12]], m[s[13]]);
      g(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) {
      h[i] ^= v[i] ^ v[i + 8];
    }
  }

  private void g(int a, int b, int c, int d, long x, long y) {
    v[a] = v[a] + v[b] + x;
    v[d] = Long.rotateRight(v[d] ^ v[a], 32);
    v[c] = v[c] + v[d];
    v[b] = Long.rotateRight(v[b] ^ v[c], 24);
    v[a] = v[a] + v[b] + y;
    v[d] = Long.rotateRight(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];
    v[b] = Long.rotateRight(v[b] ^ v[c], 63);
  }

  static long le64(byte[] b, int off) {
    long r = 0;
    for (int i = 7; i >= 0; i--) {
      r = (r << 8) | (b[off + i] & 0xffL);
    }
    return r;
  }

  static void putLe32(byte[] b, int off, int x) {
    for (int i = 0; i < 4; i++) {
      b[off + i] = (byte) (x >>> (8 * i));
    }
  }
}
