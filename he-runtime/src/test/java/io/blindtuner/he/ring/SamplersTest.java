package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class SamplersTest {
  private static final int COUNT = 200_000;

  @Test
  void gaussianHasSigma32AndIsClipped() {
    int[] e = new int[COUNT];
    Samplers.gaussian(Csprng.fresh(new SecureRandom()), e);
    double sum = 0;
    double sq = 0;
    int max = 0;
    for (int v : e) {
      sum += v;
      sq += (double) v * v;
      max = Math.max(max, Math.abs(v));
    }
    double mean = sum / COUNT;
    double sigma = Math.sqrt(sq / COUNT - mean * mean);
    // Standard errors: mean 3.2/sqrt(2e5) = 0.007, sigma about 0.005; 6 standard errors of slack.
    assertThat(mean).isBetween(-0.05, 0.05);
    assertThat(sigma).isBetween(3.17, 3.23);
    assertThat(max).isLessThanOrEqualTo(Samplers.ERROR_BOUND);
  }

  @Test
  void ternaryIsUniformOnMinusOneZeroOne() {
    int[] s = new int[COUNT];
    Samplers.ternary(Csprng.fresh(new SecureRandom()), s);
    int[] counts = new int[3];
    for (int v : s) {
      assertThat(v).isBetween(-1, 1);
      counts[v + 1]++;
    }
    // Each count is binomial(2e5, 1/3): sd 211; allow 6 sd.
    for (int c : counts) {
      assertThat(Math.abs(c - COUNT / 3.0)).isLessThan(1300);
    }
  }

  @Test
  void uniformIsDeterministicPerSeedAndInRange() {
    Modulus[] moduli = {new Modulus(1152921504606748673L), new Modulus(1099511480321L)};
    byte[] seed = Csprng.newSeed(new SecureRandom());
    long[][] a = new long[2][4096];
    long[][] b = new long[2][4096];
    Samplers.uniform(Csprng.AES_CTR.create(seed), moduli, a, 2);
    Samplers.uniform(Csprng.AES_CTR.create(seed), moduli, b, 2);
    assertThat(a).isDeepEqualTo(b);
    double meanRatio = 0;
    for (int i = 0; i < 2; i++) {
      for (long v : a[i]) {
        assertThat(v).isBetween(0L, moduli[i].value() - 1);
        meanRatio += (double) v / moduli[i].value();
      }
    }
    // Mean of 8192 uniforms on [0,1): sd 0.0032.
    assertThat(meanRatio / 8192).isBetween(0.48, 0.52);
    long[][] c = new long[2][4096];
    Samplers.uniform(Csprng.AES_CTR.create(Csprng.newSeed(new SecureRandom())), moduli, c, 2);
    assertThat(c[0]).isNotEqualTo(a[0]);
  }

  @Test
  void csprngStreamIsAesCtrAndSeedChecked() {
    byte[] seed = new byte[32];
    seed[0] = 1;
    Csprng x = new Csprng(seed);
    Csprng y = new Csprng(seed);
    byte[] bx = new byte[10_000];
    x.nextBytes(bx, 0, 3);
    x.nextBytes(bx, 3, bx.length - 3);
    byte[] by = new byte[10_000];
    y.nextBytes(by, 0, by.length);
    assertThat(bx).isEqualTo(by);
    assertThatThrownBy(() -> new Csprng(new byte[16])).isInstanceOf(IllegalArgumentException.class);
  }
}
