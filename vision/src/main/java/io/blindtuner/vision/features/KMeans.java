package io.blindtuner.vision.features;

import java.util.SplittableRandom;

/**
 * Euclidean k-means (Lloyd's iterations from a k-means++ start) on points in double precision. The
 * random choices come from a seeded {@link SplittableRandom}: the clustering is reproducible, and
 * nothing here is secret.
 *
 * @param centroids k rows of d values
 * @param iterations Lloyd iterations run
 * @param converged whether the last iteration changed no assignment
 * @param inertia the mean squared distance of each point to its centroid at the end
 */
public record KMeans(double[][] centroids, int iterations, boolean converged, double inertia) {

  /** The centroids (a copy). */
  @Override
  public double[][] centroids() {
    double[][] c = new double[centroids.length][];
    for (int j = 0; j < c.length; j++) {
      c[j] = centroids[j].clone();
    }
    return c;
  }

  /**
   * Clusters {@code points} into {@code k} groups.
   *
   * @param points n rows of d values, n >= k
   * @param k clusters, >= 1
   * @param maxIterations Lloyd iterations at most, >= 1
   * @param seed the k-means++ and re-seeding randomness
   * @throws IllegalArgumentException naming the field: no points, rows of different lengths, a
   *     non-finite value, k outside 1..n, or maxIterations below 1
   */
  public static KMeans fit(double[][] points, int k, int maxIterations, long seed) {
    if (points.length == 0) {
      throw new IllegalArgumentException("k-means points: the set is empty");
    }
    int d = points[0].length;
    for (int i = 0; i < points.length; i++) {
      if (points[i].length != d || d == 0) {
        throw new IllegalArgumentException(
            "k-means points: row "
                + i
                + " has "
                + points[i].length
                + " values, row 0 has "
                + d
                + " (rows must be equal and non-empty)");
      }
      for (double x : points[i]) {
        if (!Double.isFinite(x)) {
          throw new IllegalArgumentException("k-means points: row " + i + " holds " + x);
        }
      }
    }
    if (k < 1 || k > points.length) {
      throw new IllegalArgumentException(
          "k-means k " + k + " must be in 1.." + points.length + " (the points)");
    }
    if (maxIterations < 1) {
      throw new IllegalArgumentException(
          "k-means maxIterations must be >= 1, got " + maxIterations);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] c = plusPlus(points, k, rng);
    int n = points.length;
    int[] assign = new int[n];
    java.util.Arrays.fill(assign, -1);
    double[] dist = new double[n];
    int it = 0;
    boolean converged = false;
    while (it < maxIterations && !converged) {
      it++;
      converged = true;
      for (int i = 0; i < n; i++) {
        int best = nearest(points[i], c);
        dist[i] = squaredDistance(points[i], c[best]);
        if (best != assign[i]) {
          assign[i] = best;
          converged = false;
        }
      }
      if (converged) {
        break;
      }
      double[][] sum = new double[k][d];
      int[] count = new int[k];
      for (int i = 0; i < n; i++) {
        count[assign[i]]++;
        double[] s = sum[assign[i]];
        for (int j = 0; j < d; j++) {
          s[j] += points[i][j];
        }
      }
      for (int j = 0; j < k; j++) {
        if (count[j] > 0) {
          for (int q = 0; q < d; q++) {
            c[j][q] = sum[j][q] / count[j];
          }
        } else {
          // an empty cluster takes the point worst served so far, which then cannot be taken twice
          int far = 0;
          for (int i = 1; i < n; i++) {
            if (dist[i] > dist[far]) {
              far = i;
            }
          }
          c[j] = points[far].clone();
          dist[far] = 0;
        }
      }
    }
    double inertia = 0;
    for (double[] p : points) {
      inertia += squaredDistance(p, c[nearest(p, c)]);
    }
    return new KMeans(c, it, converged, inertia / n);
  }

  /** The index of the centroid nearest to {@code p} (the first on ties). */
  public static int nearest(double[] p, double[][] centroids) {
    int best = 0;
    double bestD = Double.POSITIVE_INFINITY;
    for (int j = 0; j < centroids.length; j++) {
      double dd = squaredDistance(p, centroids[j]);
      if (dd < bestD) {
        bestD = dd;
        best = j;
      }
    }
    return best;
  }

  static double squaredDistance(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      double t = a[j] - b[j];
      s += t * t;
    }
    return s;
  }

  /**
   * k-means++: each next centre drawn with probability proportional to its squared distance from
   * the chosen.
   */
  private static double[][] plusPlus(double[][] points, int k, SplittableRandom rng) {
    int n = points.length;
    double[][] c = new double[k][];
    c[0] = points[rng.nextInt(n)].clone();
    double[] dist = new double[n];
    for (int i = 0; i < n; i++) {
      dist[i] = squaredDistance(points[i], c[0]);
    }
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (double x : dist) {
        total += x;
      }
      int pick;
      if (total == 0) {
        pick = rng.nextInt(n); // every point coincides with a centre already: any duplicate will do
      } else {
        double r = rng.nextDouble() * total;
        pick = n - 1;
        for (int i = 0; i < n; i++) {
          r -= dist[i];
          if (r < 0) {
            pick = i;
            break;
          }
        }
      }
      c[j] = points[pick].clone();
      for (int i = 0; i < n; i++) {
        dist[i] = Math.min(dist[i], squaredDistance(points[i], c[j]));
      }
    }
    return c;
  }
}
