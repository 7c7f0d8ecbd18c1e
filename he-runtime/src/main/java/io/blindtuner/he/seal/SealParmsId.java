package io.blindtuner.he.seal;

/**
 * SEAL's parms_id: BLAKE2b-256 over the little-endian words [scheme, N, q_0 … q_{k-1}, plain
 * modulus] of one level of the modulus chain, as four 64-bit words.
 */
public record SealParmsId(long w0, long w1, long w2, long w3) {
  public static final SealParmsId ZERO = new SealParmsId(0, 0, 0, 0);

  /** The parms_id of the level whose coefficient moduli are primes. */
  public static SealParmsId of(int scheme, int degree, long[] primes, long plainModulus) {
    long[] words = new long[3 + primes.length];
    words[0] = scheme;
    words[1] = degree;
    System.arraycopy(primes, 0, words, 2, primes.length);
    words[words.length - 1] = plainModulus;
    byte[] in = new byte[8 * words.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = (byte) (words[i >>> 3] >>> (8 * (i & 7)));
    }
    byte[] h = Blake2b.hash(32, in);
    return new SealParmsId(
        Blake2b.le64(h, 0), Blake2b.le64(h, 8), Blake2b.le64(h, 16), Blake2b.le64(h, 24));
  }

  static SealParmsId read(SealInput in) {
    return new SealParmsId(
        in.u64("parms_id"), in.u64("parms_id"), in.u64("parms_id"), in.u64("parms_id"));
  }

  void write(SealOutput out) {
    out.u64(w0);
    out.u64(w1);
    out.u64(w2);
    out.u64(w3);
  }

  @Override
  public String toString() {
    return String.format("%016x %016x %016x %016x", w0, w1, w2, w3);
  }
}
