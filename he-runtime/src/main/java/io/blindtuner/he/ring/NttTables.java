package io.blindtuner.he.ring;

import java.util.concurrent.atomic.LongAdder;

/**
 * SEAL's negacyclic NTT mod a prime q &equiv; 1 mod 2n (ntt_negacyclic_harvey).
 *
 * <p>psi is the smallest primitive 2n-th root of unity mod q (SEAL's try_minimal_primitive_root).
 * Forward transform: Cooley-Tukey in place with powers psi^bitrev(i), output in bit-reversed order,
 * so entry k holds a(psi^(2*bitrev(k)+1)) — the layout SEAL stores on the wire. Inverse:
 * Gentleman-Sande with inverse powers, the factor n^-1 folded into the last stage. Butterflies are
 * Harvey's lazy ones with Shoup constants: the forward keeps values in [0, 4q), the inverse in [0,
 * 2q); the non-lazy entry points reduce to [0, q). Primes are at most 60 bits, so lazy values stay
 * below 2^62 and Shoup constants are taken at 2^63 (no unsigned correction in the butterfly).
 *
 * <p>Primes below 2^50 run the same transforms on 8-lane vectors ({@link VectorNtt}) when the JVM
 * has jdk.incubator.vector ({@code --add-modules jdk.incubator.vector}) and the hardware has
 * AVX-512; otherwise, and for wider primes, the scalar code here runs. Both give the same residues
 * (the vector one is reduced further, within the same lazy ranges).
 */
public final class NttTables {
  private final int n;
  private final int logN;
  private final Modulus modulus;
  private final long root;

  /** rootPowers[bitrev(i)] = psi^i. */
  private final long[] rootPowers;

  private final long[] rootPowersShoup;

  /** invRootPowers[bitrev(i)] = psi^-i. */
  private final long[] invRootPowers;

  private final long[] invRootPowersShoup;
  private final long nInv;
  private final long nInvShoup;

  /** psi^-1 * n^-1 for the merged last inverse stage. */
  private final long lastInv;

  private final long lastInvShoup;

  /**
   * Transforms run with these tables: what a layout of key switching costs is counted, not
   * estimated.
   */
  private final LongAdder transforms = new LongAdder();

  /** The vector kernels of these tables, or null where the scalar ones run. */
  private final VectorNtt vector;

  /**
   * Tables that run the vector kernels wherever they can.
   *
   * @throws IllegalArgumentException if n is not a power of two &ge; 2, or q is not a prime &equiv;
   *     1 mod 2n
   */
  public NttTables(int n, Modulus modulus) {
    this(n, modulus, true);
  }

  /**
   * @param vector whether to run the vector kernels where they can run (false: always the scalar
   *     ones, to compare)
   * @throws IllegalArgumentException if n is not a power of two &ge; 2, or q is not a prime &equiv;
   *     1 mod 2n
   */
  public NttTables(int n, Modulus modulus, boolean vector) {
    if (n < 2 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("NTT size must be a power of two >= 2, got " + n);
    }
    long q = modulus.value();
    if ((q - 1) % (2L * n) != 0 || !Modulus.isPrime(q)) {
      throw new IllegalArgumentException(
          "modulus " + q + " is not a prime congruent to 1 mod " + 2L * n);
    }
    if (modulus.bitCount() > CoeffModulus.MAX_BITS) {
      throw new IllegalArgumentException(
          "modulus " + q + " exceeds " + CoeffModulus.MAX_BITS + " bits");
    }
    this.n = n;
    this.logN = Integer.numberOfTrailingZeros(n);
    this.modulus = modulus;
    this.root = minimalPrimitiveRoot(2L * n, modulus);
    long inv = modulus.inverse(root);
    rootPowers = new long[n];
    rootPowersShoup = new long[n];
    invRootPowers = new long[n];
    invRootPowersShoup = new long[n];
    long p = 1;
    long ip = 1;
    for (int i = 0; i < n; i++) {
      int r = bitReverse(i, logN);
      rootPowers[r] = p;
      rootPowersShoup[r] = shoup63(p, q);
      invRootPowers[r] = ip;
      invRootPowersShoup[r] = shoup63(ip, q);
      p = modulus.mul(p, root);
      ip = modulus.mul(ip, inv);
    }
    nInv = modulus.inverse(n);
    nInvShoup = shoup63(nInv, q);
    lastInv = modulus.mul(invRootPowers[1], nInv);
    lastInvShoup = shoup63(lastInv, q);
    this.vector =
        vector && VectorKernels.AVAILABLE && n >= 16 && q < VectorKernels.MAX_MODULUS
            ? new VectorNtt(n, q, rootPowers, invRootPowers, nInv, lastInv)
            : null;
  }

