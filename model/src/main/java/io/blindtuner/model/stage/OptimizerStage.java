package io.blindtuner.model.stage;

import io.blindtuner.he.ckks.Ciphertext;

/**
 * Encrypted Nesterov momentum with weight decay, the same lines as {@link io.blindtuner.model.plain.Nesterov}:
 * {@code g' = k g + wd theta; v = mu v + g'; theta = theta - lr (g' + mu v)}, where k is a known factor of the
 * gradient ciphertext (alpha for W2, see {@link MlpStage.Backward}). All constants are plaintext scalars; 2 levels
 * below the gradient (theta must be at least at the gradient's level), no rotations.
 */
public final class OptimizerStage implements EncryptedStage {
  private final CipherOps ops;
  private final double momentum;
  private final double weightDecay;

  /** @throws IllegalArgumentException if momentum is outside [0, 1) or the decay is negative */
  public OptimizerStage(CipherOps ops, double momentum, double weightDecay) {
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
  public record Update(Ciphertext parameter, Ciphertext velocity) {}

  @Override
  public String name() {
    return "optimizer";
  }

  @Override
  public int[] rotationSteps() {
    return new int[0];
  }

  @Override
  public int forwardLevels() {
    return 0;
  }

  @Override
  public int backwardLevels() {
    return 2;
  }

  /**
   * @param theta the parameter
   * @param velocity its velocity
   * @param gradient the gradient divided by {@code factor}
   * @param factor known scale of the gradient ciphertext
   * @param lr this step's learning rate
   */
  public Update step(Ciphertext theta, Ciphertext velocity, Ciphertext gradient, double factor, double lr) {
    Ciphertext g = ops.mulScalar(gradient, factor);
    if (weightDecay > 0) {
      g = ops.add(g, ops.mulScalar(theta, weightDecay));
    }
    Ciphertext v = ops.add(ops.mulScalar(velocity, momentum), g);
    Ciphertext delta = ops.add(ops.mulScalar(g, lr), ops.mulScalar(v, lr * momentum));
    return new Update(ops.sub(theta, delta), v);
  }
}
