package io.blindtuner.model.stage;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.SlotLayout;

/**
 * Encrypted attention pooling with the second-order Taylor softmax (see
 * {@link io.blindtuner.model.approx.TaylorSoftmaxPooling}), on the {@link SlotLayout}.
 *
 * <p>Forward (5 levels, 16 rotations at T = d = 16): scores {@code c = sum_k x q / sqrt(d)} (product, sum over
 * columns, mask folding 1/sqrt(d), replicate over columns); {@code U = c (c + 2) = 2 phi(c)}; {@code V = U x};
 * {@code z = mean + sum_t V / (2T)} (sum over rows, mask folding 1/(2T), replicate over rows).
 *
 * <p>Backward (4 levels, 17 rotations at B = 32, T = d = 16): {@code g_t = <dz, x_t> / (T sqrt(d))} (product, sum
 * over columns, mask folding both constants, replicate over columns); {@code dc = g (1 + c)};
 * {@code dq = sum_{b,t} dc x}: the images and tokens together are every position with the same column, so one
 * cyclic all-sum with stride d over all B*T of them (log2(B*T) rotations, no mask) leaves dq replicated like q.
 */
public final class AttentionStage implements EncryptedStage {
  private final CipherOps ops;
  private final SlotLayout lay;
  private final double invSqrtD;
  private final int tokens;

  /** T and d are the layout's rows and columns. */
  public AttentionStage(CipherOps ops, SlotLayout lay) {
    this.ops = ops;
    this.lay = lay;
    this.tokens = lay.rows();
    this.invSqrtD = 1 / Math.sqrt(lay.cols());
  }

  /** Forward outputs: the pooled z (b, *, k) and the centred scores c (b, t, *), kept for backward. */
  public record Forward(Ciphertext z, Ciphertext scores) {}

  @Override
  public String name() {
    return "attention";
  }

  @Override
  public int[] rotationSteps() {
    return steps(lay);
  }

  /** The steps an attention stage on this layout uses. */
  public static int[] steps(SlotLayout lay) {
    int col = 1;
    int row = lay.rowStride();
    return new CipherOps.Steps()
        .add(CipherOps.rotateSumSteps(col, lay.cols())).add(CipherOps.replicateSteps(col, lay.cols()))
        .add(CipherOps.rotateSumSteps(row, lay.rows())).add(CipherOps.replicateSteps(row, lay.rows()))
        .add(CipherOps.rotateSumSteps(lay.rowStride(), lay.rows() * lay.batch())).toArray();
  }

  @Override
  public int forwardLevels() {
    return 5;
  }

  @Override
  public int backwardLevels() {
    return 4;
  }

  /**
   * @param x centred tokens (b, t, k)
   * @param mean token means (b, *, k)
   * @param q the query (b, *, k)
   */
  public Forward forward(Ciphertext x, Ciphertext mean, Ciphertext q) {
    Ciphertext prod = ops.mul(x, q);
    Ciphertext sum = ops.rotateSum(prod, 1, lay.cols());
    Ciphertext c = ops.replicate(ops.mulPlain(sum, lay, Mask.column0(invSqrtD)), 1, lay.cols());
    Ciphertext u = ops.mul(c, ops.addScalar(c, 2));
    Ciphertext v = ops.mul(u, x);
    Ciphertext pooled = ops.rotateSum(v, lay.rowStride(), lay.rows());
    Ciphertext masked = ops.mulPlain(pooled, lay, Mask.row0(1.0 / (2 * tokens)));
    Ciphertext z = ops.add(ops.replicate(masked, lay.rowStride(), lay.rows()), mean);
    return new Forward(z, c);
  }

  /**
   * @param dz dL/dz (b, *, k)
   * @param x centred tokens (b, t, k)
   * @param fwd the forward outputs
   * @return dL/dq, replicated like q
   */
  public Ciphertext backward(Ciphertext dz, Ciphertext x, Forward fwd) {
    Ciphertext prod = ops.mul(dz, x);
    Ciphertext sum = ops.rotateSum(prod, 1, lay.cols());
    Ciphertext g = ops.replicate(ops.mulPlain(sum, lay, Mask.column0(invSqrtD / tokens)), 1,
        lay.cols());
    Ciphertext dc = ops.mul(g, ops.addScalar(fwd.scores(), 1));
    return ops.rotateSum(ops.mul(dc, x), lay.rowStride(), lay.rows() * lay.batch());
  }
}
