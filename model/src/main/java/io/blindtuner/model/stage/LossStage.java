package io.blindtuner.model.stage;

import io.blindtuner.model.approx.LossSoftmax;
import io.blindtuner.model.approx.NormalisedSoftmax;
import io.blindtuner.model.approx.PolynomialSoftmax;
import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.SlotLayout;

/**
 * The encrypted loss gradient {@code G = (p - y) / B} of centred logits {@code u = l - mean_c l},
 * with either loss softmax: the odd polynomial {@code p_c = 1/C + f(u_c) - mean_c f(u)} ({@link
 * PolynomialSoftmax}, two classes) or the normalised {@code p_c = 1/C + (e(u_c) - m) r(m) / C},
 * {@code m = mean_c e(u)} ({@link NormalisedSoftmax}, more).
 *
 * <p>The logits are zero in the padded columns c >= C, so the class mean is a rotate-and-sum over
 * the first C columns and its replication goes to exactly those C columns: u, f(u) (odd, f(0) = 0),
 * {@code e(u) - m} (e's constant is added to the first C columns only) and G stay zero in the
 * padding without extra masks. 1/B is folded into the coefficients and the constant; the hospital
 * sends y / B. The range penalty's gradient {@code 2 lambda u} joins the linear term (no rotation).
 *
 * <p>Levels: odd polynomial 1 (mean) + 3 (quintic; 2 for a cubic, 1 for a linear f) + 1 (mean of f)
 * = 5; normalised 1 (mean) + 2 (cubic e) + 1 (mean of e) + 2 (quadratic r) + 1 (product) = 7.
 * Rotations, both: two class means of 2 (log2 of C rounded up) + 2 (C - 1, or log2 C) = 4 for C =
 * 2; 14 for C = 5. Products: 2 (quintic), 4 (normalised).
 */
public final class LossStage<C> {
  private final CipherOps<C> ops;
  private final SlotLayout lay;
  private final int classes;
  private final int sumWidth;
  private final LossSoftmax softmax;
  private final double rangePenalty;

  /**
   * @param rangePenalty lambda of the centred-logit penalty, as in {@link
   *     io.blindtuner.model.plain.SoftmaxLoss}
   */
  public LossStage(CipherOps<C> ops, SlotLayout lay, LossSoftmax softmax, double rangePenalty) {
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
    double scale = 1.0 / lay.batch();
    C g;
    if (softmax instanceof NormalisedSoftmax n) {
      g = ops.add(normalised(n, u, scale), ops.mulScalar(u, 2 * rangePenalty * scale));
    } else {
      PolynomialSoftmax odd = (PolynomialSoftmax) softmax;
      C f = oddPolynomial(odd, u, scale);
      g = ops.sub(f, classMean(f));
    }
    g = ops.addPlain(g, lay, Mask.firstColumns(classes, scale / classes));
    return ops.sub(g, labels);
  }

  /**
   * {@code scale * (e(u) - m) r(m) / C}: e at depth 2 (the cubic term as {@code (e3 u) u^2}), m a
   * class mean, r at depth 2 with the factor folded into its coefficients.
   */
  private C normalised(NormalisedSoftmax n, C u, double scale) {
    C u2 = ops.mul(u, u);
    C e = ops.mulScalar(u, n.expCoefficient(1));
    e = ops.add(e, ops.mulScalar(u2, n.expCoefficient(2)));
    e = ops.add(e, ops.mul(ops.mulScalar(u, n.expCoefficient(3)), u2));
    e = ops.addPlain(e, lay, Mask.firstColumns(classes, n.expCoefficient(0)));
    C m = classMean(e);
    double k = scale / classes;
    C m2 = ops.mul(m, m);
    C r = ops.mulScalar(m, n.inverseCoefficient(1) * k);
    r = ops.add(r, ops.mulScalar(m2, n.inverseCoefficient(2) * k));
    r = ops.addPlain(r, lay, Mask.firstColumns(classes, n.inverseCoefficient(0) * k));
    return ops.mul(ops.sub(e, m), r);
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
  private C oddPolynomial(PolynomialSoftmax odd, C u, double scale) {
    C result = ops.mulScalar(u, (odd.a1() + 2 * rangePenalty) * scale);
    if (odd.a3() == 0 && odd.a5() == 0) {
      return result;
    }
    C u2 = ops.mul(u, u);
    result = ops.add(result, ops.mul(ops.mulScalar(u, odd.a3() * scale), u2));
    if (odd.a5() != 0) {
      C u4 = ops.mul(u2, u2);
      result = ops.add(result, ops.mul(ops.mulScalar(u, odd.a5() * scale), u4));
    }
    return result;
  }
}
