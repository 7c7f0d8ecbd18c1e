package io.blindtuner.model.packing;

import io.blindtuner.he.ckks.CkksParameters;

/**
 * One canonical scale per level, chosen so that every rescale lands exactly on the next level's
 * scale: with {@code scale(0) = 2^40} and {@code scale(l) = sqrt(q_l * scale(l-1))}, a product of
 * two level-l ciphertexts has scale {@code scale(l)^2 = q_l * scale(l-1)} and rescales to {@code
 * scale(l-1)}. Ciphertexts at one level then always share a scale and can be added; drift from
 * primes that are not exactly 2^40 halves at every level upward instead of compounding downward.
 */
public final class ScaleLadder {
  /** Level 0's scale: 2^40 leaves 19 bits of integer headroom in a 60-bit first prime. */
  public static final double BASE_SCALE = 0x1p40;

  private final CkksParameters params;
  private final double[] scales;

  public ScaleLadder(CkksParameters params) {
    this.params = params;
    this.scales = new double[params.maxLevel() + 1];
    scales[0] = BASE_SCALE;
    for (int l = 1; l < scales.length; l++) {
      scales[l] = Math.sqrt((double) params.prime(l) * scales[l - 1]);
    }
  }

  /** The scale of every ciphertext at {@code level}. */
  public double scale(int level) {
    return scales[level];
  }

  /**
   * The scale to encode a plaintext (or scalar) with, so that multiplying a level-{@code level}
   * ciphertext by it and rescaling gives scale(level - 1).
   */
  public double multiplierScale(int level) {
    return (double) params.prime(level) * scales[level - 1] / scales[level];
  }

  /** The top level (fresh ciphertexts). */
  public int maxLevel() {
    return scales.length - 1;
  }
}
