package io.blindtuner.vision.features;

/**
 * Principal component analysis of tokens, fitted on the train split at the hospital and applied to
 * every split: all train tokens (n x T rows of d values) are centred and projected onto the top-k
 * eigenvectors of their covariance. The eigen-decomposition is cyclic Jacobi on the d x d
 * covariance in double precision (robust and exact to rounding; d is at most a few hundred for
 * DeiT). Each component's sign is fixed so its largest entry is positive, so fits are reproducible.
 *
 * @param mean the train mean of each of the d values
 * @param components k rows of d values, orthonormal, by decreasing variance
 * @param variances the variance along each component
 * @param totalVariance the sum of variances of all d values (for the explained-variance ratio)
 */
public record Pca(float[] mean, float[][] components, double[] variances, double totalVariance) {

  /**
   * @throws IllegalArgumentException if the shapes disagree, or a value is not finite or a variance
   *     is negative (a PCA read back from a file must not turn tokens into NaN)
   */
  public Pca {
    if (components.length != variances.length || components.length == 0) {
      throw new IllegalArgumentException("need as many variances as components (>= 1)");
    }
    for (float[] c : components) {
      if (c.length != mean.length) {
        throw new IllegalArgumentException(
            "component of length " + c.length + " for dimension " + mean.length);
      }
      for (float x : c) {
        if (!Float.isFinite(x)) {
          throw new IllegalArgumentException("component value " + x + " is not finite");
        }
      }
    }
    for (float x : mean) {
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("mean value " + x + " is not finite");
      }
    }
    for (double v : variances) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(
            "variance " + v + " is not a finite non-negative number");
      }
    }
    if (!(totalVariance >= 0) || Double.isInfinite(totalVariance)) {
      throw new IllegalArgumentException(
          "total variance " + totalVariance + " is not a finite non-negative number");
    }
    mean = mean.clone();
    components = deepCopy(components);
    variances = variances.clone();
  }

  /** The train mean of each input value (a copy). */
  @Override
  public float[] mean() {
    return mean.clone();
  }

  /** The components, one row of d values each (a copy). */
  @Override
  public float[][] components() {
    return deepCopy(components);
  }

  /** The variance along each component (a copy). */
  @Override
  public double[] variances() {
    return variances.clone();
  }

  private static float[][] deepCopy(float[][] a) {
    float[][] c = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i].clone();
    }
    return c;
  }

  /** Output dimension k. */
  public int outputDim() {
    return components.length;
  }

  /** Input dimension d. */
  public int inputDim() {
    return mean.length;
  }

  /** The fraction of the train variance the k components keep. */
  public double explainedVarianceRatio() {
    double s = 0;
    for (double v : variances) {
      s += v;
    }
    return totalVariance > 0 ? s / totalVariance : 1;
  }

  /**
   * Fits on every token of {@code train}.
   *
   * @param k the output dimension, 1..d
   * @throws IllegalArgumentException if k is out of range or train has fewer than 2 tokens
   */
  public static Pca fit(FeatureSet train, int k) {
    int d = train.dim();
    if (k < 1 || k > d) {
      throw new IllegalArgumentException("PCA dimension " + k + " must be in 1.." + d);
    }
    long rows = (long) train.n() * train.tokens();
    if (rows < 2) {
      throw new IllegalArgumentException("PCA needs at least 2 train tokens, got " + rows);
    }
    float[] v = train.values();
    double[] mean = new double[d];
    for (long r = 0; r < rows; r++) {
      int o = (int) (r * d);
      for (int j = 0; j < d; j++) {
        mean[j] += v[o + j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= rows;
    }
    double[][] cov = new double[d][d];
    double[] x = new double[d];
    for (long r = 0; r < rows; r++) {
      int o = (int) (r * d);
      for (int j = 0; j < d; j++) {
        x[j] = v[o + j] - mean[j];
      }
      for (int a = 0; a < d; a++) {
        double xa = x[a];
        double[] row = cov[a];
        for (int b = a; b < d; b++) {
          row[b] += xa * x[b];
        }
      }
    }
    double total = 0;
    for (int a = 0; a < d; a++) {
      for (int b = a; b < d; b++) {
        cov[a][b] /= rows - 1;
        cov[b][a] = cov[a][b];
      }
      total += cov[a][a];
    }
    double[][] vecs = new double[d][d];
    double[] vals = jacobi(cov, vecs);
    Integer[] order = new Integer[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (p, q) -> Double.compare(vals[q], vals[p]));
    float[][] comps = new float[k][d];
    double[] var = new double[k];
    for (int c = 0; c < k; c++) {
      int col = order[c];
      int arg = 0;
      for (int j = 1; j < d; j++) {
        if (Math.abs(vecs[j][col]) > Math.abs(vecs[arg][col])) {
          arg = j;
        }
      }
      double sign = vecs[arg][col] < 0 ? -1 : 1;
      for (int j = 0; j < d; j++) {
        comps[c][j] = (float) (sign * vecs[j][col]);
      }
      var[c] = Math.max(0, vals[col]);
    }
    float[] m = new float[d];
    for (int j = 0; j < d; j++) {
      m[j] = (float) mean[j];
    }
    return new Pca(m, comps, var, total);
  }

  /**
   * Projects every token of a split.
   *
   * @throws IllegalArgumentException if the split's d differs from the fitted one
   */
  public FeatureSet apply(FeatureSet s) {
    int d = inputDim();
    int k = outputDim();
    if (s.dim() != d) {
      throw new IllegalArgumentException(
          s.split() + ": tokens have d=" + s.dim() + ", PCA was fitted on d=" + d);
    }
    long rows = (long) s.n() * s.tokens();
    float[] out = new float[(int) (rows * k)];
    float[] x = new float[d];
    float[] in = s.values();
    for (long r = 0; r < rows; r++) {
      int o = (int) (r * d);
      for (int j = 0; j < d; j++) {
        x[j] = in[o + j] - mean[j];
      }
      for (int c = 0; c < k; c++) {
        float[] comp = components[c];
        double acc = 0;
        for (int j = 0; j < d; j++) {
          acc += x[j] * comp[j];
        }
        out[(int) (r * k + c)] = (float) acc;
      }
    }
    return new FeatureSet(s.split(), s.n(), s.tokens(), k, out, s.labels().clone());
  }

  /**
   * Cyclic Jacobi eigen-decomposition of the symmetric matrix {@code a} (destroyed). Returns the
   * eigenvalues; {@code vecs} receives the eigenvectors as columns.
   */
  static double[] jacobi(double[][] a, double[][] vecs) {
    int n = a.length;
    for (int i = 0; i < n; i++) {
      java.util.Arrays.fill(vecs[i], 0);
      vecs[i][i] = 1;
    }
    double norm = 0;
    for (double[] row : a) {
      for (double x : row) {
        norm += x * x;
      }
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off <= 1e-30 * norm || off == 0) {
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
          double[] rp = a[p];
          double[] rq = a[q];
          for (int k = 0; k < n; k++) {
            double apk = rp[k];
            double aqk = rq[k];
            rp[k] = c * apk - s * aqk;
            rq[k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = vecs[k][p];
            double vkq = vecs[k][q];
            vecs[k][p] = c * vkp - s * vkq;
            vecs[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    double[] vals = new double[n];
    for (int i = 0; i < n; i++) {
      vals[i] = a[i][i];
    }
    return vals;
  }
}
