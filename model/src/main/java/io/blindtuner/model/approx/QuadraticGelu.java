package io.blindtuner.model.approx;

import io.blindtuner.model.Activation;
import io.blindtuner.model.plain.ExactGelu;

/**
 * GELU replaced by {@code alpha h^2 + beta h}, the least-squares fit on [-range, range] with no
 * constant term (GELU(0) = 0). Written as {@code alpha h (h + beta/alpha)} it costs one ciphertext
 * multiplication; alpha is folded into the next plaintext mask.
 */
public final class QuadraticGelu implements Activation {
  private final double range;
  private final Polynomial poly;

  /**
   * @throws IllegalArgumentException if range is not positive
   */
  public QuadraticGelu(double range) {
    if (!(range > 0)) {
      throw new IllegalArgumentException("GELU fit range must be positive, got " + range);
    }
    this.range = range;
    this.poly = LeastSquares.fit(ExactGelu::gelu, -range, range, 1, 2);
  }

  public double alpha() {
    return poly.coefficient(2);
  }

  public double beta() {
    return poly.coefficient(1);
  }

  public double range() {
    return range;
  }

  /** max |GELU - fit| on the fit domain. */
  public double maxError() {
    return poly.maxError(ExactGelu::gelu, -range, range);
  }

  @Override
  public double value(double h) {
    return (alpha() * h + beta()) * h;
  }

  @Override
  public double derivative(double h) {
    return 2 * alpha() * h + beta();
  }

  @Override
  public String describe() {
    return String.format(
        "GELU ~ %.5f h^2 + %.5f h (least squares on [-%.1f, %.1f], max error %.3g)",
        alpha(), beta(), range, range, maxError());
  }
}
