package io.blindtuner.he.seal;

/**
 * SHAKE256 (FIPS 202) on Keccak-f[1600]: absorb the whole input, then squeeze any number of bytes.
 * The JDK has no public SHAKE API, and SEAL's Shake256PRNG needs it.
 */
final class Shake256 {
  private static final int RATE = 136;
  private static final long[] RC = {
    0x0000000000000001L, 0x0000000000008082L, 0x800000000000808aL, 0x8000000080008000L,
    0x000000000000808bL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
    0x000000000000008aL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000aL,
    0x000000008000808bL, 0x800000000000008bL, 0x8000000000008089L, 0x8000000000008003L,
    0x8000000000008002L, 0x8000000000000080L, 0x000000000000800aL, 0x800000008000000aL,
    0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L
  };
  private static final int[] ROT = {
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14
  };

  private Shake256() {}

  /** Writes {@code out.length} bytes of SHAKE256(in) into out. */
  static void xof(byte[] out, byte[] in) {
    long[] s = new long[25];
    int off = 0;
    for (; in.length - off >= RATE; off += RATE) {
      absorb(s, in, off, RATE);
      permute(s);
    }
    byte[] last = new byte[RATE];
    int rem = in.length - off;
    System.arraycopy(in, off, last, 0, rem);
    last[rem] ^= 0x1f; // SHAKE domain separation and first pad bit
    last[RATE - 1] ^= (byte) 0x80;
    absorb(s, last, 0, RATE);
    permute(s);
    for (int pos = 0; pos < out.length; ) {
      int n = Math.min(RATE, out.length - pos);
      for (int i = 0; i < n; i++) {
        out[pos + i] = (byte) (s[i >>> 3] >>> (8 * (i & 7)));
      }
      pos += n;
      if (pos < out.length) {
        permute(s);
      }
    }
  }

  private static void absorb(long[] s, byte[] b, int off, int len) {
    for (int i = 0; i < len / 8; i++) {
      s[i] ^= Blake2b.le64(b, off + 8 * i);
    }
  }

  private static void permute(long[] a) {
    long[] c = new long[5];
    long[] b = new long[25];
    for (int round = 0; round < 24; round++) {
      for (int x = 0; x < 5; x++) {
        c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
      }
      for (int x = 0; x < 5; x++) {
        long d = c[(x + 4) % 5] ^ Long.rotateLeft(c[(x + 1) % 5], 1);
        for (int y = 0; y < 25; y += 5) {
          a[y + x] ^= d;
        }
      }
      for (int x = 0; x < 5; x++) {
        for (int y = 0; y < 5; y++) {
          int i = x + 5 * y;
          b[y + 5 * ((2 * x + 3 * y) % 5)] = Long.rotateLeft(a[i], ROT[i]);
        }
      }
      for (int y = 0; y < 25; y += 5) {
        for (int x = 0; x < 5; x++) {
          a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
        }
      }
      a[0] ^= RC[round];
    }
  }
}
