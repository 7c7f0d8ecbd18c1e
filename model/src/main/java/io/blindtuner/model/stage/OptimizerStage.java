package io.blindtuner.model.stage;

/**
 * Encrypted Nesterov momentum with weight decay, the same lines as {@link
 * io.blindtuner.model.plain.Nesterov}: {@code g' = k g + wd theta; v = mu v + g'; theta = theta -
 * lr (g' + mu v)}, where k is a known factor of the gradient ciphertext (alpha for W2, see {@link
 * MlpStage.Backward}). All constants are plaintext scalars; 2 levels below the gradient (theta must
 * be at least at the gradient's level), no rotations.
 */
public final class OptimizerStage<C> {
  private final CipherOps<C> ops;
  private final double momentum;
  private final double weightDecay;

  /**
   * @throws IllegalArgumentException if momentum is outside [0, 1) or the decay is negative
   */
  public OptimizerStage(CipherOps<C> ops, double momentum, double weightDecay) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
    this.ops = ops;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
  }

  /** The updated parameter and velocity. */
  public record Update<C>(C parameter, C velocity) {}

  /**
   * @param theta the parameter
   * @param velocity its velocity
   * @param gradient the gradient divided by {@code factor}
   * @param factor known scale of the gradient ciphertext
   * @param lr this step's learning rate
   */
  public Update<C> step(C theta, C velocity, C gradient, double factor, double lr) {
    C g = ops.mulScalar(gradient, factor);
    if (weightDecay > 0) {
      g = ops.add(g, ops.mulScalar(theta, weightDecay));
    }
    C v = ops.add(ops.mulScalar(velocity, momentum), g);
    C delta = ops.add(ops.mulScalar(g, lr), ops.mulScalar(v, lr * momentum));
    return new Update<>(ops.sub(theta, delta), v);
  }
}
