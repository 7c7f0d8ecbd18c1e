package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class CoeffModulusTest {
  /**
   * Values printed by SEAL 4.1.2 (node-seal 7.0.0): seal.CoeffModulus.Create(n,
   * Int32Array.from(bits)).
   */
  @Test
  void matchesSeal() {
    assertThat(CoeffModulus.create(8192, 60, 40, 40, 60))
        .containsExactly(
            1152921504606748673L, 1099510890497L, 1099511480321L, 1152921504606830593L);
    assertThat(CoeffModulus.create(16384, 60, 40, 40, 40, 40, 40, 40, 60))
        .containsExactly(
            1152921504606683137L,
            1099505827841L,
            1099506352129L,
            1099506515969L,
            1099507695617L,
            1099508121601L,
            1099510054913L,
            1152921504606748673L);
    assertThat(CoeffModulus.create(1024, 27)).containsExactly(134215681L);
    assertThat(CoeffModulus.create(4096, 36, 36, 37))
        .containsExactly(68719230977L, 68719403009L, 137438822401L);
    assertThat(CoeffModulus.create(32, 30, 30, 30))
        .containsExactly(1073739649L, 1073740609L, 1073741441L);
  }

  @Test
  void primesAreNttFriendlyAndTheLargestOfTheirSize() {
    int n = 2048;
    int[] bits = {50, 30, 30, 50, 45};
    long[] primes = CoeffModulus.create(n, bits);
    for (int i = 0; i < primes.length; i++) {
      long p = primes[i];
      assertThat(BigInteger.valueOf(p).isProbablePrime(80)).isTrue();
      assertThat(p % (2L * n)).isEqualTo(1);
      assertThat(64 - Long.numberOfLeadingZeros(p)).isEqualTo(bits[i]);
    }
    assertThat(primes).doesNotHaveDuplicates();
    // Only one 45-bit prime requested: it is the largest candidate below 2^45 that is prime.
    long p45 = primes[4];
    for (long c = p45 + 2L * n; c < (1L << 45); c += 2L * n) {
      assertThat(BigInteger.valueOf(c).isProbablePrime(80)).isFalse();
    }
    // Same-size primes: the later entry gets the larger prime (SEAL's pop_back order).
    assertThat(primes[0]).isLessThan(primes[3]);
    assertThat(primes[1]).isLessThan(primes[2]);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> CoeffModulus.create(1000, 40))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("power of two");
    assertThatThrownBy(() -> CoeffModulus.create(1024, 61))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("61");
    assertThatThrownBy(() -> CoeffModulus.create(1024, 10, 10, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not enough");
  }
}
