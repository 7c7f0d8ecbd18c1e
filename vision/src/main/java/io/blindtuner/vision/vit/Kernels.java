package io.blindtuner.vision.vit;

/**
 * The few dense kernels the trunk needs, written so HotSpot's auto-vectoriser turns the inner loops into SIMD:
 * every inner loop is an axpy over contiguous memory ({@code y[o] += a * w[o]}), never a reduction (float
 * reductions are not vectorised because their order is fixed by the language).
 */
final class Kernels {
  /** Rows of the input processed together, so each weight row loaded is used four times. */
  private static final int ROWS = 4;

  private Kernels() {}

  /**
   * {@code y[r][o] (+)= b[o] + sum_k x[r][k] * wt[k][o]}: a linear layer on row-major {@code x} (rows x in) with
   * the weight stored transposed ({@code wt} is in x out).
   *
   * @param accumulate add into y (residual connection) instead of overwriting it
   */
  static void linear(float[] x, int rows, int in, float[] wt, float[] b, int out, float[] y, boolean accumulate) {
    for (int r0 = 0; r0 < rows; r0 += ROWS) {
      int n = Math.min(ROWS, rows - r0);
      for (int r = r0; r < r0 + n; r++) {
        int yo = r * out;
        if (accumulate) {
          for (int o = 0; o < out; o++) {
            y[yo + o] += b[o];
          }
        } else {
          System.arraycopy(b, 0, y, yo, out);
        }
      }
      if (n == ROWS) {
        int x0 = r0 * in;
        int x1 = x0 + in;
        int x2 = x1 + in;
        int x3 = x2 + in;
        int y0 = r0 * out;
        int y1 = y0 + out;
        int y2 = y1 + out;
        int y3 = y2 + out;
        for (int k = 0; k < in; k++) {
          float a0 = x[x0 + k];
          float a1 = x[x1 + k];
          float a2 = x[x2 + k];
          float a3 = x[x3 + k];
          int wo = k * out;
          for (int o = 0; o < out; o++) {
            float w = wt[wo + o];
            y[y0 + o] += a0 * w;
            y[y1 + o] += a1 * w;
            y[y2 + o] += a2 * w;
            y[y3 + o] += a3 * w;
          }
        }
      } else {
        for (int r = r0; r < r0 + n; r++) {
          int xo = r * in;
          int yo = r * out;
          for (int k = 0; k < in; k++) {
            axpy(x[xo + k], wt, k * out, y, yo, out);
          }
        }
      }
    }
  }

  /** {@code y[yo + i] += a * x[xo + i]} for i in 0..n-1. */
  static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
    for (int i = 0; i < n; i++) {
      y[yo + i] += a * x[xo + i];
    }
  }

  /** LayerNorm of each row of {@code x} (rows x d) into {@code y}, statistics in double. */
  static void layerNorm(float[] x, int rows, int d, float[] w, float[] b, double eps, float[] y) {
    for (int r = 0; r < rows; r++) {
      int o = r * d;
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += x[o + j];
      }
      double mean = s / d;
      double v = 0;
      for (int j = 0; j < d; j++) {
        double c = x[o + j] - mean;
        v += c * c;
      }
      float inv = (float) (1 / Math.sqrt(v / d + eps));
      float m = (float) mean;
      for (int j = 0; j < d; j++) {
        y[o + j] = (x[o + j] - m) * inv * w[j] + b[j];
      }
    }
  }

  /** Softmax of {@code x[o .. o+n)} in place, shifted by the max for stability. */
  static void softmax(float[] x, int o, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[o + i]);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      float e = (float) Math.exp(x[o + i] - max);
      x[o + i] = e;
      sum += e;
    }
    float inv = (float) (1 / sum);
    for (int i = 0; i < n; i++) {
      x[o + i] *= inv;
    }
  }

  /** {@code wt[k][o] = w[o][k]}: PyTorch's {@code [out][in]} to the kernel's {@code [in][out]}. */
  static float[] transpose(float[] w, int out, int in) {
    float[] t = new float[w.length];
    for (int o = 0; o < out; o++) {
      for (int k = 0; k < in; k++) {
        t[k * out + o] = w[o * in + k];
      }
    }
    return t;
  }
}
