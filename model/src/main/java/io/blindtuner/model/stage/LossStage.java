package io.blindtuner.model.stage;

import io.blindtuner.model.approx.PolynomialSoftmax;
import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.SlotLayout;

/**
 * The encrypted loss gradient {@code G = (p - y) / B} with the polynomial softmax {@code p_c = 1/C
 * + f(u_c) - mean_c f(u)}, {@code u = l - mean_c l} (see {@link PolynomialSoftmax}).
 *
 * <p>The logits are zero in the padded columns c >= C, so the class mean is a rotate-and-sum over
 * the first C columns and its replication goes to exactly those C columns: u, f(u) (odd, f(0) = 0)
 * and G stay zero in the padding without extra masks. 1/B is folded into f's coefficients and the
 * constant; the hospital sends y / B. The range penalty's gradient {@code 2 lambda u} joins f's
 * linear coefficient (no level, no rotation).
 *
 * <p>Levels: 1 (mean) + 3 (quintic; 2 for a cubic, 1 for a linear f) + 1 (mean of f) = 5 for two
 * classes. Rotations: 2 (log2 of C rounded up) + 2 (C - 1, or log2 C) = 4 for C = 2; 14 for C = 5.
 */
public final class LossStage<C> {
  private final CipherOps<C> ops;
  private final SlotLayout lay;
  private final int classes;
  private final int sumWidth;
  private final PolynomialSoftmax softmax;
  private final double rangePenalty;

  /**
   * @param rangePenalty lambda of the centred-logit penalty, as in {@link
   *     io.blindtuner.model.plain.SoftmaxLoss}
   */
  public LossStage(
      CipherOps<C> ops, SlotLayout lay, PolynomialSoftmax softmax, double rangePenalty) {
    this.ops = ops;
    this.lay = lay;
    this.classes = softmax.classes();
    this.sumWidth = CipherOps.ceilPowerOfTwo(classes);
    this.softmax = softmax;
    this.rangePenalty = rangePenalty;
  }

  /**
   * @param logits (b, *, c), zero for c >= C
   * @param labels one-hot labels divided by B, (b, *, c)
   * @return G = dL/dlogits (b, *, c), zero for c >= C
   */
  public C forward(C logits, C labels) {
    C mean = classMean(logits);
    C u = ops.sub(logits, mean);
    C f = oddPolynomial(u, 1.0 / lay.batch());
    C fMean = classMean(f);
    C g = ops.sub(f, fMean);
    g = ops.addPlain(g, lay, Mask.firstColumns(classes, 1.0 / (classes * (double) lay.batch())));
    return ops.sub(g, labels);
  }

  /** The mean over the first C columns, replicated to exactly those columns. */
  private C classMean(C a) {
    C sum = ops.rotateSum(a, 1, sumWidth);
    C masked = ops.mulPlain(sum, lay, Mask.column0(1.0 / classes));
    return ops.replicate(masked, 1, classes);
  }

  /**
   * {@code scale * ((a1 + 2 lambda) u + a3 u^3 + a5 u^5)}, with the coefficients folded into scalar
   * products.
   */
  private C oddPolynomial(C u, double scale) {
    C result = ops.mulScalar(u, (softmax.a1() + 2 * rangePenalty) * scale);
    if (softmax.a3() == 0 && softmax.a5() == 0) {
      return result;
    }
    C u2 = ops.mul(u, u);
    result = ops.add(result, ops.mul(ops.mulScalar(u, softmax.a3() * scale), u2));
    if (softmax.a5() != 0) {
      C u4 = ops.mul(u2, u2);
      result = ops.add(result, ops.mul(ops.mulScalar(u, softmax.a5() * scale), u4));
    }
    return result;
  }
}
