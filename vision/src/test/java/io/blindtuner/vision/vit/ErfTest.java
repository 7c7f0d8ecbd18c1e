package io.blindtuner.vision.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ErfTest {
  @Test
  void referenceMatchesKnownValues() {
    // values from the published tables (e.g. Abramowitz & Stegun 7.1), to 16 digits
    assertThat(Erf.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
    assertThat(Erf.erf(1)).isCloseTo(0.8427007929497149, within(1e-15));
    assertThat(Erf.erf(2)).isCloseTo(0.9953222650189527, within(1e-15));
    // near the switch to the continued fraction the series loses up to 3 digits to cancellation
    assertThat(Erf.erf(2.9)).isCloseTo(0.9999589021219005, within(1e-12));
    assertThat(Erf.erf(3)).isCloseTo(0.9999779095030014, within(1e-15));
    assertThat(Erf.erf(4)).isCloseTo(0.9999999845827421, within(1e-15));
    assertThat(Erf.erf(-1)).isEqualTo(-Erf.erf(1));
    assertThat(Erf.erf(0)).isEqualTo(0);
  }

  @Test
  void tableIsExactToFloatResolution() {
    double worst = 0;
    for (double x = -7; x <= 7; x += 1e-4) {
      float xf = (float) x;
      worst = Math.max(worst, Math.abs(Erf.fast(xf) - Erf.erf(xf)));
    }
    // Hermite interpolation error is below 1e-9; what remains is float rounding of values of order
    // one
    assertThat(worst).isLessThan(1.5e-7);
    assertThat(Erf.fast(Float.NaN)).isNaN();
    assertThat(Erf.fast(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
    assertThat(Erf.fast(Float.POSITIVE_INFINITY)).isEqualTo(1f);
  }

  @Test
  void geluIsTheErfForm() {
    for (float x : new float[] {-5f, -1.5f, -0.3f, 0f, 0.001f, 0.7f, 2f, 9f}) {
      double want = 0.5 * x * (1 + Erf.erf(x / Math.sqrt(2)));
      assertThat((double) Erf.gelu(x))
          .as("gelu(" + x + ")")
          .isCloseTo(want, within(2e-7 * Math.max(1, Math.abs(x))));
    }
  }
}
