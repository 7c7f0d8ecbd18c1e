package io.blindtuner.vision.vit;

/**
 * The dense kernels of the trunk, shaped so HotSpot's auto-vectoriser emits SIMD fused
 * multiply-adds: matrices are arrays of rows ({@code float[rows][cols]}, each row its own array,
 * because C2 does not vectorise a loop that writes several ranges of one array), and every inner
 * loop is an axpy over a contiguous row ({@code y[o] = fma(a, w[o], y[o])}), never a reduction
 * (float reductions are not vectorised: their order is fixed by the language). Measured side by
 * side on this machine (197x192 by 192x768): the 4-row, 2-input kernel runs about 2.5x faster than
 * a 4-row, 1-input one, which is 5x faster than the same loops over one flat array.
 */
final class Kernels {
  private Kernels() {}

  /**
   * {@code y[r] (+)= b + x[r] . wt} for r in 0..rows-1: a linear layer with the weight stored
   * transposed ({@code wt[k]} is input k's row of {@code out} weights). Four rows and two inputs
   * per pass: each weight row loaded serves four outputs and each output row is loaded and stored
   * once per two inputs, which halves the memory traffic that bounds an axpy loop.
   *
   * @param accumulate add into y (residual connection) instead of overwriting it
   */
  static void linear(
      float[][] x,
      int rows,
      int in,
      float[][] wt,
      float[] b,
      int out,
      float[][] y,
      boolean accumulate) {
    for (int r = 0; r < rows; r++) {
      float[] yr = y[r];
      if (accumulate) {
        for (int o = 0; o < out; o++) {
          yr[o] += b[o];
        }
      } else {
        System.arraycopy(b, 0, yr, 0, out);
      }
    }
    int r = 0;
    for (; r + 3 < rows; r += 4) {
      float[] y0 = y[r];
      float[] y1 = y[r + 1];
      float[] y2 = y[r + 2];
      float[] y3 = y[r + 3];
      float[] x0 = x[r];
      float[] x1 = x[r + 1];
      float[] x2 = x[r + 2];
      float[] x3 = x[r + 3];
      int k = 0;
      for (; k + 1 < in; k += 2) {
        float a0 = x0[k];
        float a1 = x1[k];
        float a2 = x2[k];
        float a3 = x3[k];
        float b0 = x0[k + 1];
        float b1 = x1[k + 1];
        float b2 = x2[k + 1];
        float b3 = x3[k + 1];
        float[] w = wt[k];
        float[] v = wt[k + 1];
        for (int o = 0; o < out; o++) {
          float wo = w[o];
          float vo = v[o];
          y0[o] = Math.fma(b0, vo, Math.fma(a0, wo, y0[o]));
          y1[o] = Math.fma(b1, vo, Math.fma(a1, wo, y1[o]));
          y2[o] = Math.fma(b2, vo, Math.fma(a2, wo, y2[o]));
          y3[o] = Math.fma(b3, vo, Math.fma(a3, wo, y3[o]));
        }
      }
      if (k < in) {
        axpy(x0[k], wt[k], 0, y0, 0, out);
        axpy(x1[k], wt[k], 0, y1, 0, out);
        axpy(x2[k], wt[k], 0, y2, 0, out);
        axpy(x3[k], wt[k], 0, y3, 0, out);
      }
    }
    for (; r < rows; r++) {
      float[] xr = x[r];
      float[] yr = y[r];
      for (int k = 0; k < in; k++) {
        axpy(xr[k], wt[k], 0, yr, 0, out);
      }
    }
  }

  /**
   * {@code y[yo + i] = fma(a, x[xo + i], y[yo + i])} for i in 0..n-1 (x and y must be different
   * arrays).
   */
  static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
    for (int i = 0; i < n; i++) {
      y[yo + i] = Math.fma(a, x[xo + i], y[yo + i]);
    }
  }

  /**
   * LayerNorm of each of the first {@code rows} rows of {@code x} (width d) into {@code y};
   * statistics in double.
   */
  static void layerNorm(
      float[][] x, int rows, int d, float[] w, float[] b, double eps, float[][] y) {
    for (int r = 0; r < rows; r++) {
      float[] xr = x[r];
      float[] yr = y[r];
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += xr[j];
      }
      double mean = s / d;
      double v = 0;
      for (int j = 0; j < d; j++) {
        double c = xr[j] - mean;
        v += c * c;
      }
      float inv = (float) (1 / Math.sqrt(v / d + eps));
      float m = (float) mean;
      for (int j = 0; j < d; j++) {
        yr[j] = (xr[j] - m) * inv * w[j] + b[j];
      }
    }
  }

  /** Softmax of {@code x[0 .. n)} in place, shifted by the max for stability. */
  static void softmax(float[] x, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[i]);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      float e = expNonPositive(x[i] - max);
      x[i] = e;
      sum += e;
    }
    float inv = (float) (1 / sum);
    for (int i = 0; i < n; i++) {
      x[i] *= inv;
    }
  }

  /**
   * e^x for x &lt;= 0 (softmax after the max shift), about twice as fast as Math.exp: x = n ln 2 +
   * r with |r| &lt;= ln 2 / 2, e^r by its degree-7 Taylor polynomial (truncation below r^8/8! =
   * 5e-9 relative), times 2^n built from the exponent bits. Results are within float rounding of
   * Math.exp.
   */
  static float expNonPositive(float x) {
    if (!(x > -87.3f)) {
      return Float.isNaN(x) ? x : 0f;
    }
    double t = x * 1.4426950408889634;
    double n = Math.floor(t + 0.5);
    double r = (t - n) * 0.6931471805599453;
    double p =
        1
            + r
                * (1
                    + r
                        * (0.5
                            + r
                                * (1.0 / 6
                                    + r
                                        * (1.0 / 24
                                            + r
                                                * (1.0 / 120
                                                    + r * (1.0 / 720 + r * (1.0 / 5040)))))));
    return (float) (p * Double.longBitsToDouble(((long) n + 1023) << 52));
  }

  /**
   * PyTorch's {@code [out][in]} weight, flat, to the kernel's transposed rows {@code [in][out]}.
   */
  static float[][] transpose(float[] w, int out, int in) {
    float[][] t = new float[in][out];
    for (int o = 0; o < out; o++) {
      for (int k = 0; k < in; k++) {
        t[k][o] = w[o * in + k];
      }
    }
    return t;
  }
}
