package io.blindtuner.model.approx;

import io.blindtuner.model.OutputSoftmax;
import io.blindtuner.model.plain.ExactSoftmax;
import java.util.SplittableRandom;

/**
 * A softmax the encrypted loss stage can evaluate: a polynomial construction fitted to the exact
 * softmax over centred logits in {@code [-range, range]}, the domain the run checks the logits
 * against. Sealed: the loss stage evaluates each kind its own way.
 */
public sealed interface LossSoftmax extends OutputSoftmax
    permits PolynomialSoftmax, NormalisedSoftmax {

  int classes();

  /** The half-width of the fit's logit domain. */
  double range();

  /**
   * The largest |p_c - softmax_c| over random logit vectors from {@code [-r, r]^C} (a fixed seed
   * distinct from the fit's).
   */
  default double maxError(double r) {
    SplittableRandom rnd = new SplittableRandom(LogitSamples.CHECK_SEED);
    double worst = 0;
    for (int s = 0; s < LogitSamples.COUNT; s++) {
      double[] l = LogitSamples.uniform(rnd, classes(), r);
      double[] p = probabilities(l);
      double[] e = ExactSoftmax.softmax(l);
      for (int c = 0; c < p.length; c++) {
        worst = Math.max(worst, Math.abs(p[c] - e[c]));
      }
    }
    return worst;
  }
}
