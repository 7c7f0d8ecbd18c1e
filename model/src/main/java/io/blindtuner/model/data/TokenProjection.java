package io.blindtuner.model.data;

/**
 * Hospital-side reduction of raw tokens (D values) to the head's d values: PCA fitted on the train split, whitened
 * (each component divided by its standard deviation) so every coordinate has unit variance on train, then each
 * image's tokens are centred on their mean. A small d keeps the encrypted head cheap; the projection is fixed (not
 * trained), so it stays with the data owner.
 */
public final class TokenProjection {
  /** Components whose variance is below this are dropped to a zero column instead of amplified noise. */
  private static final double MIN_VARIANCE = 1e-9;
  private static final int MAX_SWEEPS = 60;

  private final int rawDim;
  private final double[] globalMean;
  private final double[][] components;

  private TokenProjection(int rawDim, double[] globalMean, double[][] components) {
    this.rawDim = rawDim;
    this.globalMean = globalMean;
    this.components = components;
  }

  /**
   * Fits on train tokens stored flat as {@code values[(i * tokens + t) * rawDim + j]}.
   *
   * @throws IllegalArgumentException if the sizes disagree, there are no tokens, or d exceeds rawDim
   */
  public static TokenProjection fit(float[] values, int n, int tokens, int rawDim, int d) {
    if (n <= 0 || tokens <= 0 || rawDim <= 0 || (long) n * tokens * rawDim != values.length) {
      throw new IllegalArgumentException("bad token array: " + values.length + " values for n=" + n + " T=" + tokens
          + " D=" + rawDim);
    }
    if (d <= 0 || d > rawDim) {
      throw new IllegalArgumentException("cannot project " + rawDim + " values to " + d);
    }
    long rows = (long) n * tokens;
    double[] mean = new double[rawDim];
    for (long r = 0; r < rows; r++) {
      for (int j = 0; j < rawDim; j++) {
        mean[j] += values[(int) (r * rawDim + j)];
      }
    }
    for (int j = 0; j < rawDim; j++) {
      mean[j] /= rows;
    }
    double[][] cov = new double[rawDim][rawDim];
    double[] x = new double[rawDim];
    for (long r = 0; r < rows; r++) {
      for (int j = 0; j < rawDim; j++) {
        x[j] = values[(int) (r * rawDim + j)] - mean[j];
      }
      for (int a = 0; a < rawDim; a++) {
        double xa = x[a];
        double[] row = cov[a];
        for (int b = a; b < rawDim; b++) {
          row[b] += xa * x[b];
        }
      }
    }
    for (int a = 0; a < rawDim; a++) {
      for (int b = a; b < rawDim; b++) {
        cov[a][b] /= rows;
        cov[b][a] = cov[a][b];
      }
    }
    double[][] vectors = new double[rawDim][rawDim];
    double[] eig = jacobi(cov, vectors);
    Integer[] order = new Integer[rawDim];
    for (int i = 0; i < rawDim; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (p, q) -> Double.compare(eig[q], eig[p]));
    double[][] comps = new double[d][rawDim];
    for (int c = 0; c < d; c++) {
      int e = order[c];
      double scale = eig[e] < MIN_VARIANCE ? 0 : 1 / Math.sqrt(eig[e]);
      for (int j = 0; j < rawDim; j++) {
        comps[c][j] = vectors[j][e] * scale;
      }
    }
    return new TokenProjection(rawDim, mean, comps);
  }

  /** Cyclic Jacobi eigen-decomposition of a symmetric matrix (destroyed); eigenvectors are the columns of v. */
  private static double[] jacobi(double[][] a, double[][] v) {
    int n = a.length;
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = 0;
      double diag = 0;
      for (int i = 0; i < n; i++) {
        diag += a[i][i] * a[i][i];
        for (int j = i + 1; j < n; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off <= 1e-24 * diag) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (Math.abs(apq) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    double[] e = new double[n];
    for (int i = 0; i < n; i++) {
      e[i] = a[i][i];
    }
    return e;
  }

  public int dim() {
    return components.length;
  }

  /**
   * Projects tokens stored flat like in {@link #fit} and centres each image's tokens.
   *
   * @throws IllegalArgumentException if the sizes disagree with the fitted raw dimension
   */
  public TokenSet project(float[] values, int n, int tokens, int[] labels, int classes) {
    if ((long) n * tokens * rawDim != values.length || labels.length != n) {
      throw new IllegalArgumentException("bad token array for projection: " + values.length + " values, "
          + labels.length + " labels for n=" + n + " T=" + tokens + " D=" + rawDim);
    }
    int d = components.length;
    double[][] means = new double[n][d];
    double[][][] centred = new double[n][tokens][d];
    double[] x = new double[rawDim];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < tokens; t++) {
        int o = (i * tokens + t) * rawDim;
        for (int j = 0; j < rawDim; j++) {
          x[j] = values[o + j] - globalMean[j];
        }
        for (int c = 0; c < d; c++) {
          double s = 0;
          double[] comp = components[c];
          for (int j = 0; j < rawDim; j++) {
            s += comp[j] * x[j];
          }
          centred[i][t][c] = s;
          means[i][c] += s / tokens;
        }
      }
      for (int t = 0; t < tokens; t++) {
        for (int c = 0; c < d; c++) {
          centred[i][t][c] -= means[i][c];
        }
      }
    }
    return new TokenSet(means, centred, labels.clone(), classes);
  }
}
