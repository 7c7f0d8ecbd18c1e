package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector kernels against the scalar ones on random lazy inputs, for the prime sizes in use
 * (40-bit data primes, the hybrid layouts' 46- and 49-bit special primes) and the widest they take.
 * Runs where the vector kernels can run (the default surefire execution passes --add-modules
 * jdk.incubator.vector); the scalar execution checks that they are then off.
 */
class VectorNttTest {
  @ParameterizedTest
  @CsvSource({
    "16, 40",
    "32, 49",
    "64, 30",
    "1024, 46",
    "8192, 40",
    "16384, 40",
    "16384, 46",
    "16384, 49",
    "16384, 50",
    "32768, 49"
  })
  void sameResiduesAsScalarWithinTheLazyRanges(int n, int bits) {
    Modulus q = new Modulus(CoeffModulus.create(n, bits)[0]);
    NttTables vector = new NttTables(n, q);
    assumeTrue(vector.vectorized(), "vector kernels unavailable here");
    NttTables scalar = new NttTables(n, q, false);
    long qv = q.value();
    SplittableRandom rnd = new SplittableRandom(n * 61L + bits);
    for (int round = 0; round < 3; round++) {
      // Forward takes [0, 4q), with the extremes present.
      long[] a = random(rnd, n, 4 * qv);
      a[0] = 4 * qv - 1;
      a[n - 1] = 0;
      long[] expected = a.clone();
      scalar.forwardLazy(expected);
      vector.forwardLazy(a);
      for (int i = 0; i < n; i++) {
        assertThat(a[i]).isBetween(0L, 4 * qv - 1);
        assertThat(a[i] % qv).isEqualTo(expected[i] % qv);
      }
      // Inverse takes [0, 2q).
      long[] b = random(rnd, n, 2 * qv);
      b[0] = 2 * qv - 1;
      long[] inverseExpected = b.clone();
      scalar.inverseLazy(inverseExpected);
      vector.inverseLazy(b);
      for (int i = 0; i < n; i++) {
        assertThat(b[i]).isBetween(0L, 2 * qv - 1);
        assertThat(b[i] % qv).isEqualTo(inverseExpected[i] % qv);
      }
      // The reducing entry points are bit-identical.
      long[] c = random(rnd, n, qv);
      long[] d = c.clone();
      scalar.forward(c);
      vector.forward(d);
      assertThat(d).containsExactly(c);
      scalar.inverse(c);
      vector.inverse(d);
      assertThat(d).containsExactly(c);
    }
  }

  @Test
  void widerPrimesAndTinyRingsStayScalar() {
    assertThat(new NttTables(16384, new Modulus(CoeffModulus.create(16384, 51)[0])).vectorized())
        .isFalse();
    assertThat(new NttTables(16384, new Modulus(CoeffModulus.create(16384, 60)[0])).vectorized())
        .isFalse();
    assertThat(new NttTables(8, new Modulus(CoeffModulus.create(8, 40)[0])).vectorized()).isFalse();
  }

  /**
   * Without the module (surefire's scalar execution) nothing is vectorized, and VectorNtt is never
   * loaded.
   */
  @Test
  void scalarWithoutTheModule() {
    assumeTrue(!VectorKernels.MODULE, "runs in the execution without jdk.incubator.vector");
    assertThat(new NttTables(16384, new Modulus(CoeffModulus.create(16384, 40)[0])).vectorized())
        .isFalse();
  }

  private static long[] random(SplittableRandom rnd, int n, long bound) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextLong(bound);
    }
    return a;
  }
}
