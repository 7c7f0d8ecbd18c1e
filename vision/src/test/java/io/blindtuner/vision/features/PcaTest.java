package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PcaTest {

  /**
   * Tokens x = mean + sum_i sqrt(var_i) z_i e_i + small noise, along a random orthonormal basis e.
   */
  private static FeatureSet planted(int n, int t, int d, double[] sd, double[][] basis, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n * t * d];
    for (int row = 0; row < n * t; row++) {
      for (int i = 0; i < sd.length; i++) {
        double z = r.nextGaussian() * sd[i];
        for (int j = 0; j < d; j++) {
          v[row * d + j] += (float) (z * basis[i][j]);
        }
      }
      for (int j = 0; j < d; j++) {
        v[row * d + j] += (float) (3 + 1e-3 * r.nextGaussian());
      }
    }
    return new FeatureSet("train", n, t, d, v, new int[n]);
  }

  private static double[][] orthonormal(int k, int d, long seed) {
    Random r = new Random(seed);
    double[][] b = new double[k][d];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < d; j++) {
        b[i][j] = r.nextGaussian();
      }
      for (int p = 0; p < i; p++) {
        double dot = 0;
        for (int j = 0; j < d; j++) {
          dot += b[i][j] * b[p][j];
        }
        for (int j = 0; j < d; j++) {
          b[i][j] -= dot * b[p][j];
        }
      }
      double norm = 0;
      for (int j = 0; j < d; j++) {
        norm += b[i][j] * b[i][j];
      }
      for (int j = 0; j < d; j++) {
        b[i][j] /= Math.sqrt(norm);
      }
    }
    return b;
  }

  @Test
  void recoversPlantedDirectionsInOrder() {
    int d = 24;
    double[][] basis = orthonormal(3, d, 1);
    FeatureSet train = planted(500, 4, d, new double[] {5, 2, 0.7}, basis, 2);
    Pca pca = Pca.fit(train, 3);
    for (int i = 0; i < 3; i++) {
      double dot = 0;
      for (int j = 0; j < d; j++) {
        dot += pca.components()[i][j] * basis[i][j];
      }
      assertThat(Math.abs(dot)).as("component " + i).isGreaterThan(0.995);
    }
    assertThat(pca.variances()[0]).isCloseTo(25, within(2.5));
    assertThat(pca.variances()[1]).isCloseTo(4, within(0.4));
    assertThat(pca.variances()[2]).isCloseTo(0.49, within(0.05));
    assertThat(pca.explainedVarianceRatio()).isGreaterThan(0.999);
    assertThat(pca.mean()[5]).isCloseTo(3f, within(0.1f));
    FeatureSet out = pca.apply(train);
    assertThat(out.dim()).isEqualTo(3);
    assertThat(out.tokens()).isEqualTo(4);
    double s = 0;
    for (int r = 0; r < 2000; r++) {
      s += out.values()[r * 3];
    }
    assertThat(s / 2000).isCloseTo(0, within(1e-3));
  }

  @Test
  void jacobiDiagonalisesASymmetricMatrix() {
    int n = 30;
    Random r = new Random(3);
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        a[i][j] = a[j][i] = r.nextGaussian();
      }
    }
    double[][] copy = new double[n][];
    for (int i = 0; i < n; i++) {
      copy[i] = a[i].clone();
    }
    double[][] v = new double[n][n];
    double[] vals = Pca.jacobi(a, v);
    for (int c = 0; c < n; c++) {
      for (int i = 0; i < n; i++) {
        double av = 0;
        for (int j = 0; j < n; j++) {
          av += copy[i][j] * v[j][c];
        }
        assertThat(av).isCloseTo(vals[c] * v[i][c], within(1e-10));
      }
      for (int c2 = 0; c2 < n; c2++) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += v[i][c] * v[i][c2];
        }
        assertThat(dot).isCloseTo(c == c2 ? 1 : 0, within(1e-12));
      }
    }
  }

  @Test
  void refusesBadDimensions() {
    FeatureSet train = planted(5, 2, 4, new double[] {1}, orthonormal(1, 4, 1), 1);
    assertThatThrownBy(() -> Pca.fit(train, 5)).hasMessageContaining("must be in 1..4");
    Pca p = Pca.fit(train, 2);
    FeatureSet other = new FeatureSet("x", 1, 1, 3, new float[3], new int[1]);
    assertThatThrownBy(() -> p.apply(other)).hasMessageContaining("fitted on d=4");
  }
}
