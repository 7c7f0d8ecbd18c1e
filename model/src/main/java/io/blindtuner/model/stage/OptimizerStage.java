package io.blindtuner.model.stage;

import io.blindtuner.he.ckks.Ciphertext;

/**
 * Encrypted Nesterov momentum, the same two lines as {@link io.blindtuner.model.plain.Nesterov}:
 * {@code v = mu v + k g; theta = theta - lr (k g + mu v)}, where k is a known factor of the gradient ciphertext
 * (alpha for W2, see {@link MlpStage.Backward}). All constants are plaintext scalars; 2 levels, no rotations.
 */
public final class OptimizerStage implements EncryptedStage {
  private final CipherOps ops;
  private final double momentum;

  /** @throws IllegalArgumentException if momentum is outside [0, 1) */
  public OptimizerStage(CipherOps ops, double momentum) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    this.ops = ops;
    this.momentum = momentum;
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
    Ciphertext v = ops.add(ops.mulScalar(velocity, momentum), ops.mulScalar(gradient, factor));
    Ciphertext delta = ops.add(ops.mulScalar(gradient, lr * factor), ops.mulScalar(v, lr * momentum));
    return new Update(ops.sub(theta, delta), v);
  }
}