  /** Whether these tables run the vector kernels. */
  public boolean vectorized() {
    return vector != null;
  }

  /**
   * floor(w * 2^63 / q): with y &lt; 2^62, y*w - mulhi(2y, that)*q lies in [0, 2q) (one op cheaper
   * than 2^64).
   */
  private static long shoup63(long w, long q) {
    return java.math.BigInteger.valueOf(w)
        .shiftLeft(63)
        .divide(java.math.BigInteger.valueOf(q))
        .longValue();
  }

  /** Smallest primitive m-th root of unity mod a prime q (m a power of two dividing q - 1). */
  static long minimalPrimitiveRoot(long m, Modulus modulus) {
    long q = modulus.value();
    long exponent = (q - 1) / m;
    long generator = -1;
    for (long x = 2; x < q; x++) {
      long r = modulus.pow(x, exponent);
      if (modulus.pow(r, m / 2) == q - 1) {
        generator = r;
        break;
      }
    }
    if (generator < 0) {
      throw new IllegalArgumentException("no primitive " + m + "-th root of unity mod " + q);
    }
    // All primitive m-th roots are the odd powers of one of them.
    long sq = modulus.mul(generator, generator);
    long best = generator;
    long cur = generator;
    for (long i = 0; i < m / 2; i++) {
      if (cur < best) {
        best = cur;
      }
      cur = modulus.mul(cur, sq);
    }
    return best;
  }

  public static int bitReverse(int x, int bits) {
    return bits == 0 ? 0 : Integer.reverse(x) >>> (32 - bits);
  }

  public int n() {
    return n;
  }

  public Modulus modulus() {
    return modulus;
  }

  /** Number of forward and inverse transforms run with these tables so far (all threads). */
  public long transformCount() {
    return transforms.sum();
  }

  /** The primitive 2n-th root psi used by the transform. */
  public long root() {
    return root;
  }

  /** Forward NTT, input in [0, 4q), output in [0, q). */
  public void forward(long[] a) {
    forwardLazy(a);
    if (vector != null) {
      vector.reduce(a);
      return;
    }
    long q = modulus.value();
    long twoQ = 2 * q;
    for (int i = 0; i < n; i++) {
      long x = a[i];
      if (x >= twoQ) {
        x -= twoQ;
      }
      if (x >= q) {
        x -= q;
      }
      a[i] = x;
    }
  }

  /**
   * Forward NTT, input in [0, 4q), output in [0, 4q). Radix-4 passes (two stages per sweep of the
   * array).
   */
  public void forwardLazy(long[] a) {
    transforms.increment();
    if (vector != null) {
      vector.forwardLazy(a);
      return;
    }
    final long q = modulus.value();
    final long twoQ = 2 * q;
    final long[] rp = rootPowers;
    final long[] rps = rootPowersShoup;
    int t = n;
    int m = 1;
    if ((logN & 1) == 1) {
      // One radix-2 stage first so that the rest pairs up.
      t >>= 1;
      final long w = rp[1];
      final long ws = rps[1];
      for (int j = 0; j < t; j++) {
        long x = a[j];
        if (x >= twoQ) {
          x -= twoQ;
        }
        long y = a[j + t];
        long u = y * w - Math.multiplyHigh(y << 1, ws) * q;
        a[j] = x + u;
        a[j + t] = x - u + twoQ;
      }
      m = 2;
    }
    for (; m < n; m <<= 2) {
      final int t4 = t >> 2;
      for (int i = 0; i < m; i++) {
        final long w1 = rp[m + i];
        final long w1s = rps[m + i];
        final int k = 2 * (m + i);
        final long w2 = rp[k];
        final long w2s = rps[k];
        final long w3 = rp[k + 1];
        final long w3s = rps[k + 1];
        final int j0 = i * t;
        final int j1 = j0 + t4;
        for (int j = j0; j < j1; j++) {
          long x0 = a[j];
          long x1 = a[j + t4];
          long x2 = a[j + 2 * t4];
          long x3 = a[j + 3 * t4];
          if (x0 >= twoQ) {
            x0 -= twoQ;
          }
          if (x1 >= twoQ) {
            x1 -= twoQ;
          }
          long u2 = x2 * w1 - Math.multiplyHigh(x2 << 1, w1s) * q;
          long u3 = x3 * w1 - Math.multiplyHigh(x3 << 1, w1s) * q;
          long y0 = x0 + u2;
          long y2 = x0 - u2 + twoQ;
          long y1 = x1 + u3;
          long y3 = x1 - u3 + twoQ;
          if (y0 >= twoQ) {
            y0 -= twoQ;
          }
          if (y2 >= twoQ) {
            y2 -= twoQ;
          }
          long v1 = y1 * w2 - Math.multiplyHigh(y1 << 1, w2s) * q;
          long v3 = y3 * w3 - Math.multiplyHigh(y3 << 1, w3s) * q;
          a[j] = y0 + v1;
          a[j + t4] = y0 - v1 + twoQ;
          a[j + 2 * t4] = y2 + v3;
          a[j + 3 * t4] = y2 - v3 + twoQ;
        }
      }
      t = t4;
    }
  }

