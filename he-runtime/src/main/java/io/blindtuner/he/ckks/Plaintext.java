package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.RnsPoly;

/** An encoded message: one polynomial in NTT form at a level (level+1 limbs), with its scale. */
public final class Plaintext {
  private final long parametersId;
  private final RnsPoly poly;
  private int level;
  private double scale;

  /**
   * A zero plaintext.
   *
   * @throws ScaleException if scale is not finite and positive
   * @throws LevelException if level is not in [0, maxLevel]
   */
  public Plaintext(CkksParameters params, int level, double scale) {
    Ciphertext.checkLevel(params, level, "Plaintext");
    Ciphertext.checkScale(scale);
    this.parametersId = params.id();
    this.poly = new RnsPoly(params.n(), level + 1, true);
    this.level = level;
    this.scale = scale;
  }

  public long parametersId() {
    return parametersId;
  }

  public int level() {
    return level;
  }

  public double scale() {
    return scale;
  }

  /**
   * @throws ScaleException if scale is not finite and positive
   */
  public void setScale(double scale) {
    Ciphertext.checkScale(scale);
    this.scale = scale;
  }

  /** Live view of the polynomial (NTT form, level+1 limbs). */
  public RnsPoly poly() {
    return poly;
  }

  /**
   * Re-shapes to a level (keeping the lower limbs); used by operations writing into this plaintext.
   */
  void reshape(int level, double scale) {
    poly.resize(level + 1);
    poly.setNtt(true);
    this.level = level;
    this.scale = scale;
  }
}
