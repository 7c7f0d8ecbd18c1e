package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.RnsPoly;

/**
 * A CKKS ciphertext: 2 or 3 polynomials in NTT form at a level (level+1 limbs each), a scale, and
 * the id of its parameters. Decrypts to c0 + c1*s (+ c2*s^2).
 *
 * <p>{@link #poly(int)} returns live views. {@link #copyTo(long[], int)} and {@link
 * #copyFrom(long[], int)} move the data in SEAL's order (poly, limb, coefficient).
 */
public final class Ciphertext {
  /** Sizes the engine accepts: 2 (normal) or 3 (after multiply, before relinearize). */
  public static final int MAX_SIZE = 3;

  private final long parametersId;
  private final int n;
  private RnsPoly[] polys;
  private int level;
  private double scale;

  /**
   * A zero ciphertext.
   *
   * @throws HeException if size is not 2 or 3
   * @throws ScaleException if scale is not finite and positive
   * @throws LevelException if level is not in [0, maxLevel]
   */
  public Ciphertext(CkksParameters params, int size, int level, double scale) {
    checkSize(size, "Ciphertext");
    checkLevel(params, level, "Ciphertext");
    checkScale(scale);
    this.parametersId = params.id();
    this.n = params.n();
    this.polys = new RnsPoly[size];
    for (int i = 0; i < size; i++) {
      polys[i] = new RnsPoly(n, level + 1, true);
    }
    this.level = level;
    this.scale = scale;
  }

  /**
   * A zero size-2 ciphertext at the top level with scale 1; a destination for {@code op(a, b,
   * out)}.
   */
  public Ciphertext(CkksParameters params) {
    this(params, 2, params.maxLevel(), 1.0);
  }

  static void checkSize(int size, String what) {
    if (size < 2 || size > MAX_SIZE) {
      throw new HeException(what + ": ciphertext size must be 2 or 3, got " + size);
    }
  }

  static void checkLevel(CkksParameters params, int level, String what) {
    if (level < 0 || level > params.maxLevel()) {
      throw new LevelException(
          what + ": level must be in [0, " + params.maxLevel() + "], got " + level);
    }
  }

  public long parametersId() {
    return parametersId;
  }

  public int size() {
    return polys.length;
  }

  public int level() {
    return level;
  }

  public double scale() {
    return scale;
  }

  /**
   * Overrides the scale (for callers that track scales themselves, e.g. after multiplying by a
   * plaintext encoded at scale 1).
   *
   * @throws ScaleException if scale is not finite and positive
   */
  public void setScale(double scale) {
    checkScale(scale);
    this.scale = scale;
  }

  /**
   * A NaN scale would slip through every later "scales differ" comparison, so it is refused on
   * entry.
   */
  static void checkScale(double scale) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new ScaleException("scale must be finite and positive, got " + scale);
    }
  }

  /** Always true: CKKS ciphertexts are kept in NTT form, as in SEAL. */
  public boolean isNtt() {
    return true;
  }

  /** Live view of polynomial i. */
  public RnsPoly poly(int i) {
    return polys[i];
  }

  public int n() {
    return n;
  }

  /** Number of words in the flat SEAL-order layout: size * (level+1) * N. */
  public int flatLength() {
    return polys.length * (level + 1) * n;
  }

  /**
   * Copies the data in SEAL order (poly, limb, coefficient) into {@code flat} at offset; returns
   * the next offset.
   */
  public int copyTo(long[] flat, int offset) {
    for (RnsPoly p : polys) {
      offset = p.copyTo(flat, offset);
    }
    return offset;
  }

  /**
   * Fills the data from {@code flat} in SEAL order (for this ciphertext's current size and level),
   * checking that every residue is below its prime; returns the next offset.
   *
   * @throws HeException if the array is too short or a residue is out of range
   */
  public int copyFrom(long[] flat, int offset, CkksParameters params) {
    params.check(parametersId, "ciphertext", "copyFrom");
    if (flat.length - offset < flatLength()) {
      throw new HeException(
          "copyFrom: need " + flatLength() + " words, got " + (flat.length - offset));
    }
    for (int p = 0; p < polys.length; p++) {
      for (int i = 0; i <= level; i++) {
        long q = params.prime(i);
        long[] limb = polys[p].limb(i);
        System.arraycopy(flat, offset, limb, 0, n);
        for (int j = 0; j < n; j++) {
          if (limb[j] < 0 || limb[j] >= q) {
            throw new HeException(
                "copyFrom: poly "
                    + p
                    + " limb "
                    + i
                    + " coefficient "
                    + j
                    + " = "
                    + Long.toUnsignedString(limb[j])
                    + " is not below prime "
                    + q);
          }
        }
        offset += n;
      }
    }
    return offset;
  }

  public Ciphertext copy() {
    return new Ciphertext(this, level);
  }

  /**
   * A copy with the primes above {@code level} dropped, scale unchanged: {@link
   * Evaluator#modSwitchTo} without an evaluator, and without copying the dropped limbs.
   *
   * @throws LevelException if level is negative or above this ciphertext's level
   */
  public Ciphertext copyAtLevel(int level) {
    if (level < 0 || level > this.level) {
      throw new LevelException(
          "copyAtLevel: cannot drop a ciphertext at level " + this.level + " to level " + level);
    }
    return new Ciphertext(this, level);
  }

  private Ciphertext(Ciphertext src, int level) {
    this.parametersId = src.parametersId;
    this.n = src.n;
    this.polys = new RnsPoly[src.polys.length];
    for (int i = 0; i < polys.length; i++) {
      polys[i] = new RnsPoly(n, level + 1, src.polys[i].isNtt());
      polys[i].copyFrom(src.polys[i], level + 1);
    }
    this.level = level;
    this.scale = src.scale;
  }

  /**
   * Re-shapes to (size, level), keeping existing limbs where possible; contents of new limbs are
   * zero.
   */
  void reshape(int size, int level, double scale) {
    if (polys.length != size) {
      RnsPoly[] next = new RnsPoly[size];
      for (int i = 0; i < size; i++) {
        next[i] = i < polys.length ? polys[i] : new RnsPoly(n, level + 1, true);
      }
      polys = next;
    }
    for (RnsPoly p : polys) {
      p.resize(level + 1);
      p.setNtt(true);
    }
    this.level = level;
    this.scale = scale;
  }

  @Override
  public String toString() {
    return "Ciphertext[size="
        + polys.length
        + ", level="
        + level
        + ", scale=2^"
        + Math.log(scale) / Math.log(2)
        + ", params="
        + Long.toHexString(parametersId)
        + "]";
  }
}
