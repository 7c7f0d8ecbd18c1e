package io.blindtuner.he.ring;

/**
 * Samplers for uniform, ternary and error polynomials, drawing all randomness from a {@link Prng}.
 *
 * <p>Errors: a discrete Gaussian with sigma = 3.2 clipped at 6 sigma (|e| &le; 19), sampled by
 * inversion of a 63-bit cumulative table with a full scan (no data-dependent early exit).
 */
public final class Samplers {
  public static final double SIGMA = 3.2;
  public static final int ERROR_BOUND = 19;

  /** CDF thresholds t[i] = floor(P(e &le; -ERROR_BOUND + i) * 2^63), i = 0 .. 2*ERROR_BOUND - 1. */
  private static final long[] CDF = gaussianTable();

  private Samplers() {}

  private static long[] gaussianTable() {
    int count = 2 * ERROR_BOUND + 1;
    double[] w = new double[count];
    double total = 0;
    for (int i = 0; i < count; i++) {
      int k = i - ERROR_BOUND;
      w[i] = Math.exp(-(double) k * k / (2 * SIGMA * SIGMA));
      total += w[i];
    }
    long[] t = new long[count - 1];
    double acc = 0;
    for (int i = 0; i < count - 1; i++) {
      acc += w[i] / total;
      t[i] = (long) Math.min(acc * 0x1p63, 0x1p63 - 1);
    }
    return t;
  }

  /**
   * SEAL's sample_poly_uniform: fills limbs 0..limbCount-1 of {@code out} with uniform residues mod
   * {@code moduli[i]}. The whole buffer is first filled with words from the stream (limb-major),
   * then each word at or above the largest multiple of q below 2^64 is replaced by fresh words
   * until it is below, and reduced mod q. The values are meant to be read as NTT-form values.
   */
  public static void uniform(Prng prng, Modulus[] moduli, long[][] out, int limbCount) {
    int n = out[0].length;
    for (int i = 0; i < limbCount; i++) {
      prng.nextLongs(out[i], 0, n);
    }
    for (int i = 0; i < limbCount; i++) {
      Modulus q = moduli[i];
      // max_multiple = 2^64 - 1 - ((2^64 - 1) mod q) - 1, compared unsigned.
      long maxMultiple = -1L - q.reduce(-1L) - 1;
      long[] limb = out[i];
      for (int j = 0; j < n; j++) {
        long r = limb[j];
        while (Long.compareUnsigned(r, maxMultiple) >= 0) {
          r = prng.nextLong();
        }
        limb[j] = q.reduce(r);
      }
    }
  }

  /** Fills {@code out} with values in {-1, 0, 1}, each with probability 1/3. */
  public static void ternary(Prng prng, int[] out) {
    int j = 0;
    while (j < out.length) {
      long word = prng.nextLong();
      for (int b = 0; b < 8 && j < out.length; b++) {
        int v = (int) (word >>> (8 * b)) & 0xFF;
        if (v < 255) {
          out[j++] = v % 3 - 1;
        }
      }
    }
  }

  /** Fills {@code out} with clipped discrete Gaussian values (sigma 3.2, |e| &le; 19). */
  public static void gaussian(Prng prng, int[] out) {
    final long[] cdf = CDF;
    for (int j = 0; j < out.length; j++) {
      long u = prng.nextLong() >>> 1;
      int idx = 0;
      for (long t : cdf) {
        idx += (int) ((t - u - 1) >>> 63); // 1 when u >= t
      }
      out[j] = idx - ERROR_BOUND;
    }
  }

  /**
   * Writes the small signed polynomial {@code v} into limbs 0..limbCount-1 of {@code out}
   * (coefficient form).
   */
  public static void toRns(int[] v, Modulus[] moduli, long[][] out, int limbCount) {
    for (int i = 0; i < limbCount; i++) {
      long q = moduli[i].value();
      long[] limb = out[i];
      for (int j = 0; j < v.length; j++) {
        long x = v[j];
        limb[j] = x < 0 ? x + q : x;
      }
    }
  }
}