  /** Inverse NTT, input in [0, 2q), output in [0, q). */
  public void inverse(long[] a) {
    inverseLazy(a);
    if (vector != null) {
      vector.reduce(a);
      return;
    }
    long q = modulus.value();
    for (int i = 0; i < n; i++) {
      long x = a[i];
      a[i] = x >= q ? x - q : x;
    }
  }

  /** Inverse NTT, input in [0, 2q), output in [0, 2q). */
  public void inverseLazy(long[] a) {
    transforms.increment();
    if (vector != null) {
      vector.inverseLazy(a);
      return;
    }
    final long q = modulus.value();
    final long twoQ = 2 * q;
    final long[] rp = invRootPowers;
    final long[] rps = invRootPowersShoup;
    int t = 1;
    int m = n >> 1;
    if (m > 1) {
      // t = 1: butterflies on adjacent pairs.
      for (int i = 0; i < m; i++) {
        final long w = rp[m + i];
        final long ws = rps[m + i];
        final int j = 2 * i;
        long x = a[j];
        long y = a[j + 1];
        long s = x + y;
        if (s >= twoQ) {
          s -= twoQ;
        }
        long d = x - y + twoQ;
        a[j] = s;
        a[j + 1] = d * w - Math.multiplyHigh(d << 1, ws) * q;
      }
      t = 2;
      m >>= 1;
    }
    if (m > 1) {
      // t = 2: two butterflies per twiddle.
      for (int i = 0; i < m; i++) {
        final long w = rp[m + i];
        final long ws = rps[m + i];
        final int j = 4 * i;
        long x0 = a[j];
        long x1 = a[j + 1];
        long y0 = a[j + 2];
        long y1 = a[j + 3];
        long s0 = x0 + y0;
        if (s0 >= twoQ) {
          s0 -= twoQ;
        }
        long s1 = x1 + y1;
        if (s1 >= twoQ) {
          s1 -= twoQ;
        }
        long d0 = x0 - y0 + twoQ;
        long d1 = x1 - y1 + twoQ;
        a[j] = s0;
        a[j + 1] = s1;
        a[j + 2] = d0 * w - Math.multiplyHigh(d0 << 1, ws) * q;
        a[j + 3] = d1 * w - Math.multiplyHigh(d1 << 1, ws) * q;
      }
      t = 4;
      m >>= 1;
    }
    for (; m > 1; m >>= 1) {
      for (int i = 0; i < m; i++) {
        final long w = rp[m + i];
        final long ws = rps[m + i];
        final int j1 = 2 * i * t;
        final int j2 = j1 + t;
        for (int j = j1; j < j2; j++) {
          long x = a[j];
          long y = a[j + t];
          long s = x + y;
          if (s >= twoQ) {
            s -= twoQ;
          }
          long d = x - y + twoQ;
          a[j] = s;
          a[j + t] = d * w - Math.multiplyHigh(d << 1, ws) * q;
        }
      }
      t <<= 1;
    }
    // Last stage (m = 1, t = n/2) merged with the scaling by n^-1.
    final int half = n >> 1;
    final long ni = nInv;
    final long nis = nInvShoup;
    final long li = lastInv;
    final long lis = lastInvShoup;
    for (int j = 0; j < half; j++) {
      long x = a[j];
      long y = a[j + half];
      long s = x + y;
      long d = x - y + twoQ;
      a[j] = s * ni - Math.multiplyHigh(s << 1, nis) * q;
      a[j + half] = d * li - Math.multiplyHigh(d << 1, lis) * q;
    }
  }
}
