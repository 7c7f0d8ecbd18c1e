package io.blindtuner.he.ckks;

import static io.blindtuner.he.ckks.CkksTestContext.assertPrecision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ring.NttTables;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CkksEncoderTest {
  private static CkksParameters params(int n, int... bits) {
    return CkksParameters.create(CkksSpec.of(n, bits).asInsecure());
  }

  /** Round trip error is only the coefficient rounding: slot bound 7*sqrt(N/2 * 1/12) / scale. */
  @ParameterizedTest
  @CsvSource({"16, 30", "1024, 40", "4096, 40", "8192, 30"})
  void complexRoundTripAtEveryLevel(int n, int logScale) {
    CkksParameters p = params(n, 60, 40, 40, 60);
    CkksEncoder enc = new CkksEncoder(p);
    SplittableRandom rnd = new SplittableRandom(n);
    double[] re = new double[p.slots()];
    double[] im = new double[p.slots()];
    for (int i = 0; i < re.length; i++) {
      re[i] = 2 * rnd.nextDouble() - 1;
      im[i] = 2 * rnd.nextDouble() - 1;
    }
    double scale = Math.pow(2, logScale);
    double bound = 7 * Math.sqrt(n / 2.0 / 12) / scale + 1e-13;
    for (int level = 0; level <= p.maxLevel(); level++) {
      Plaintext pt = new Plaintext(p, level, scale);
      enc.encode(re, im, level, scale, pt);
      assertThat(pt.level()).isEqualTo(level);
      double[][] back = enc.decodeComplex(pt);
      assertPrecision(back[0], re, bound, "real part, level " + level);
      assertPrecision(back[1], im, bound, "imaginary part, level " + level);
    }
  }

  /**
   * Slot i is the evaluation at zeta^(3^i mod 2N): check against the polynomial's coefficients
   * directly.
   */
  @Test
  void slotOrderIsSeals() {
    CkksParameters p = params(32, 50, 50);
    CkksEncoder enc = new CkksEncoder(p);
    double[] v = new double[p.slots()];
    SplittableRandom rnd = new SplittableRandom(5);
    for (int i = 0; i < v.length; i++) {
      v[i] = 2 * rnd.nextDouble() - 1;
    }
    double scale = Math.pow(2, 30);
    Plaintext pt = enc.encode(v, 0, scale);
    long[] coeffs = pt.poly().limb(0).clone();
    NttTables t = p.nttTables(0);
    t.inverse(coeffs);
    long q = p.prime(0);
    int n = p.n();
    long e = 1;
    for (int i = 0; i < p.slots(); i++) {
      double re = 0;
      double im = 0;
      for (int j = 0; j < n; j++) {
        long c = coeffs[j] > q / 2 ? coeffs[j] - q : coeffs[j];
        double angle = Math.PI * ((e * j) % (2L * n)) / n;
        re += c * Math.cos(angle);
        im += c * Math.sin(angle);
      }
      assertThat(re / scale)
          .as("slot %d", i)
          .isCloseTo(v[i], org.assertj.core.api.Assertions.within(1e-6));
      assertThat(im / scale).isCloseTo(0, org.assertj.core.api.Assertions.within(1e-6));
      e = e * 3 % (2L * n);
    }
  }

  /** Values times scale beyond 2^62 take the exact BigInteger path on both sides. */
  @Test
  void hugeValuesRoundTrip() {
    CkksParameters p = params(64, 60, 60, 60, 60);
    CkksEncoder enc = new CkksEncoder(p);
    double[] v = new double[p.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 2 == 0 ? 1 : -1) * Math.pow(2, 40) * (1 + i / 64.0);
    }
    double scale = Math.pow(2, 50); // |coefficients| around 2^90 at level 2 (180 bits)
    double[] back = enc.decode(enc.encode(v, 2, scale));
    // Doubles carry 53 bits: relative error 2^-45 covers rounding of values and of the FFT.
    assertPrecision(back, v, Math.pow(2, 40) * 2 * Math.pow(2, -45), "huge values");
  }

  /**
   * A 160-bit level: decoding decides from the double estimate between the 128-bit and the
   * BigInteger lift.
   */
  @ParameterizedTest
  @CsvSource({"40", "80"})
  void liftAt160BitLevel(int logValue) {
    CkksParameters p = params(64, 60, 60, 40, 60);
    CkksEncoder enc = new CkksEncoder(p);
    double[] v = new double[p.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (i % 3 - 1) * Math.pow(2, logValue) * (1 + i / 64.0);
    }
    double[] back = enc.decode(enc.encode(v, 2, Math.pow(2, 50)));
    assertPrecision(
        back, v, Math.pow(2, logValue) * 2 * Math.pow(2, -45) + Math.pow(2, -40), "2^" + logValue);
  }

  @Test
  void constantFillsEverySlot() {
    CkksParameters p = params(64, 40, 40);
    CkksEncoder enc = new CkksEncoder(p);
    double[] back = enc.decode(enc.encodeConstant(-0.375, 0, Math.pow(2, 30)));
    for (double b : back) {
      assertThat(b).isCloseTo(-0.375, org.assertj.core.api.Assertions.within(1e-8));
    }
  }

  @Test
  void rejectsBadInput() {
    CkksParameters p = params(64, 40, 40);
    CkksEncoder enc = new CkksEncoder(p);
    assertThatThrownBy(() -> enc.encode(new double[] {1, Double.NaN}, 0, 1 << 20))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("value 1 is not finite");
    assertThatThrownBy(() -> enc.encode(new double[] {Double.POSITIVE_INFINITY}, 0, 1 << 20))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("not finite");
    assertThatThrownBy(() -> enc.encode(new double[33], 0, 1 << 20))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("33");
    assertThatThrownBy(() -> enc.encode(new double[] {1}, 0, Math.pow(2, 40)))
        .isInstanceOf(ScaleException.class)
        .hasMessageContaining("does not fit level 0");
    assertThatThrownBy(() -> enc.encode(new double[] {1}, 0, -1))
        .isInstanceOf(ScaleException.class);
    assertThatThrownBy(() -> enc.encode(new double[] {1e9}, 0, Math.pow(2, 30)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> enc.encode(new double[] {1}, 2, 1 << 20))
        .isInstanceOf(LevelException.class);
    CkksParameters other = params(64, 40, 41);
    assertThatThrownBy(() -> enc.decode(new Plaintext(other, 0, 1)))
        .isInstanceOf(ParameterMismatchException.class);
  }
}
