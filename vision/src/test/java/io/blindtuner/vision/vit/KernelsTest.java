package io.blindtuner.vision.vit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelsTest {
  @Test
  void expMatchesMathExpToFloatRounding() {
    double worst = 0;
    for (double x = -87; x <= 0; x += 1e-3) {
      float xf = (float) x;
      double want = Math.exp(xf);
      worst = Math.max(worst, Math.abs(Kernels.expNonPositive(xf) - want) / want);
    }
    // float rounding alone is 2^-24 = 6e-8 relative; the polynomial adds under 5e-9
    assertThat(worst).isLessThan(1e-7);
    assertThat(Kernels.expNonPositive(0f)).isEqualTo(1f);
    assertThat(Kernels.expNonPositive(-100f)).isEqualTo(0f);
    assertThat(Kernels.expNonPositive(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
  }

  @Test
  void linearMatchesTheDefinitionForEveryRemainderShape() {
    Random r = new Random(5);
    for (int[] shape : new int[][] {{1, 1, 1}, {3, 5, 7}, {4, 2, 8}, {9, 7, 13}, {17, 64, 33}}) {
      int rows = shape[0];
      int in = shape[1];
      int out = shape[2];
      float[][] x = new float[rows][in];
      float[] w = new float[out * in];
      float[] b = new float[out];
      float[][] y = new float[rows][out];
      for (float[] row : x) {
        for (int i = 0; i < in; i++) {
          row[i] = (float) r.nextGaussian();
        }
      }
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < out; i++) {
        b[i] = (float) r.nextGaussian();
      }
      for (float[] row : y) {
        java.util.Arrays.fill(row, 0.5f);
      }
      Kernels.linear(x, rows, in, Kernels.transpose(w, out, in), b, out, y, true);
      for (int i = 0; i < rows; i++) {
        for (int o = 0; o < out; o++) {
          double want = 0.5 + b[o];
          for (int k = 0; k < in; k++) {
            want += (double) x[i][k] * w[o * in + k];
          }
          // float accumulation of `in` products of order one: error below in * 2^-24 * sum|terms|
          assertThat((double) y[i][o]).isCloseTo(want, within(1e-5 * (in + 1)));
        }
      }
    }
  }
}
