package io.blindtuner.model.plain;

import io.blindtuner.model.HeadParameters;

/**
 * Nesterov accelerated gradient (the PyTorch form) with L2 weight decay: {@code g' = g + wd theta;
 * v = mu v + g'; theta -= lr (g' + mu v)}. The encrypted optimizer stage runs the same lines on
 * ciphertexts. The decay keeps the polynomial head's inputs near the approximations' domains
 * (without it the twin's weights diverged on PneumoniaMNIST after a few epochs).
 */
public final class Nesterov {
  private final double momentum;
  private final double weightDecay;
  private final double[] velocity;

  /** Without weight decay. */
  public Nesterov(double momentum, int parameterCount) {
    this(momentum, 0, parameterCount);
  }

  /**
   * @throws IllegalArgumentException if momentum is outside [0, 1) or the decay is negative
   */
  public Nesterov(double momentum, double weightDecay, int parameterCount) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.velocity = new double[parameterCount];
  }

  /** Returns the updated parameters. */
  public HeadParameters step(HeadParameters params, HeadParameters grad, double lr) {
    double[] theta = params.flatten();
    double[] g = grad.flatten();
    for (int i = 0; i < theta.length; i++) {
      double gi = g[i] + weightDecay * theta[i];
      velocity[i] = momentum * velocity[i] + gi;
      theta[i] -= lr * (gi + momentum * velocity[i]);
    }
    return HeadParameters.fromFlat(params.shape(), theta);
  }
}
