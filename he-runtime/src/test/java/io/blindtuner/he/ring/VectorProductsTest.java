package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector products (LimbOps.mulAccumulate, mul, mulAdd, mulScalar, mulScalarAdd) against big
 * integers, for the prime sizes they take, on ranges that are not multiples of the 8 lanes too.
 */
class VectorProductsTest {
  private static final int N = 256;

  @ParameterizedTest
  @ValueSource(ints = {30, 40, 46, 49, 50})
  void sumsOfProductsReduced(int bits) {
    Modulus m = new Modulus(CoeffModulus.create(N, bits)[0]);
    assumeTrue(LimbOps.vectorized(m), "vector kernels unavailable here");
    long q = m.value();
    SplittableRandom rnd = new SplittableRandom(bits);
    long[] out0 = new long[N];
    long[] out1 = new long[N];
    BigInteger[] sum0 = new BigInteger[N];
    BigInteger[] sum1 = new BigInteger[N];
    Arrays.fill(sum0, BigInteger.ZERO);
    Arrays.fill(sum1, BigInteger.ZERO);
    for (int digit = 0; digit < 4; digit++) {
      long[] d = new long[N];
      long[] b = new long[N];
      long[] a = new long[N];
      for (int x = 0; x < N; x++) {
        // The extremes (d up to 4q - 1, keys up to q - 1), then random values.
        d[x] = x < 2 ? 4 * q - 1 - x : rnd.nextLong(4 * q);
        b[x] = x < 4 ? q - 1 : rnd.nextLong(q);
        a[x] = x < 4 ? q - 1 - x : rnd.nextLong(q);
        sum0[x] = sum0[x].add(BigInteger.valueOf(d[x]).multiply(BigInteger.valueOf(b[x])));
        sum1[x] = sum1[x].add(BigInteger.valueOf(d[x]).multiply(BigInteger.valueOf(a[x])));
      }
      LimbOps.mulAccumulate(d, b, a, out0, out1, m, digit == 0);
      for (int x = 0; x < N; x++) {
        assertThat(out0[x]).isEqualTo(sum0[x].mod(BigInteger.valueOf(q)).longValueExact());
        assertThat(out1[x]).isEqualTo(sum1[x].mod(BigInteger.valueOf(q)).longValueExact());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {40, 49})
  void mulMulAddAndScalarsOnRanges(int bits) {
    Modulus m = new Modulus(CoeffModulus.create(N, bits)[0]);
    assumeTrue(LimbOps.vectorized(m), "vector kernels unavailable here");
    long q = m.value();
    SplittableRandom rnd = new SplittableRandom(bits);
    int n = 53;
    long[] a = new long[n];
    long[] b = new long[n];
    long[] out = new long[n];
    for (int x = 0; x < n; x++) {
      a[x] = x == 0 ? q - 1 : rnd.nextLong(q);
      b[x] = x == 0 ? q - 1 : rnd.nextLong(q);
      out[x] = rnd.nextLong(q);
    }
    long[] before = out.clone();
    LimbOps.mulAdd(a, b, out, m, 3, 50);
    for (int x = 0; x < n; x++) {
      BigInteger p = BigInteger.valueOf(a[x]).multiply(BigInteger.valueOf(b[x]));
      long expected =
          x < 3 || x >= 50
              ? before[x]
              : p.add(BigInteger.valueOf(before[x])).mod(BigInteger.valueOf(q)).longValueExact();
      assertThat(out[x]).as("mulAdd at %d", x).isEqualTo(expected);
    }
    long w = q - 2;
    long[] scaled = out.clone();
    LimbOps.mulScalarAdd(a, w, m.shoup(w), scaled, m, 0, n);
    for (int x = 0; x < n; x++) {
      BigInteger p =
          BigInteger.valueOf(a[x]).multiply(BigInteger.valueOf(w)).add(BigInteger.valueOf(out[x]));
      assertThat(scaled[x])
          .as("mulScalarAdd at %d", x)
          .isEqualTo(p.mod(BigInteger.valueOf(q)).longValueExact());
    }
    LimbOps.mulScalar(a, w, m.shoup(w), scaled, m, 2, n);
    for (int x = 2; x < n; x++) {
      BigInteger p = BigInteger.valueOf(a[x]).multiply(BigInteger.valueOf(w));
      assertThat(scaled[x])
          .as("mulScalar at %d", x)
          .isEqualTo(p.mod(BigInteger.valueOf(q)).longValueExact());
    }
    LimbOps.mul(a, b, out, m, 1, n);
    for (int x = 1; x < n; x++) {
      BigInteger p = BigInteger.valueOf(a[x]).multiply(BigInteger.valueOf(b[x]));
      assertThat(out[x])
          .as("mul at %d", x)
          .isEqualTo(p.mod(BigInteger.valueOf(q)).longValueExact());
    }
  }

  @Test
  void refusesWhatItCannotRun() {
    Modulus wide = new Modulus(CoeffModulus.create(N, 51)[0]);
    assertThat(LimbOps.vectorized(wide)).isFalse();
    long[] z = new long[N];
    assertThatThrownBy(() -> LimbOps.mulAccumulate(z, z, z, z, z, wide, true))
        .isInstanceOf(IllegalStateException.class);
  }
}
