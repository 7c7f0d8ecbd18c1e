package io.blindtuner.model;

import io.blindtuner.model.data.TokenSet;
import java.util.SplittableRandom;

/** Seeded random token sets and head parameters for the model tests. */
public final class HeadFixtures {
  private HeadFixtures() {}

  /**
   * n images of the shape's tokens: per-image means with deviation 0.5 and Gaussian token
   * deviations centred over the tokens (so they are true deviations from the mean), labels uniform
   * over the classes.
   */
  public static TokenSet randomData(HeadShape s, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] mean = new double[n][s.dim()];
    double[][][] centred = new double[n][s.tokens()][s.dim()];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < s.dim(); k++) {
        mean[i][k] = r.nextGaussian() * 0.5;
        double sum = 0;
        for (int t = 0; t < s.tokens(); t++) {
          centred[i][t][k] = r.nextGaussian();
          sum += centred[i][t][k];
        }
        for (int t = 0; t < s.tokens(); t++) {
          centred[i][t][k] -= sum / s.tokens();
        }
      }
      labels[i] = r.nextInt(s.classes());
    }
    return new TokenSet(mean, centred, labels, s.classes());
  }

  /** Head parameters drawn independently from N(0, sd^2). */
  public static HeadParameters randomParams(HeadShape s, long seed, double sd) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[s.parameterCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian() * sd;
    }
    return HeadParameters.fromFlat(s, v);
  }
}
