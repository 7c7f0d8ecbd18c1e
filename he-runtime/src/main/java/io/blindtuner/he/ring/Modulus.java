package io.blindtuner.he.ring;

import java.math.BigInteger;

/**
 * A word-size modulus q (2 &le; q &lt; 2^61) with Barrett and Shoup helpers.
 *
 * <p>Residues are kept as non-negative {@code long}s. Because q &lt; 2^61, lazy values up to 4q
 * still fit in a signed long, which lets the NTT and the lazy accumulators use plain signed
 * comparisons.
 */
public final class Modulus {
  /**
   * Largest supported bit length of a modulus (SEAL's user limit is 60 bits; one more bit of
   * headroom here).
   */
  public static final int MAX_BITS = 61;

  private final long value;
  private final int bitCount;

  /** floor(2^128 / q) shifted right by 64, the Barrett constant of reduce. */
  private final long ratio1;

  /**
   * Barrett for products of residues: shift s = bitCount - 2 and mu = floor(2^(64+s) / q) &lt;
   * 2^63.
   */
  private final int productShift;

  /** 2^64 mod q and its Shoup constant, for reduce128. */
  private final long pow64;

  private final long pow64Shoup;
  private final long productMu;

  /**
   * @param value the modulus
   * @throws IllegalArgumentException if value &lt; 2 or value &ge; 2^61
   */
  public Modulus(long value) {
    if (value < 2 || 64 - Long.numberOfLeadingZeros(value) > MAX_BITS) {
      throw new IllegalArgumentException("modulus must be in [2, 2^61), got " + value);
    }
    this.value = value;
    this.bitCount = 64 - Long.numberOfLeadingZeros(value);
    BigInteger r = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(value));
    this.ratio1 = r.shiftRight(64).longValue();
    this.pow64 = BigInteger.ONE.shiftLeft(64).mod(BigInteger.valueOf(value)).longValue();
    this.pow64Shoup =
        BigInteger.valueOf(pow64).shiftLeft(64).divide(BigInteger.valueOf(value)).longValue();
    this.productShift = bitCount - 2;
    this.productMu =
        productShift < 1
            ? 0
            : BigInteger.ONE
                .shiftLeft(64 + productShift)
                .divide(BigInteger.valueOf(value))
                .longValue();
  }

  public long value() {
    return value;
  }

  public int bitCount() {
    return bitCount;
  }

  /** High word of the unsigned 128-bit product a*b. */
  public static long mulHiUnsigned(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  /** x mod q for any unsigned 64-bit x (SEAL barrett_reduce_64). */
  public long reduce(long x) {
    long r = x - mulHiUnsigned(x, ratio1) * value;
    return r >= value ? r - value : r;
  }

  /**
   * (hi*2^64 + lo) mod q for any unsigned 128-bit value: hi*(2^64 mod q) by Shoup plus lo by
   * Barrett, four multiplications.
   */
  public long reduce128(long hi, long lo) {
    long t = hi * pow64 - mulHiUnsigned(hi, pow64Shoup) * value;
    long r = t + reduce(lo);
    if (r >= value) {
      r -= value;
    }
    if (r >= value) {
      r -= value;
    }
    return r;
  }

  /**
   * (hi*2^64 + lo) mod q for a value below 2^(bitCount + 61): a product of two residues, or the sum
   * of two such products when q has at most 60 bits. Four multiplications instead of reduce128's
   * nine: the value is shifted right by bitCount - 2 so that one 64x64 high product with
   * floor(2^(62+bitCount)/q) estimates the quotient to within 2.
   */
  public long reduceProduct(long hi, long lo) {
    int s = productShift;
    if (s < 1) {
      return reduce128(hi, lo);
    }
    long x1 = (hi << (64 - s)) | (lo >>> s);
    long r = lo - Math.multiplyHigh(x1, productMu) * value;
    if (r >= value) {
      r -= value;
    }
    if (r >= value) {
      r -= value;
    }
    return r;
  }

  /** a*b mod q for residues a, b in [0, q). */
  public long mulReduced(long a, long b) {
    return reduceProduct(Math.multiplyHigh(a, b), a * b);
  }

  /** a*b mod q for a, b &lt; 2^63 with a*b/q &lt; 2^64. */
  public long mul(long a, long b) {
    return reduce128(Math.multiplyHigh(a, b), a * b);
  }

  public long add(long a, long b) {
    long s = a + b;
    return s >= value ? s - value : s;
  }

  public long sub(long a, long b) {
    long d = a - b;
    return d < 0 ? d + value : d;
  }

  public long negate(long a) {
    return a == 0 ? 0 : value - a;
  }

  /** Shoup precomputation floor(w * 2^64 / q) for a constant w &lt; q. */
  public long shoup(long w) {
    return BigInteger.valueOf(w).shiftLeft(64).divide(BigInteger.valueOf(value)).longValue();
  }

  /** x*w mod q in [0, q) for any unsigned x, given wShoup = shoup(w). */
  public long mulShoup(long x, long w, long wShoup) {
    long r = x * w - mulHiUnsigned(x, wShoup) * value;
    return r >= value ? r - value : r;
  }

  public long pow(long base, long exponent) {
    long result = 1 % value;
    long b = reduce(base);
    long e = exponent;
    while (e > 0) {
      if ((e & 1) != 0) {
        result = mul(result, b);
      }
      b = mul(b, b);
      e >>>= 1;
    }
    return result;
  }

  /**
   * Inverse of a mod q, q prime.
   *
   * @throws ArithmeticException if a is 0 mod q
   */
  public long inverse(long a) {
    long r = reduce(a);
    if (r == 0) {
      throw new ArithmeticException("0 has no inverse mod " + value);
    }
    return pow(r, value - 2);
  }

  /** Deterministic Miller-Rabin for 64-bit candidates (bases 2..37 suffice below 3.3*10^24). */
  public static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    long[] small = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    for (long p : small) {
      if (n % p == 0) {
        return n == p;
      }
    }
    if (64 - Long.numberOfLeadingZeros(n) > MAX_BITS) {
      return BigInteger.valueOf(n).isProbablePrime(64);
    }
    Modulus m = new Modulus(n);
    long d = n - 1;
    int s = Long.numberOfTrailingZeros(d);
    d >>>= s;
    for (long a : small) {
      long x = m.pow(a, d);
      if (x == 1 || x == n - 1) {
        continue;
      }
      boolean composite = true;
      for (int r = 1; r < s; r++) {
        x = m.mul(x, x);
        if (x == n - 1) {
          composite = false;
          break;
        }
      }
      if (composite) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Modulus m && m.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
