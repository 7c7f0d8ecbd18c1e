package io.blindtuner.model.stage;

import io.blindtuner.model.approx.QuadraticGelu;
import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.SlotLayout;

/**
 * The encrypted MLP {@code h = W1 z + b1, a = alpha h^2 + beta h, l = W2 a + b2} on the {@link
 * SlotLayout}. The activation is computed as {@code aq = h (h + beta/alpha)} (one product); alpha
 * is folded into the logits mask, into the backward mask of da, and into the W2 gradient's factor
 * that the optimizer applies.
 *
 * <p>Forward (5 levels, 16 rotations at T = d = 16): {@code h} (product, sum over columns, mask,
 * replicate over columns, + b1); {@code aq}; {@code l} (product with W2, sum over rows, mask
 * folding alpha, replicate over rows, + b2).
 *
 * <p>Backward from {@code G = dL/dl} (5 levels on the dz path, 4 to the W1 gradient; 33 rotations
 * at B = 32, T = d = 16, C = 2: five batch all-sums of 5, the class sum of 1 (3 for C = 5) and its
 * replication of 4, the hidden-unit sum and replication of 4 each): {@code dW2 = sum_b G aq} (times
 * alpha), {@code db2 = sum_b G}, {@code da = sum_c W2 G} (mask folding 2 alpha), {@code dh = da (h
 * + beta / (2 alpha)) + kappa h}, {@code dW1 = sum_b dh z}, {@code db1 = sum_b dh}, {@code dz =
 * sum_j W1 dh}. The range penalty's term {@code kappa h} ({@code kappa = 2 lambda / B}) rides in
 * the same product as {@code (da + kappa)(h + c) - kappa c}, {@code c = beta / (2 alpha)}: two
 * scalar additions, no level and no rotation (h and da are zero outside the valid slots, so the
 * padding stays zero).
 */
public final class MlpStage<C> {
  private final CipherOps<C> ops;
  private final SlotLayout lay;
  private final int classes;
  private final double alpha;
  private final double beta;
  private final double kappa;
  private final int gradientLevel;

  /**
   * @param gradientLevel the level the bias gradients are brought down to before their batch sums
   *     (the levels the optimizer needs): rotations cost roughly (level + 1)^2, and G arrives
   *     several levels higher
   * @param rangePenalty lambda of the pre-activation penalty, as in {@link
   *     io.blindtuner.model.plain.Mlp}
   */
  public MlpStage(
      CipherOps<C> ops,
      SlotLayout lay,
      int classes,
      QuadraticGelu activation,
      double rangePenalty,
      int gradientLevel) {
    this.ops = ops;
    this.lay = lay;
    this.classes = classes;
    this.alpha = activation.alpha();
    this.beta = activation.beta();
    this.kappa = 2 * rangePenalty / lay.batch();
    this.gradientLevel = gradientLevel;
  }

  /** Forward outputs kept for backward: h (b, j, *), aq (b, j, *) and the logits (b, *, c). */
  public record Forward<C>(C h, C aq, C logits) {}

  /**
   * Backward outputs. The W2 gradient is divided by alpha: the optimizer folds alpha into its
   * scalar ({@link io.blindtuner.model.cloud.Phase#OPTIMIZER_UPDATE}).
   */
  public record Backward<C>(C dz, C w1, C b1, C w2, C b2) {}

  public Forward<C> forward(C z, C w1, C b1, C w2, C b2) {
    C hs = ops.rotateSum(ops.mul(z, w1), 1, lay.cols());
    C h = ops.add(ops.replicate(ops.mulPlain(hs, lay, Mask.column0(1)), 1, lay.cols()), b1);
    C aq = ops.mul(h, ops.addScalar(h, beta / alpha));
    C ls = ops.rotateSum(ops.mul(aq, w2), lay.rowStride(), lay.rows());
    C lm = ops.mulPlain(ls, lay, Mask.row0(alpha));
    C logits = ops.add(ops.replicate(lm, lay.rowStride(), lay.rows()), b2);
    return new Forward<>(h, aq, logits);
  }

  /**
   * @param g dL/dlogits (b, *, c), zero for c >= C
   * @param h the forward's pre-activation
   * @param aq the forward's activation (divided by alpha)
   */
  public Backward<C> backward(C g, C z, C h, C aq, C w1, C w2) {
    int batch = lay.batchStride();
    C dw2 = ops.rotateSum(ops.mul(g, aq), batch, lay.batch());
    C db2 = ops.rotateSum(ops.down(g, Math.min(ops.level(g), gradientLevel)), batch, lay.batch());
    C das = ops.rotateSum(ops.mul(w2, g), 1, CipherOps.ceilPowerOfTwo(classes));
    C da = ops.replicate(ops.mulPlain(das, lay, Mask.column0(2 * alpha)), 1, lay.cols());
    double c = beta / (2 * alpha);
    C dh =
        kappa == 0
            ? ops.mul(da, ops.addScalar(h, c))
            : ops.addScalar(ops.mul(ops.addScalar(da, kappa), ops.addScalar(h, c)), -kappa * c);
    C dw1 = ops.rotateSum(ops.mul(dh, z), batch, lay.batch());
    C db1 = ops.rotateSum(ops.down(dh, Math.min(ops.level(dh), gradientLevel)), batch, lay.batch());
    C dzs = ops.rotateSum(ops.mul(w1, dh), lay.rowStride(), lay.rows());
    C dz = ops.replicate(ops.mulPlain(dzs, lay, Mask.row0(1)), lay.rowStride(), lay.rows());
    return new Backward<>(dz, dw1, db1, dw2, db2);
  }
}
