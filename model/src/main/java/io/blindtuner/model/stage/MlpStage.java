package io.blindtuner.model.stage;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.approx.QuadraticGelu;
import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.SlotLayout;

/**
 * The encrypted MLP {@code h = W1 z + b1, a = alpha h^2 + beta h, l = W2 a + b2} on the {@link SlotLayout}. The
 * activation is computed as {@code aq = h (h + beta/alpha)} (one product); alpha is folded into the logits mask,
 * into the backward mask of da, and into the W2 gradient's factor that the optimizer applies.
 *
 * <p>Forward (5 levels, 16 rotations at T = d = 16): {@code h} (product, sum over columns, mask, replicate over
 * columns, + b1); {@code aq}; {@code l} (product with W2, sum over rows, mask folding alpha, replicate over rows,
 * + b2).
 *
 * <p>Backward from {@code G = dL/dl} (5 levels on the dz path, 4 to the W1 gradient; 33 rotations at B = 32,
 * T = d = 16, C = 2: five batch all-sums of 5, the class sum of 1 (3 for C = 5) and its replication of 4, the
 * hidden-unit sum and replication of 4 each):
 * {@code dW2 = sum_b G aq} (times alpha), {@code db2 = sum_b G}, {@code da = sum_c W2 G} (mask folding 2 alpha),
 * {@code dh = da (h + beta / (2 alpha))}, {@code dW1 = sum_b dh z}, {@code db1 = sum_b dh},
 * {@code dz = sum_j W1 dh}.
 */
public final class MlpStage implements EncryptedStage {
  private final CipherOps ops;
  private final SlotLayout lay;
  private final int classes;
  private final double alpha;
  private final double beta;
  private final int gradientLevel;

  /**
   * @param gradientLevel the level the bias gradients are brought down to before their batch sums (the levels the
   *     optimizer needs): rotations cost roughly (level + 1)^2, and G arrives several levels higher
   */
  public MlpStage(CipherOps ops, SlotLayout lay, int classes, QuadraticGelu activation, int gradientLevel) {
    this.ops = ops;
    this.lay = lay;
    this.classes = classes;
    this.alpha = activation.alpha();
    this.beta = activation.beta();
    this.gradientLevel = gradientLevel;
  }

  /** Forward outputs kept for backward: h (b, j, *), aq (b, j, *) and the logits (b, *, c). */
  public record Forward(Ciphertext h, Ciphertext aq, Ciphertext logits) {}

  /**
   * Backward outputs. The W2 gradient is {@code w2Factor * w2}: the optimizer folds the factor into its scalar.
   */
  public record Backward(Ciphertext dz, Ciphertext w1, Ciphertext b1, Ciphertext w2, double w2Factor, Ciphertext b2) {}

  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public int[] rotationSteps() {
    return steps(lay, classes);
  }

  /** The steps an MLP stage on this layout uses. */
  public static int[] steps(SlotLayout lay, int classes) {
    int row = lay.rowStride();
    return new CipherOps.Steps()
        .add(CipherOps.rotateSumSteps(1, lay.cols())).add(CipherOps.replicateSteps(1, lay.cols()))
        .add(CipherOps.rotateSumSteps(row, lay.rows())).add(CipherOps.replicateSteps(row, lay.rows()))
        .add(CipherOps.rotateSumSteps(1, CipherOps.ceilPowerOfTwo(classes)))
        .add(CipherOps.rotateSumSteps(lay.batchStride(), lay.batch())).toArray();
  }

  @Override
  public int forwardLevels() {
    return 5;
  }

  @Override
  public int backwardLevels() {
    return 5;
  }

  /** Levels from G to the W1 gradient (the optimizer follows without a refresh). */
  public int gradientLevels() {
    return 4;
  }

  public Forward forward(Ciphertext z, Ciphertext w1, Ciphertext b1, Ciphertext w2, Ciphertext b2) {
    Ciphertext hs = ops.rotateSum(ops.mul(z, w1), 1, lay.cols());
    Ciphertext h = ops.add(ops.replicate(ops.mulPlain(hs, lay, Mask.column0(1)), 1, lay.cols()), b1);
    Ciphertext aq = ops.mul(h, ops.addScalar(h, beta / alpha));
    Ciphertext ls = ops.rotateSum(ops.mul(aq, w2), lay.rowStride(), lay.rows());
    Ciphertext lm = ops.mulPlain(ls, lay, Mask.row0(alpha));
    Ciphertext logits = ops.add(ops.replicate(lm, lay.rowStride(), lay.rows()), b2);
    return new Forward(h, aq, logits);
  }

  /**
   * @param g dL/dlogits (b, *, c), zero for c >= C
   */
  public Backward backward(Ciphertext g, Ciphertext z, Forward fwd, Ciphertext w1, Ciphertext w2) {
    int batch = lay.batchStride();
    Ciphertext dw2 = ops.rotateSum(ops.mul(g, fwd.aq()), batch, lay.batch());
    Ciphertext db2 = ops.rotateSum(ops.down(g, Math.min(g.level(), gradientLevel)), batch, lay.batch());
    Ciphertext das = ops.rotateSum(ops.mul(w2, g), 1, CipherOps.ceilPowerOfTwo(classes));
    Ciphertext da = ops.replicate(ops.mulPlain(das, lay, Mask.column0(2 * alpha)), 1, lay.cols());
    Ciphertext dh = ops.mul(da, ops.addScalar(fwd.h(), beta / (2 * alpha)));
    Ciphertext dw1 = ops.rotateSum(ops.mul(dh, z), batch, lay.batch());
    Ciphertext db1 = ops.rotateSum(ops.down(dh, Math.min(dh.level(), gradientLevel)), batch, lay.batch());
    Ciphertext dzs = ops.rotateSum(ops.mul(w1, dh), lay.rowStride(), lay.rows());
    Ciphertext dz = ops.replicate(ops.mulPlain(dzs, lay, Mask.row0(1)), lay.rowStride(), lay.rows());
    return new Backward(dz, dw1, db1, dw2, alpha, db2);
  }
}
