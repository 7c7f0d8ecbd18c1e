package io.blindtuner.he.seal;

import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.Samplers;

/**
 * SEAL's sample_poly_uniform: expands a PRNG stream into a polynomial uniform modulo each prime,
 * with SEAL's rejection sampling, so that a seeded ciphertext or key regenerates bit-exactly the c1
 * that SEAL computed. SEAL samples c1 directly in NTT form, so the result is NTT-form limbs.
 */
public final class SealUniformSampler {
  private SealUniformSampler() {}

  /**
   * Samples as SEAL 3.6 and later (4.x), which is the engine's {@link Samplers#uniform} fed by
   * SEAL's PRNG: first the whole k·N·8-byte buffer is filled from the stream, then each word ≥ the
   * largest multiple of q below 2^64 - 1 is replaced by fresh words drawn after the buffer; kept
   * words are reduced mod q.
   *
   * @param info the seed and PRNG type
   * @param primes the coefficient moduli of the object's level
   * @param n the polynomial degree
   * @return limbs[i][j] = coefficient j mod primes[i]
   */
  public static long[][] sample(SealPrngInfo info, long[] primes, int n) {
    return sample(info, primes, n, 4, 1);
  }

  /**
   * Samples as the SEAL version that wrote the object: 3.6+ and 4.x as {@link #sample(SealPrngInfo,
   * long[], int)}; 3.5 draws two 32-bit words per candidate (high first); 3.4 draws 63-bit
   * candidates from two 32-bit words. The 3.4/3.5 paths follow SEAL's
   * sample_poly_uniform_seal_3_4/5 and were not checked against a SEAL 3.4/3.5 build.
   */
  static long[][] sample(SealPrngInfo info, long[] primes, int n, int major, int minor) {
    SealPrng prng = new SealPrng(info);
    long[][] out = new long[primes.length][n];
    if (major > 3 || minor >= 6) {
      Modulus[] moduli = new Modulus[primes.length];
      for (int i = 0; i < primes.length; i++) {
        moduli[i] = new Modulus(primes[i]);
      }
      Samplers.uniform(prng, moduli, out, primes.length);
      return out;
    }
    // SEAL 3.4/3.5: one candidate per draw of two 32-bit words, no bulk fill.
    long maxRandom = minor == 4 ? Long.MAX_VALUE : -1L;
    for (int i = 0; i < primes.length; i++) {
      long q = primes[i];
      long maxMultiple = maxRandom - Long.remainderUnsigned(maxRandom, q) - 1;
      long[] limb = out[i];
      for (int j = 0; j < n; j++) {
        long r;
        do {
          long hi = prng.nextUint32();
          long lo = prng.nextUint32();
          r = minor == 4 ? (hi << 31) | (lo >>> 1) : (hi << 32) | lo;
        } while (Long.compareUnsigned(r, maxMultiple) >= 0);
        limb[j] = Long.remainderUnsigned(r, q);
      }
    }
    return out;
  }
}
