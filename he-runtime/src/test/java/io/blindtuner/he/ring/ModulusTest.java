package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModulusTest {
  private static final long[] PRIMES = {1152921504606748673L, 1099511480321L, 134215681L, 97L, 2L};

  @Test
  void reductionsAgreeWithBigInteger() {
    SplittableRandom rnd = new SplittableRandom(1);
    for (long p : PRIMES) {
      Modulus m = new Modulus(p);
      BigInteger bp = BigInteger.valueOf(p);
      for (int i = 0; i < 2000; i++) {
        long x = rnd.nextLong();
        assertThat(m.reduce(x))
            .isEqualTo(new BigInteger(Long.toUnsignedString(x)).mod(bp).longValue());
        long a = rnd.nextLong(p);
        long b = rnd.nextLong(p);
        long expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(bp).longValue();
        assertThat(m.mul(a, b)).isEqualTo(expected);
        assertThat(m.mulReduced(a, b)).isEqualTo(expected);
        if (m.bitCount() <= 60) {
          // Sum of two products (multiply's cross term) is still in reduceProduct's range.
          long c = rnd.nextLong(p);
          long d = rnd.nextLong(p);
          BigInteger sum =
              BigInteger.valueOf(a)
                  .multiply(BigInteger.valueOf(b))
                  .add(BigInteger.valueOf(c).multiply(BigInteger.valueOf(d)));
          long shi = sum.shiftRight(64).longValue();
          long slo = sum.longValue();
          assertThat(m.reduceProduct(shi, slo)).isEqualTo(sum.mod(bp).longValue());
        }
        long w = rnd.nextLong(p);
        long ws = m.shoup(w);
        long y = rnd.nextLong() >>> 1;
        long ey = BigInteger.valueOf(y).multiply(BigInteger.valueOf(w)).mod(bp).longValue();
        assertThat(m.mulShoup(y, w, ws)).isEqualTo(ey);
        // 128-bit sums of products, as the key switching accumulates them.
        long hi = rnd.nextLong(p);
        long lo = rnd.nextLong();
        BigInteger v =
            BigInteger.valueOf(hi).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo)));
        assertThat(m.reduce128(hi, lo)).isEqualTo(v.mod(bp).longValue());
      }
    }
  }

  @Test
  void inverseAndPow() {
    Modulus m = new Modulus(1099511480321L);
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 200; i++) {
      long a = 1 + rnd.nextLong(m.value() - 1);
      assertThat(m.mul(a, m.inverse(a))).isEqualTo(1);
    }
    assertThat(m.pow(3, m.value() - 1)).isEqualTo(1); // Fermat
    assertThatThrownBy(() -> m.inverse(0)).isInstanceOf(ArithmeticException.class);
  }

  @Test
  void primalityMatchesBigInteger() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < 3000; i++) {
      long c = rnd.nextLong(1L << 61) | 1;
      assertThat(Modulus.isPrime(c))
          .as("%d", c)
          .isEqualTo(BigInteger.valueOf(c).isProbablePrime(80));
    }
    // Strong pseudoprimes to several small bases must still be rejected.
    assertThat(Modulus.isPrime(3215031751L)).isFalse();
    assertThat(Modulus.isPrime(3825123056546413051L)).isFalse();
    assertThat(Modulus.isPrime(2)).isTrue();
    assertThat(Modulus.isPrime(1)).isFalse();
  }

  @Test
  void rejectsOutOfRangeModuli() {
    assertThatThrownBy(() -> new Modulus(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Modulus(1L << 61)).isInstanceOf(IllegalArgumentException.class);
  }
}
