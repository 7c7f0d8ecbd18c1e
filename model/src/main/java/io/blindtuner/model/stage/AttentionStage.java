package io.blindtuner.model.stage;

import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.SlotLayout;

/**
 * Encrypted attention pooling with the second-order Taylor softmax (see {@link
 * io.blindtuner.model.approx.TaylorSoftmaxPooling}), on the {@link SlotLayout}.
 *
 * <p>Forward (5 levels, 16 rotations at T = d = 16; the plan derives these by a dry run, see {@link
 * io.blindtuner.model.plan.TrainingPlan}): scores {@code c = sum_k x q / sqrt(d)} (product, sum
 * over columns, mask folding 1/sqrt(d), replicate over columns); {@code U = c (c + 2) = 2 phi(c)};
 * {@code V = U x}; {@code z = mean + sum_t V / (2T)} (sum over rows, mask folding 1/(2T), replicate
 * over rows).
 *
 * <p>Backward (4 levels, 17 rotations at B = 32, T = d = 16): {@code g_t = <dz, x_t> / (T sqrt(d))}
 * (product, sum over columns, mask folding both constants, replicate over columns); {@code dc = g
 * (1 + c)}; {@code dq = sum_{b,t} dc x}: the images and tokens together are every position with the
 * same column, so one cyclic all-sum with stride d over all B*T of them (log2(B*T) rotations, no
 * mask) leaves dq replicated like q.
 */
public final class AttentionStage<C> {
  private final CipherOps<C> ops;
  private final SlotLayout lay;
  private final double invSqrtD;
  private final int tokens;

  /** T and d are the layout's rows and columns. */
  public AttentionStage(CipherOps<C> ops, SlotLayout lay) {
    this.ops = ops;
    this.lay = lay;
    this.tokens = lay.rows();
    this.invSqrtD = 1 / Math.sqrt(lay.cols());
  }

  /**
   * Forward outputs: the pooled z (b, *, k) and the centred scores c (b, t, *), kept for backward.
   */
  public record Forward<C>(C z, C scores) {}

  /**
   * @param x centred tokens (b, t, k)
   * @param mean token means (b, *, k)
   * @param q the query (b, *, k)
   */
  public Forward<C> forward(C x, C mean, C q) {
    C prod = ops.mul(x, q);
    C sum = ops.rotateSum(prod, 1, lay.cols());
    C c = ops.replicate(ops.mulPlain(sum, lay, Mask.column0(invSqrtD)), 1, lay.cols());
    C u = ops.mul(c, ops.addScalar(c, 2));
    C v = ops.mul(u, x);
    C pooled = ops.rotateSum(v, lay.rowStride(), lay.rows());
    C masked = ops.mulPlain(pooled, lay, Mask.row0(1.0 / (2 * tokens)));
    C z = ops.add(ops.replicate(masked, lay.rowStride(), lay.rows()), mean);
    return new Forward<>(z, c);
  }

  /**
   * @param dz dL/dz (b, *, k)
   * @param x centred tokens (b, t, k)
   * @param scores the forward's centred scores
   * @return dL/dq, replicated like q
   */
  public C backward(C dz, C x, C scores) {
    C prod = ops.mul(dz, x);
    C sum = ops.rotateSum(prod, 1, lay.cols());
    C g = ops.replicate(ops.mulPlain(sum, lay, Mask.column0(invSqrtD / tokens)), 1, lay.cols());
    C dc = ops.mul(g, ops.addScalar(scores, 1));
    return ops.rotateSum(ops.mul(dc, x), lay.rowStride(), lay.rows() * lay.batch());
  }
}
