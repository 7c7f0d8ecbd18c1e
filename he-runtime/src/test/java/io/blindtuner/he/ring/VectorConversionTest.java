package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BasisConversion.convert against sum_s y_s' * (Q_S/q_s) mod m in big integers (y_s' centered),
 * with sources of the sizes in use (60-bit first prime, 40-bit data primes, 46- and 49-bit special
 * primes) into every target: run with the Vector API the targets below 2^50 take the vector kernel,
 * without it (surefire's scalar execution) the scalar one; the residues must be the same either
 * way.
 */
class VectorConversionTest {
  private static final int N = 64;

  @ParameterizedTest
  @ValueSource(strings = {"0,1", "1,2,3", "7,8", "8,9,10", "0,7,8", "3"})
  void convertMatchesBigIntegers(String sourceList) {
    long[] primes = CoeffModulus.create(N, 60, 40, 40, 40, 40, 40, 40, 46, 49, 46, 49);
    Modulus[] moduli = new Modulus[primes.length];
    for (int i = 0; i < primes.length; i++) {
      moduli[i] = new Modulus(primes[i]);
    }
    String[] parts = sourceList.split(",");
    int[] source = new int[parts.length];
    for (int s = 0; s < source.length; s++) {
      source[s] = Integer.parseInt(parts[s]);
    }
    BasisConversion conv = new BasisConversion(moduli, source);
    SplittableRandom rnd = new SplittableRandom(sourceList.hashCode());
    long[][] y = new long[source.length][N];
    for (int s = 0; s < source.length; s++) {
      long q = primes[source[s]];
      for (int x = 0; x < N; x++) {
        // The extremes of the range and both sides of q/2, then random residues.
        y[s][x] =
            x == 0
                ? 0
                : x == 1 ? q - 1 : x == 2 ? q >>> 1 : x == 3 ? (q >>> 1) + 1 : rnd.nextLong(q);
      }
    }
    BigInteger product = BigInteger.ONE;
    for (int s : source) {
      product = product.multiply(BigInteger.valueOf(primes[s]));
    }
    for (int t = 0; t < primes.length; t++) {
      long[] out = new long[N];
      conv.convert(y, t, out);
      BigInteger m = BigInteger.valueOf(primes[t]);
      for (int x = 0; x < N; x++) {
        BigInteger sum = BigInteger.ZERO;
        for (int s = 0; s < source.length; s++) {
          long q = primes[source[s]];
          long v = y[s][x];
          BigInteger centered = BigInteger.valueOf(v > q >>> 1 ? v - q : v);
          sum = sum.add(centered.multiply(product.divide(BigInteger.valueOf(q))));
        }
        assertThat(out[x])
            .as("target %d, coefficient %d", t, x)
            .isEqualTo(sum.mod(m).longValueExact());
      }
    }
  }
}
