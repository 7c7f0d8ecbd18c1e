package io.blindtuner.model.approx;

import java.util.function.DoubleUnaryOperator;

/** Least-squares fits of small polynomials with a chosen set of powers. */
public final class LeastSquares {
  private static final int SAMPLES = 4001;

  private LeastSquares() {}

  /**
   * Fits {@code sum_j a_j x^powers[j]} to f on a uniform grid of [lo, hi] (the grid weights the
   * whole interval evenly, which is what training sees far better than a Chebyshev weighting
   * would).
   *
   * @throws IllegalArgumentException if the interval is empty or the powers are empty or negative
   */
  public static Polynomial fit(DoubleUnaryOperator f, double lo, double hi, int... powers) {
    if (!(hi > lo) || powers.length == 0) {
      throw new IllegalArgumentException(
          "need lo < hi and at least one power: [" + lo + ", " + hi + "]");
    }
    int k = powers.length;
    double[][] rows = new double[SAMPLES][k];
    double[] y = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      double x = lo + (hi - lo) * i / (SAMPLES - 1);
      for (int j = 0; j < k; j++) {
        if (powers[j] < 0) {
          throw new IllegalArgumentException("negative power " + powers[j]);
        }
        rows[i][j] = Math.pow(x, powers[j]);
      }
      y[i] = f.applyAsDouble(x);
    }
    double[] a = solve(rows, y);
    int maxPower = 0;
    for (int p : powers) {
      maxPower = Math.max(maxPower, p);
    }
    double[] c = new double[maxPower + 1];
    for (int j = 0; j < k; j++) {
      c[powers[j]] += a[j];
    }
    return new Polynomial(c);
  }

  /**
   * Solves the least-squares problem {@code min ||rows a - y||} through the normal equations (k is
   * at most a few columns here, so their conditioning is harmless).
   *
   * @throws IllegalArgumentException if the columns are linearly dependent
   */
  public static double[] solve(double[][] rows, double[] y) {
    int k = rows[0].length;
    double[][] m = new double[k][k + 1];
    for (int i = 0; i < rows.length; i++) {
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          m[a][b] += rows[i][a] * rows[i][b];
        }
        m[a][k] += rows[i][a] * y[i];
      }
    }
    for (int col = 0; col < k; col++) {
      int piv = col;
      for (int r = col + 1; r < k; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
          piv = r;
        }
      }
      double[] t = m[col];
      m[col] = m[piv];
      m[piv] = t;
      if (Math.abs(m[col][col]) < 1e-300) {
        throw new IllegalArgumentException("least-squares columns are linearly dependent");
      }
      for (int r = 0; r < k; r++) {
        if (r != col) {
          double f = m[r][col] / m[col][col];
          for (int c = col; c <= k; c++) {
            m[r][c] -= f * m[col][c];
          }
        }
      }
    }
    double[] a = new double[k];
    for (int i = 0; i < k; i++) {
      a[i] = m[i][k] / m[i][i];
    }
    return a;
  }
}
