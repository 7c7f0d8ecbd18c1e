package io.blindtuner.vision.preprocess;

/**
 * Resizes 8-bit images exactly as Pillow's {@code Image.resize(size, Image.BICUBIC)} does (which is
 * what timm's and torchvision's transforms call for PIL images): the bicubic kernel with a = -0.5,
 * support 2 scaled by the reduction factor when shrinking, pixel-centre alignment, weights
 * renormalised at the borders, fixed-point coefficients with 22 fractional bits, a horizontal pass
 * then a vertical pass, each rounded and clipped to 0..255 (Pillow's libImaging/Resample.c, 8-bit
 * path).
 */
public final class BicubicResize {
  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double SUPPORT = 2.0;

  private BicubicResize() {}

  /**
   * Resizes one image.
   *
   * @param src {@code h x w x channels} bytes (HWC)
   * @param srcOffset where the image starts in src
   * @param out receives {@code outH x outW x channels} bytes (HWC)
   * @throws IllegalArgumentException if a size is not positive or an array is too short
   */
  public static void resize(
      byte[] src, int srcOffset, int h, int w, int channels, int outH, int outW, byte[] out) {
    if (h <= 0 || w <= 0 || channels <= 0 || outH <= 0 || outW <= 0) {
      throw new IllegalArgumentException(
          "bad resize " + h + "x" + w + "x" + channels + " -> " + outH + "x" + outW);
    }
    if (src.length < srcOffset + h * w * channels || out.length < outH * outW * channels) {
      throw new IllegalArgumentException("arrays too short for the resize");
    }
    Coefficients cx = Coefficients.of(w, outW);
    Coefficients cy = Coefficients.of(h, outH);
    byte[] tmp = new byte[h * outW * channels];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < outW; x++) {
        int min = cx.bounds[2 * x];
        int n = cx.bounds[2 * x + 1];
        for (int c = 0; c < channels; c++) {
          long ss = 1L << (PRECISION_BITS - 1);
          for (int k = 0; k < n; k++) {
            ss +=
                (src[srcOffset + (y * w + min + k) * channels + c] & 0xff)
                    * (long) cx.kk[x * cx.ksize + k];
          }
          tmp[(y * outW + x) * channels + c] = clip8(ss);
        }
      }
    }
    for (int y = 0; y < outH; y++) {
      int min = cy.bounds[2 * y];
      int n = cy.bounds[2 * y + 1];
      for (int x = 0; x < outW; x++) {
        for (int c = 0; c < channels; c++) {
          long ss = 1L << (PRECISION_BITS - 1);
          for (int k = 0; k < n; k++) {
            ss +=
                (tmp[((min + k) * outW + x) * channels + c] & 0xff)
                    * (long) cy.kk[y * cy.ksize + k];
          }
          out[(y * outW + x) * channels + c] = clip8(ss);
        }
      }
    }
  }

  private static byte clip8(long v) {
    if (v >= (1L << PRECISION_BITS << 8)) {
      return (byte) 255;
    }
    if (v <= 0) {
      return 0;
    }
    return (byte) (v >> PRECISION_BITS);
  }

  /** Pillow's bicubic filter, a = -0.5. */
  static double bicubic(double x) {
    final double a = -0.5;
    x = Math.abs(x);
    if (x < 1) {
      return ((a + 2) * x - (a + 3)) * x * x + 1;
    }
    if (x < 2) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0;
  }

  /**
   * Per output pixel: first input index, tap count and fixed-point weights (Pillow's
   * precompute_coeffs).
   */
  private static final class Coefficients {
    final int ksize;
    final int[] bounds;
    final int[] kk;

    private Coefficients(int ksize, int[] bounds, int[] kk) {
      this.ksize = ksize;
      this.bounds = bounds;
      this.kk = kk;
    }

    static Coefficients of(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterscale = Math.max(scale, 1.0);
      double support = SUPPORT * filterscale;
      int ksize = (int) Math.ceil(support) * 2 + 1;
      int[] bounds = new int[outSize * 2];
      int[] kk = new int[outSize * ksize];
      double[] k = new double[ksize];
      for (int xx = 0; xx < outSize; xx++) {
        double center = (xx + 0.5) * scale;
        double ss = 1.0 / filterscale;
        int xmin = Math.max((int) (center - support + 0.5), 0);
        int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
        double ww = 0;
        for (int x = 0; x < xmax; x++) {
          double wgt = bicubic((x + xmin - center + 0.5) * ss);
          k[x] = wgt;
          ww += wgt;
        }
        for (int x = 0; x < xmax; x++) {
          double v = ww != 0 ? k[x] / ww : k[x];
          kk[xx * ksize + x] =
              (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
        }
        bounds[2 * xx] = xmin;
        bounds[2 * xx + 1] = xmax;
      }
      return new Coefficients(ksize, bounds, kk);
    }
  }
}
