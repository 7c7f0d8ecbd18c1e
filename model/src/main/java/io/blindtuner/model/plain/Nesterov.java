package io.blindtuner.model.plain;

import io.blindtuner.model.HeadParameters;

/**
 * Nesterov accelerated gradient (the PyTorch form): {@code v = mu v + g; theta -= lr (g + mu v)}. The encrypted
 * optimizer stage runs the same two lines on ciphertexts.
 */
public final class Nesterov {
  private final double momentum;
  private final double[] velocity;

  /** @throws IllegalArgumentException if momentum is outside [0, 1) */
  public Nesterov(double momentum, int parameterCount) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    this.momentum = momentum;
    this.velocity = new double[parameterCount];
  }

  public double momentum() {
    return momentum;
  }

  /** Returns the updated parameters. */
  public HeadParameters step(HeadParameters params, HeadParameters grad, double lr) {
    double[] theta = params.flatten();
    double[] g = grad.flatten();
    for (int i = 0; i < theta.length; i++) {
      velocity[i] = momentum * velocity[i] + g[i];
      theta[i] -= lr * (g[i] + momentum * velocity[i]);
    }
    return HeadParameters.fromFlat(params.shape(), theta);
  }
}
