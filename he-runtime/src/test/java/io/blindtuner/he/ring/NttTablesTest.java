package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NttTablesTest {
  @ParameterizedTest
  @CsvSource({"4, 30", "16, 40", "64, 60", "1024, 50", "8192, 60"})
  void roundTripAndLazyRanges(int n, int bits) {
    Modulus q = new Modulus(CoeffModulus.create(n, bits)[0]);
    NttTables t = new NttTables(n, q);
    SplittableRandom rnd = new SplittableRandom(n);
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextLong(q.value());
    }
    long[] b = a.clone();
    t.forward(b);
    for (long v : b) {
      assertThat(v).isBetween(0L, q.value() - 1);
    }
    t.inverse(b);
    assertThat(b).containsExactly(a);
    // Lazy forward accepts [0, 4q) and returns [0, 4q); lazy inverse returns [0, 2q).
    long[] c = new long[n];
    for (int i = 0; i < n; i++) {
      c[i] = a[i] + q.value() * rnd.nextInt(4);
    }
    t.forwardLazy(c);
    for (long v : c) {
      assertThat(v).isBetween(0L, 4 * q.value() - 1);
    }
    for (int i = 0; i < n; i++) {
      c[i] = c[i] % q.value() + q.value() * rnd.nextInt(2);
    }
    t.inverseLazy(c);
    for (int i = 0; i < n; i++) {
      assertThat(c[i]).isBetween(0L, 2 * q.value() - 1);
      assertThat(c[i] % q.value()).isEqualTo(a[i]);
    }
  }

  /** Entry k of the forward transform is a(psi^(2*bitrev(k)+1)) — SEAL's layout. */
  @Test
  void outputIsBitReversedEvaluationAtOddPowers() {
    int n = 32;
    Modulus q = new Modulus(CoeffModulus.create(n, 30)[0]);
    NttTables t = new NttTables(n, q);
    SplittableRandom rnd = new SplittableRandom(7);
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextLong(q.value());
    }
    long[] f = a.clone();
    t.forward(f);
    for (int k = 0; k < n; k++) {
      long x = q.pow(t.root(), 2L * NttTables.bitReverse(k, 5) + 1);
      long acc = 0;
      long xp = 1;
      for (int j = 0; j < n; j++) {
        acc = q.add(acc, q.mul(a[j], xp));
        xp = q.mul(xp, x);
      }
      assertThat(f[k]).as("slot %d", k).isEqualTo(acc);
    }
  }

  @ParameterizedTest
  @CsvSource({"8, 20", "64, 40", "256, 60"})
  void pointwiseProductIsNegacyclicConvolution(int n, int bits) {
    Modulus q = new Modulus(CoeffModulus.create(n, bits)[0]);
    NttTables t = new NttTables(n, q);
    SplittableRandom rnd = new SplittableRandom(bits);
    long[] a = new long[n];
    long[] b = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextLong(q.value());
      b[i] = rnd.nextLong(q.value());
    }
    long[] expected = new long[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        long p = q.mul(a[i], b[j]);
        int k = i + j;
        if (k < n) {
          expected[k] = q.add(expected[k], p);
        } else {
          expected[k - n] = q.sub(expected[k - n], p); // X^n = -1
        }
      }
    }
    long[] fa = a.clone();
    long[] fb = b.clone();
    t.forward(fa);
    t.forward(fb);
    long[] prod = new long[n];
    LimbOps.mul(fa, fb, prod, q);
    t.inverse(prod);
    assertThat(prod).containsExactly(expected);
  }

  @Test
  void rootIsTheSmallestPrimitive2nthRoot() {
    int n = 16;
    Modulus q = new Modulus(CoeffModulus.create(n, 20)[0]);
    NttTables t = new NttTables(n, q);
    long root = t.root();
    assertThat(q.pow(root, n)).isEqualTo(q.value() - 1);
    for (long x = 2; x < root; x++) {
      assertThat(q.pow(x, n)).as("smaller candidate %d", x).isNotEqualTo(q.value() - 1);
    }
  }

  @Test
  void rejectsNonNttPrimes() {
    assertThatThrownBy(() -> new NttTables(16, new Modulus(101)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("congruent to 1 mod 32");
    assertThatThrownBy(() -> new NttTables(12, new Modulus(97)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
