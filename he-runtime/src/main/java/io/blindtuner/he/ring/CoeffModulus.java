package io.blindtuner.he.ring;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/** SEAL's CoeffModulus::Create: NTT-friendly primes for a ring degree and a list of bit sizes. */
public final class CoeffModulus {
  /** SEAL's SEAL_USER_MOD_BIT_COUNT_MAX. */
  public static final int MAX_BITS = 60;

  /** SEAL's SEAL_USER_MOD_BIT_COUNT_MIN. */
  public static final int MIN_BITS = 2;

  private CoeffModulus() {}

  /**
   * Primes q &equiv; 1 mod 2n, one per entry of {@code bitSizes}, exactly as SEAL 4.1 chooses them:
   * for each distinct bit size b, candidates are searched downward from 2^b - 2n + 1 in steps of 2n
   * (the largest prime first); the entries of that size then take the found primes from the last
   * found (smallest) to the first, which is SEAL's pop_back order.
   *
   * @param n ring degree, a power of two
   * @param bitSizes bit size of each prime, each in [2, 60]
   * @return the primes, in the order of {@code bitSizes}
   * @throws IllegalArgumentException if n is not a power of two &ge; 2, a bit size is out of range,
   *     or there are not enough primes of some size
   */
  public static long[] create(int n, int... bitSizes) {
    if (n < 2 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException(
          "poly modulus degree must be a power of two >= 2, got " + n);
    }
    if (bitSizes.length == 0) {
      throw new IllegalArgumentException("bit sizes must not be empty");
    }
    Map<Integer, Integer> counts = new HashMap<>();
    for (int b : bitSizes) {
      if (b < MIN_BITS || b > MAX_BITS) {
        throw new IllegalArgumentException(
            "prime bit size must be in [" + MIN_BITS + ", " + MAX_BITS + "], got " + b);
      }
      counts.merge(b, 1, Integer::sum);
    }
    long factor = 2L * n;
    Map<Integer, Deque<Long>> found = new HashMap<>();
    for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
      found.put(e.getKey(), primes(factor, e.getKey(), e.getValue()));
    }
    long[] result = new long[bitSizes.length];
    for (int i = 0; i < bitSizes.length; i++) {
      result[i] = found.get(bitSizes[i]).removeLast();
    }
    return result;
  }

  private static Deque<Long> primes(long factor, int bits, int count) {
    Deque<Long> out = new ArrayDeque<>();
    long value = ((1L << bits) - 1) / factor * factor + 1;
    long lowerBound = 1L << (bits - 1);
    int remaining = count;
    while (remaining > 0 && value > lowerBound) {
      if (Modulus.isPrime(value)) {
        out.addLast(value);
        remaining--;
      }
      value -= factor;
    }
    if (remaining > 0) {
      throw new IllegalArgumentException(
          "not enough "
              + bits
              + "-bit primes congruent to 1 mod "
              + factor
              + " (needed "
              + count
              + ")");
    }
    return out;
  }
}
