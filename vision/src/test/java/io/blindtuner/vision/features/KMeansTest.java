package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeansTest {

  /** n points around each of the centres, Gaussian with deviation sd, shuffled together. */
  private static double[][] blobs(double[][] centres, int n, double sd, long seed) {
    Random r = new Random(seed);
    double[][] p = new double[centres.length * n][];
    for (int i = 0; i < p.length; i++) {
      double[] c = centres[i % centres.length];
      p[i] = new double[c.length];
      for (int j = 0; j < c.length; j++) {
        p[i][j] = c[j] + sd * r.nextGaussian();
      }
    }
    return p;
  }

  @Test
  void convergesToThePlantedCentresOfSeparableClusters() {
    double[][] centres = {{0, 0, 0, 0}, {10, 0, 0, 0}, {0, 10, 0, 5}, {0, 0, 10, -5}};
    double[][] points = blobs(centres, 200, 0.5, 3);
    KMeans km = KMeans.fit(points, 4, 100, 11);
    assertThat(km.converged()).isTrue();
    assertThat(km.iterations()).isLessThan(100);
    // every planted centre has one fitted centroid within 0.2 (the standard error is 0.5 /
    // sqrt(200) per axis)
    double[][] c = km.centroids();
    boolean[] used = new boolean[4];
    for (double[] centre : centres) {
      int j = KMeans.nearest(centre, c);
      assertThat(used[j]).as("two planted centres share centroid %d", j).isFalse();
      used[j] = true;
      assertThat(Math.sqrt(KMeans.squaredDistance(centre, c[j]))).isLessThan(0.2);
    }
    // the mean squared distance is about the noise's: 4 axes x 0.25
    assertThat(km.inertia()).isBetween(0.8, 1.2);
    // every point is assigned to its own blob's centroid
    for (int i = 0; i < points.length; i++) {
      assertThat(KMeans.nearest(points[i], c)).isEqualTo(KMeans.nearest(centres[i % 4], c));
    }
  }

  @Test
  void theSameSeedGivesTheSameCentroids() {
    double[][] points = blobs(new double[][] {{0, 0}, {1, 1}, {2, 0}}, 50, 0.8, 5);
    assertThat(KMeans.fit(points, 5, 30, 9).centroids())
        .isDeepEqualTo(KMeans.fit(points, 5, 30, 9).centroids());
  }

  @Test
  void coincidentPointsStillGiveKCentroids() {
    double[][] points = {{1, 2}, {1, 2}, {1, 2}};
    KMeans km = KMeans.fit(points, 3, 10, 1);
    assertThat(km.centroids()).hasNumberOfRows(3);
    assertThat(km.inertia()).isZero();
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    assertThatThrownBy(() -> KMeans.fit(new double[0][], 1, 10, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("points")
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> KMeans.fit(new double[][] {{1, 2}, {3}}, 1, 10, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 has 1 values");
    assertThatThrownBy(() -> KMeans.fit(new double[][] {{1, 2}, {3, Double.NaN}}, 1, 10, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("row 1 holds NaN");
    assertThatThrownBy(() -> KMeans.fit(new double[][] {{1}, {2}}, 3, 10, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k 3 must be in 1..2");
    assertThatThrownBy(() -> KMeans.fit(new double[][] {{1}, {2}}, 1, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxIterations");
  }
}
