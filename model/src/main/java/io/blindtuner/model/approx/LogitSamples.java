package io.blindtuner.model.approx;

import io.blindtuner.model.plain.SoftmaxLoss;
import java.util.SplittableRandom;

/**
 * The logit vectors the loss-stage softmaxes are fitted and checked on: drawn uniformly from {@code
 * [-range, range]^C}, then centred, from fixed seeds so that every party derives the same fit.
 */
final class LogitSamples {
  static final int COUNT = 20000;
  private static final long FIT_SEED = 0x5eed_50f7L;

  /** Distinct from the fit's: the error is measured on vectors the fit did not see. */
  static final long CHECK_SEED = FIT_SEED + 1;

  private LogitSamples() {}

  /** The fit's {@link #COUNT} centred vectors. */
  static double[][] centredCube(int classes, double range) {
    SplittableRandom r = new SplittableRandom(FIT_SEED);
    double[][] out = new double[COUNT][];
    for (int s = 0; s < COUNT; s++) {
      out[s] = SoftmaxLoss.centred(uniform(r, classes, range));
    }
    return out;
  }

  static double[] uniform(SplittableRandom r, int n, double range) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = (2 * r.nextDouble() - 1) * range;
    }
    return v;
  }
}
