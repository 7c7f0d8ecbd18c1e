package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Fft2dTest {
  @Test
  void forwardIsTheDefinitionOfTheTwoDimensionalDft() {
    int n = 8;
    Random r = new Random(1);
    double[] re = new double[n * n];
    double[] im = new double[n * n];
    for (int k = 0; k < re.length; k++) {
      re[k] = r.nextGaussian();
      im[k] = r.nextGaussian();
    }
    double[] xr = re.clone();
    double[] xi = im.clone();
    new Fft2d(n).forward(re, im);
    for (int ky = 0; ky < n; ky++) {
      for (int kx = 0; kx < n; kx++) {
        double sr = 0;
        double si = 0;
        for (int y = 0; y < n; y++) {
          for (int x = 0; x < n; x++) {
            double a = -2 * Math.PI * ((double) ky * y + (double) kx * x) / n;
            sr += xr[y * n + x] * Math.cos(a) - xi[y * n + x] * Math.sin(a);
            si += xr[y * n + x] * Math.sin(a) + xi[y * n + x] * Math.cos(a);
          }
        }
        assertThat(re[ky * n + kx]).isCloseTo(sr, within(1e-9));
        assertThat(im[ky * n + kx]).isCloseTo(si, within(1e-9));
      }
    }
  }

  @Test
  void inverseUndoesForward() {
    int n = 32;
    Random r = new Random(2);
    double[] re = new double[n * n];
    double[] im = new double[n * n];
    for (int k = 0; k < re.length; k++) {
      re[k] = r.nextGaussian();
    }
    double[] x = re.clone();
    Fft2d fft = new Fft2d(n);
    fft.forward(re, im);
    fft.inverse(re, im);
    for (int k = 0; k < re.length; k++) {
      assertThat(re[k]).isCloseTo(x[k], within(1e-12));
      assertThat(im[k]).isCloseTo(0, within(1e-12));
    }
  }

  @Test
  void refusesASideThatIsNotAPowerOfTwo() {
    assertThatThrownBy(() -> new Fft2d(12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FFT side 12");
    assertThatThrownBy(() -> new Fft2d(1)).isInstanceOf(IllegalArgumentException.class);
  }
}
