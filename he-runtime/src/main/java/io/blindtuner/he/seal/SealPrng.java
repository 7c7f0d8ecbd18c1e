package io.blindtuner.he.seal;

import io.blindtuner.he.ring.Prng;

/**
 * SEAL's UniformRandomGenerator for a given seed: a byte stream made of 4096-byte buffers, buffer c
 * (c = 0, 1, ...) being BLAKE2Xb(out 4096, in = c as 8 LE bytes, key = seed) or SHAKE256(seed || c
 * as 8 LE bytes). The byte stream is what sample_poly_uniform consumes, so the buffer size and
 * counter layout must match SEAL's exactly. Not thread-safe: one instance per expansion.
 */
public final class SealPrng implements Prng {
  static final int BUFFER_BYTES = 4096;

  private final SealPrngType type;
  private final byte[] seed;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private int head = BUFFER_BYTES;
  private long counter;

  public SealPrng(SealPrngInfo info) {
    this.type = info.type();
    this.seed = info.seedBytes();
  }

  @Override
  public void nextBytes(byte[] dst, int off, int len) {
    while (len > 0) {
      if (head == BUFFER_BYTES) {
        refill();
      }
      int n = Math.min(len, BUFFER_BYTES - head);
      System.arraycopy(buffer, head, dst, off, n);
      head += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public long nextLong() {
    if (BUFFER_BYTES - head >= 8) {
      long r = Blake2b.le64(buffer, head);
      head += 8;
      return r;
    }
    byte[] b = new byte[8];
    nextBytes(b, 0, 8);
    return Blake2b.le64(b, 0);
  }

  /** The next 4 bytes as a little-endian unsigned 32-bit value (SEAL's generate() of a uint32). */
  public long nextUint32() {
    byte[] b = new byte[4];
    nextBytes(b, 0, 4);
    return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
  }

  private void refill() {
    byte[] ctr = new byte[8];
    for (int i = 0; i < 8; i++) {
      ctr[i] = (byte) (counter >>> (8 * i));
    }
    if (type == SealPrngType.BLAKE2XB) {
      Blake2xb.xof(buffer, ctr, seed);
    } else {
      byte[] in = new byte[seed.length + 8];
      System.arraycopy(seed, 0, in, 0, seed.length);
      System.arraycopy(ctr, 0, in, seed.length, 8);
      Shake256.xof(buffer, in);
    }
    counter++;
    head = 0;
  }
}
