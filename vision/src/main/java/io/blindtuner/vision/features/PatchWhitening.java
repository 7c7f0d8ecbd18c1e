package io.blindtuner.vision.features;

/**
 * The preprocessing of a raw image patch before the k-means dictionary sees it (Coates &amp; Ng):
 * per-patch contrast normalisation (subtract the patch's own mean, divide by {@code sqrt(variance +
 * }{@value #CONTRAST_EPS} {@code )} in 0..255 pixel units, so flat patches are not blown up to
 * noise), then ZCA whitening fitted on normalised training patches ({@code (x - mean) V diag(1 /
 * sqrt(lambda + }{@value #ZCA_EPS}{@code )) V^T}), which removes the strong correlations of
 * neighbouring pixels that would otherwise make every centroid a blur.
 *
 * @param mean the mean of the normalised training patches (p values)
 * @param matrix the symmetric p x p ZCA matrix
 */
public record PatchWhitening(double[] mean, double[][] matrix) {
  /** Added to a patch's pixel variance (0..255 units) before dividing by its root. */
  public static final double CONTRAST_EPS = 10;

  /**
   * Added to every eigenvalue of the normalised patches' covariance (they have unit variance per
   * patch).
   */
  public static final double ZCA_EPS = 0.1;

  /**
   * @throws IllegalArgumentException if the matrix is not p x p for the mean's p, or a value is not
   *     finite
   */
  public PatchWhitening {
    int p = mean.length;
    if (p == 0 || matrix.length != p) {
      throw new IllegalArgumentException(
          "whitening matrix has " + matrix.length + " rows for " + p + " patch values");
    }
    for (double[] row : matrix) {
      if (row.length != p) {
        throw new IllegalArgumentException(
            "whitening matrix row of " + row.length + " values for " + p);
      }
      for (double x : row) {
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException("whitening matrix value " + x + " is not finite");
        }
      }
    }
    for (double x : mean) {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("whitening mean value " + x + " is not finite");
      }
    }
    mean = mean.clone();
    matrix = copy(matrix);
  }

  /**
   * Fits the whitening on raw patches.
   *
   * @param patches n rows of p raw values (0..255), n >= 2
   * @throws IllegalArgumentException naming the field if there are fewer than 2 patches or rows
   *     differ in length
   */
  public static PatchWhitening fit(double[][] patches) {
    if (patches.length < 2) {
      throw new IllegalArgumentException(
          "whitening patches: need at least 2, got " + patches.length);
    }
    int p = patches[0].length;
    double[] mean = new double[p];
    double[][] norm = new double[patches.length][];
    for (int i = 0; i < patches.length; i++) {
      if (patches[i].length != p || p == 0) {
        throw new IllegalArgumentException(
            "whitening patches: row "
                + i
                + " has "
                + patches[i].length
                + " values, row 0 has "
                + p);
      }
      norm[i] = new double[p];
      normalise(patches[i], norm[i]);
      for (int j = 0; j < p; j++) {
        mean[j] += norm[i][j];
      }
    }
    for (int j = 0; j < p; j++) {
      mean[j] /= patches.length;
    }
    double[][] cov = new double[p][p];
    for (double[] x : norm) {
      for (int a = 0; a < p; a++) {
        double xa = x[a] - mean[a];
        for (int b = a; b < p; b++) {
          cov[a][b] += xa * (x[b] - mean[b]);
        }
      }
    }
    for (int a = 0; a < p; a++) {
      for (int b = a; b < p; b++) {
        cov[a][b] /= patches.length - 1;
        cov[b][a] = cov[a][b];
      }
    }
    double[][] vecs = new double[p][p];
    double[] vals = Pca.jacobi(cov, vecs);
    double[][] w = new double[p][p];
    for (int e = 0; e < p; e++) {
      double s = 1 / Math.sqrt(Math.max(0, vals[e]) + ZCA_EPS);
      for (int a = 0; a < p; a++) {
        double va = vecs[a][e] * s;
        for (int b = 0; b < p; b++) {
          w[a][b] += va * vecs[b][e];
        }
      }
    }
    return new PatchWhitening(mean, w);
  }

  /** Values per patch (p). */
  public int size() {
    return mean.length;
  }

  /** The mean of the normalised training patches (a copy). */
  @Override
  public double[] mean() {
    return mean.clone();
  }

  /** The ZCA matrix (a copy). */
  @Override
  public double[][] matrix() {
    return copy(matrix);
  }

  /**
   * Normalises and whitens one raw patch into {@code out}; {@code scratch} (p values) is
   * overwritten.
   *
   * @throws IllegalArgumentException if the arrays do not hold p values
   */
  public void apply(double[] raw, double[] scratch, double[] out) {
    int p = mean.length;
    if (raw.length != p || scratch.length != p || out.length != p) {
      throw new IllegalArgumentException(
          "whitening takes patches of " + p + " values, got " + raw.length);
    }
    normalise(raw, scratch);
    for (int j = 0; j < p; j++) {
      scratch[j] -= mean[j];
    }
    for (int a = 0; a < p; a++) {
      double[] row = matrix[a];
      double s = 0;
      for (int b = 0; b < p; b++) {
        s += row[b] * scratch[b];
      }
      out[a] = s;
    }
  }

  private static void normalise(double[] raw, double[] out) {
    int p = raw.length;
    double m = 0;
    for (double x : raw) {
      m += x;
    }
    m /= p;
    double v = 0;
    for (double x : raw) {
      v += (x - m) * (x - m);
    }
    // the sample variance, as Coates & Ng's reference code uses
    double s = Math.sqrt(v / Math.max(1, p - 1) + CONTRAST_EPS);
    for (int j = 0; j < p; j++) {
      out[j] = (raw[j] - m) / s;
    }
  }

  private static double[][] copy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }
}
