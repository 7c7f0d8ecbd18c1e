package io.blindtuner.vision.features;

import io.blindtuner.vision.data.ImageSplit;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * A two-layer wavelet scattering transform (Mallat 2012; Bruna &amp; Mallat 2013), weight-free and
 * fitted on nothing: a fixed bank of Gabor wavelets at {@code J} scales and {@code L} orientations,
 * complex modulus, a second wavelet layer on the moduli, and a Gaussian low-pass of width {@code
 * 0.8 * 2^J} pixels averaged over a {@code grid x grid} array of regions. Each region is one token:
 * per channel (channel after channel), the low-passed image, then for each first-layer wavelet
 * {@code (j1, l1)} in order its modulus {@code |x * psi_{j1,l1}|} followed by the second-layer
 * {@code ||x * psi_{j1,l1}| * psi_{j2,l2}|} for {@code j2 > j1} — 1 + J·L + L²·J(J−1)/2 values. It
 * describes texture at several scales and orientations, stable to small deformations — what a
 * k-means dictionary of one patch size does not — and needs no training images at all.
 *
 * <p>Wavelets (Fourier domain, frequencies in radians per pixel): {@code psi_{j,l}(w) = exp(-s²|w -
 * xi e_l|²/2) - exp(-s²(|w|² + xi²)/2)} with {@code s = 0.8 * 2^j}, {@code xi = (3 pi / 4) / 2^j}
 * and {@code e_l} at angle {@code pi l / L}; the second term makes each wavelet's mean zero. The
 * image is extended by mirror reflection to an {@code n x n} square, n the power of two at least
 * {@code max(height, width) + 2 * 2^J}, so the circular convolutions do not wrap one border onto
 * the other where the regions lie. (The finest wavelets, j = 0, are cut off at the Nyquist
 * frequency rather than periodised, which leaves them a faint long tail: about 2% of their energy
 * beyond 8 pixels.)
 */
public final class ScatteringFeaturizer implements Featurizer {
  /** The name every output carries. */
  public static final String NAME = "wavelet scattering (weight-free)";

  /** Scales at most: 2^J must stay well inside images of a few dozen pixels. */
  public static final int MAX_SCALES = 5;

  /** Orientations at most. */
  public static final int MAX_ANGLES = 16;

  /**
   * Largest padded side accepted (224-pixel images at J = 3 pad to 256), which bounds the filter
   * bank a model file can make the reader build.
   */
  public static final int MAX_SIDE = 256;

  /**
   * Filter-bank values (J·L·n², eight bytes each) at most: 32 MiB, built when the featurizer is
   * (the defaults on 28 x 28 images: 24 x 64² values, 0.8 MiB).
   */
  public static final long MAX_FILTER_VALUES = 1L << 22;

  private static final double SIGMA0 = 0.8;
  private static final double XI0 = 3 * Math.PI / 4;

  private final int scales;
  private final int angles;
  private final int grid;
  private final int height;
  private final int width;
  private final int channels;
  private final int perChannel;
  private final Fft2d fft;
  private final int top;
  private final int left;
  private final double[][] wavelets; // [j * L + l][n * n], real in the Fourier domain
  private final double[][] rowWeights; // [grid][n]: low-pass then region mean, along rows
  private final double[][] colWeights; // [grid][n]

  /**
   * @param scales J, wavelet scales (1..{@value #MAX_SCALES})
   * @param angles L, orientations per scale (1..{@value #MAX_ANGLES})
   * @param grid regions per side (T = grid² tokens), at most the image's smaller side
   * @param height image height
   * @param width image width
   * @param channels image channels (1 or 3), each scattered on its own
   * @throws IllegalArgumentException naming the setting that is out of range
   */
  public ScatteringFeaturizer(
      int scales, int angles, int grid, int height, int width, int channels) {
    if (scales < 1 || scales > MAX_SCALES) {
      throw new IllegalArgumentException(
          "scattering scales " + scales + " must be in 1.." + MAX_SCALES);
    }
    if (angles < 1 || angles > MAX_ANGLES) {
      throw new IllegalArgumentException(
          "scattering angles " + angles + " must be in 1.." + MAX_ANGLES);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("scattering channels must be 1 or 3, got " + channels);
    }
    checkGrid(grid, height, width);
    // in long: image sides near Integer.MAX_VALUE must be refused by name, not wrap round
    long side = (long) Math.max(height, width) + 2 * (1 << scales);
    if (side > MAX_SIDE) {
      throw new IllegalArgumentException(
          "scattering of "
              + height
              + "x"
              + width
              + " images at "
              + scales
              + " scales needs a "
              + side
              + "-pixel square, above the "
              + MAX_SIDE
              + " allowed");
    }
    int n = Integer.highestOneBit((int) side - 1) << 1;
    if ((long) scales * angles * n * n > MAX_FILTER_VALUES) {
      throw new IllegalArgumentException(
          "scattering at "
              + scales
              + " scales x "
              + angles
              + " orientations on a "
              + n
              + "-pixel square needs "
              + (long) scales * angles * n * n
              + " filter values, above the "
              + MAX_FILTER_VALUES
              + " allowed");
    }
    this.scales = scales;
    this.angles = angles;
    this.grid = grid;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.perChannel = 1 + scales * angles + angles * angles * scales * (scales - 1) / 2;
    this.fft = new Fft2d(n);
    this.top = (n - height) / 2;
    this.left = (n - width) / 2;
    this.wavelets = new double[scales * angles][];
    for (int j = 0; j < scales; j++) {
      for (int l = 0; l < angles; l++) {
        wavelets[j * angles + l] = wavelet(n, j, Math.PI * l / angles);
      }
    }
    double sigma = SIGMA0 * (1 << scales);
    this.rowWeights = poolWeights(n, grid, height, top, sigma);
    this.colWeights = poolWeights(n, grid, width, left, sigma);
  }

