package io.blindtuner.vision.features;

/**
 * An in-place complex 2-D discrete Fourier transform of an {@code n x n} array (n a power of two),
 * radix-2 along rows then columns, with the twiddles and the bit reversal computed once. Forward is
 * {@code X[k] = sum_m x[m] e^{-2 pi i k m / n}} per axis; the inverse divides by {@code n²}, so
 * {@code inverse(forward(x)) = x}. Immutable and safe to share; the arrays passed in are the only
 * state.
 */
final class Fft2d {
  private final int n;
  private final int[] reversed;
  private final double[] cos;
  private final double[] sin;

  /**
   * @throws IllegalArgumentException if {@code n} is not a power of two of at least 2
   */
  Fft2d(int n) {
    if (n < 2 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("FFT side " + n + " is not a power of two >= 2");
    }
    this.n = n;
    int bits = Integer.numberOfTrailingZeros(n);
    reversed = new int[n];
    for (int i = 0; i < n; i++) {
      reversed[i] = Integer.reverse(i) >>> (32 - bits);
    }
    cos = new double[n / 2];
    sin = new double[n / 2];
    for (int k = 0; k < n / 2; k++) {
      cos[k] = Math.cos(2 * Math.PI * k / n);
      sin[k] = Math.sin(2 * Math.PI * k / n);
    }
  }

  /** The side n. */
  int n() {
    return n;
  }

  /** Transforms {@code re + i im} (n² values each, row after row) in place. */
  void forward(double[] re, double[] im) {
    transform(re, im, -1);
  }

  /** The inverse of {@link #forward}, scaled by {@code 1 / n²}, in place. */
  void inverse(double[] re, double[] im) {
    transform(re, im, 1);
    double s = 1.0 / ((double) n * n);
    for (int k = 0; k < re.length; k++) {
      re[k] *= s;
      im[k] *= s;
    }
  }

  private void transform(double[] re, double[] im, int sign) {
    for (int r = 0; r < n; r++) {
      line(re, im, r * n, 1, sign);
    }
    for (int c = 0; c < n; c++) {
      line(re, im, c, n, sign);
    }
  }

  /** One 1-D transform of the n values at {@code offset + k * stride}. */
  private void line(double[] re, double[] im, int offset, int stride, int sign) {
    for (int i = 0; i < n; i++) {
      int j = reversed[i];
      if (j > i) {
        int a = offset + i * stride;
        int b = offset + j * stride;
        double t = re[a];
        re[a] = re[b];
        re[b] = t;
        t = im[a];
        im[a] = im[b];
        im[b] = t;
      }
    }
    for (int len = 2; len <= n; len <<= 1) {
      int half = len >> 1;
      int step = n / len;
      for (int start = 0; start < n; start += len) {
        for (int k = 0; k < half; k++) {
          double wr = cos[k * step];
          double wi = sign * sin[k * step];
          int a = offset + (start + k) * stride;
          int b = a + half * stride;
          double xr = re[b] * wr - im[b] * wi;
          double xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }
}