  /**
   * The defaults: J = 3 scales (the low-pass spans about 6 pixels, a region of the 4 x 4 grid on 28
   * x 28 images is 7) and L = 8 orientations (Bruna &amp; Mallat use L = 8 with elongated Morlet
   * wavelets; these are round, so neighbouring orientations overlap more); 217 values per channel
   * and token before the PCA.
   */
  public static ScatteringFeaturizer defaults(int grid, int height, int width, int channels) {
    return new ScatteringFeaturizer(3, 8, grid, height, width, channels);
  }

  /**
   * @throws IllegalArgumentException if the grid is below 1 or finer than {@code height x width}
   *     images
   */
  public static void checkGrid(int grid, int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("scattering image size " + height + "x" + width);
    }
    if (grid < 1 || grid > Math.min(height, width)) {
      throw new IllegalArgumentException(
          "scattering grid "
              + grid
              + " must be in 1.."
              + Math.min(height, width)
              + " (the "
              + height
              + "x"
              + width
              + " images)");
    }
  }

  private static double[] wavelet(int n, int j, double theta) {
    double s = SIGMA0 * (1 << j);
    double xi = XI0 / (1 << j);
    double c = Math.cos(theta);
    double sn = Math.sin(theta);
    double[] out = new double[n * n];
    for (int ky = 0; ky < n; ky++) {
      double wy = frequency(ky, n);
      for (int kx = 0; kx < n; kx++) {
        double wx = frequency(kx, n);
        double u = wx * c + wy * sn - xi;
        double v = -wx * sn + wy * c;
        double r2 = wx * wx + wy * wy;
        out[ky * n + kx] =
            Math.exp(-0.5 * s * s * (u * u + v * v)) - Math.exp(-0.5 * s * s * (r2 + xi * xi));
      }
    }
    return out;
  }

  /** The DFT index k's frequency in radians per pixel, in [-pi, pi). */
  private static double frequency(int k, int n) {
    return 2 * Math.PI * (k < n / 2 ? k : k - n) / n;
  }

  /**
   * Along one axis: a Gaussian of deviation {@code sigma} pixels about each pixel of a region,
   * normalised over the padded square (so that a constant map pools to itself), summed over the
   * region's pixels and divided by their count; the product of a row and a column weight applied to
   * a map is the mean over that region of the map's low-pass.
   */
  private static double[][] poolWeights(int n, int grid, int size, int offset, double sigma) {
    double[][] w = new double[grid][n];
    int[] count = new int[grid];
    for (int p = 0; p < size; p++) {
      count[p * grid / size]++;
    }
    double[] g = new double[n];
    for (int p = 0; p < size; p++) {
      double sum = 0;
      for (int q = 0; q < n; q++) {
        double d = q - (p + offset);
        g[q] = Math.exp(-0.5 * d * d / (sigma * sigma));
        sum += g[q];
      }
      int region = p * grid / size;
      for (int q = 0; q < n; q++) {
        w[region][q] += g[q] / (sum * count[region]);
      }
    }
    return w;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return NAME
        + ": "
        + scales
        + " scales x "
        + angles
        + " orientations, two layers ("
        + perChannel
        + " coefficients per channel), low-pass "
        + SIGMA0 * (1 << scales)
        + " px averaged over a "
        + grid
        + "x"
        + grid
        + " grid of regions";
  }

  @Override
  public int tokens() {
    return grid * grid;
  }

  @Override
  public int dim() {
    return channels * perChannel;
  }

  /** J. */
  public int scales() {
    return scales;
  }

  /** L. */
  public int angles() {
    return angles;
  }

  /** Regions per side. */
  public int grid() {
    return grid;
  }

  /** Image height. */
  public int height() {
    return height;
  }

  /** Image width. */
  public int width() {
    return width;
  }

  /** Image channels. */
  public int channels() {
    return channels;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException naming the split if its images differ in size or channels from
   *     this featurizer's
   */
  @Override
  public FeatureSet featurize(ImageSplit split, IntConsumer progress) {
    split.requireShape(height, width, channels, "the scattering featurizer is for");
    int t = tokens();
    int d = dim();
    float[] out = FeatureSet.allocate(split.name(), split.n(), t, d);
    // each image writes only its own rows, so the result does not depend on the threads
    IntStream.range(0, split.n())
        .parallel()
        .forEach(
            i -> {
              Scratch s = new Scratch(fft.n());
              for (int c = 0; c < channels; c++) {
                scatter(split, i, c, s, out, i * t * d + c * perChannel, d);
              }
              progress.accept(1);
            });
    return new FeatureSet(split.name(), split.n(), t, d, out, split.labels().clone());
  }

  /** Per-image buffers. */
  private static final class Scratch {
    final double[] xRe;
    final double[] xIm;
    final double[] uRe;
    final double[] uIm;
    final double[] vRe;
    final double[] vIm;
    final double[] rows;

    Scratch(int n) {
      xRe = new double[n * n];
      xIm = new double[n * n];
      uRe = new double[n * n];
      uIm = new double[n * n];
      vRe = new double[n * n];
      vIm = new double[n * n];
      rows = new double[n];
    }
  }

  /** One channel of image i: writes coefficient k of token r at {@code base + r * stride + k}. */
  private void scatter(ImageSplit s, int i, int c, Scratch b, float[] out, int base, int stride) {
    int n = fft.n();
    for (int y = 0; y < n; y++) {
      int sy = mirror(y - top, height);
      for (int x = 0; x < n; x++) {
        b.xRe[y * n + x] = s.pixel(i, sy, mirror(x - left, width), c) / 255.0;
      }
    }
    Arrays.fill(b.xIm, 0);
    int k = 0;
    pool(b.xRe, b, out, base, stride, k++);
    fft.forward(b.xRe, b.xIm);
    for (int j1 = 0; j1 < scales; j1++) {
      for (int l1 = 0; l1 < angles; l1++) {
        filteredModulus(b.xRe, b.xIm, wavelets[j1 * angles + l1], b.uRe, b.uIm);
        pool(b.uRe, b, out, base, stride, k++);
        if (j1 + 1 < scales) {
          fft.forward(b.uRe, b.uIm);
          for (int j2 = j1 + 1; j2 < scales; j2++) {
            for (int l2 = 0; l2 < angles; l2++) {
              filteredModulus(b.uRe, b.uIm, wavelets[j2 * angles + l2], b.vRe, b.vIm);
              pool(b.vRe, b, out, base, stride, k++);
            }
          }
        }
      }
    }
  }

  /**
   * {@code |inverse(spectrum * filter)|} into {@code re}, with {@code im} left zero, ready for a
   * forward transform.
   */
  private void filteredModulus(
      double[] specRe, double[] specIm, double[] filter, double[] re, double[] im) {
    for (int p = 0; p < re.length; p++) {
      re[p] = specRe[p] * filter[p];
      im[p] = specIm[p] * filter[p];
    }
    fft.inverse(re, im);
    for (int p = 0; p < re.length; p++) {
      re[p] = Math.hypot(re[p], im[p]);
      im[p] = 0;
    }
  }

  /** Coefficient k of every token: the region means of the map's low-pass. */
  private void pool(double[] map, Scratch b, float[] out, int base, int stride, int k) {
    int n = fft.n();
    for (int a = 0; a < grid; a++) {
      double[] rw = rowWeights[a];
      Arrays.fill(b.rows, 0);
      for (int y = 0; y < n; y++) {
        double w = rw[y];
        int o = y * n;
        for (int x = 0; x < n; x++) {
          b.rows[x] += w * map[o + x];
        }
      }
      for (int c = 0; c < grid; c++) {
        double[] cw = colWeights[c];
        double v = 0;
        for (int x = 0; x < n; x++) {
          v += cw[x] * b.rows[x];
        }
        out[base + (a * grid + c) * stride + k] = (float) v;
      }
    }
  }

  /** Mirror reflection about the first and last pixel (no repeat), for any distance outside. */
  static int mirror(int p, int size) {
    if (size == 1) {
      return 0;
    }
    int period = 2 * (size - 1);
    int q = Math.floorMod(p, period);
    return q < size ? q : period - q;
  }
}
