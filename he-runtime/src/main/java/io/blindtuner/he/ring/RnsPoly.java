package io.blindtuner.he.ring;

/**
 * A polynomial of degree &lt; n in RNS form: {@code limbs[i][j]} is coefficient (or NTT slot) j
 * modulo prime i of the basis it is used with; the basis itself is implied by context (a level of
 * the parameters).
 *
 * <p>{@link #limb(int)} and {@link #limbs()} return live views: writes go straight into the
 * polynomial. They exist so the wire format and the evaluator can move data without copies.
 */
public final class RnsPoly {
  private final int n;
  private long[][] limbs;
  private boolean ntt;

  /**
   * A zero polynomial.
   *
   * @throws IllegalArgumentException if n &lt; 1 or limbCount &lt; 1
   */
  public RnsPoly(int n, int limbCount, boolean ntt) {
    if (n < 1 || limbCount < 1) {
      throw new IllegalArgumentException(
          "RnsPoly needs n >= 1 and limbCount >= 1, got n=" + n + ", limbs=" + limbCount);
    }
    this.n = n;
    this.limbs = new long[limbCount][n];
    this.ntt = ntt;
  }

  public int n() {
    return n;
  }

  public int limbCount() {
    return limbs.length;
  }

  /** Live view of limb i. */
  public long[] limb(int i) {
    return limbs[i];
  }

  /** Live view of all limbs. */
  public long[][] limbs() {
    return limbs;
  }

  public boolean isNtt() {
    return ntt;
  }

  public void setNtt(boolean ntt) {
    this.ntt = ntt;
  }

  /**
   * Changes the number of limbs, keeping the first min(old, new) limbs and zero-filling new ones.
   */
  public void resize(int limbCount) {
    if (limbCount < 1) {
      throw new IllegalArgumentException("limbCount must be >= 1, got " + limbCount);
    }
    if (limbCount == limbs.length) {
      return;
    }
    long[][] next = new long[limbCount][];
    for (int i = 0; i < limbCount; i++) {
      next[i] = i < limbs.length ? limbs[i] : new long[n];
    }
    limbs = next;
  }

  /**
   * Copies the first {@code limbCount} limbs of src into this polynomial (resizing it to that
   * count).
   */
  public void copyFrom(RnsPoly src, int limbCount) {
    if (src.n != n) {
      throw new IllegalArgumentException("degree mismatch: " + src.n + " vs " + n);
    }
    if (limbCount > src.limbs.length) {
      throw new IllegalArgumentException(
          "source has " + src.limbs.length + " limbs, asked for " + limbCount);
    }
    if (src == this) {
      resize(limbCount);
      return;
    }
    resize(limbCount);
    for (int i = 0; i < limbCount; i++) {
      System.arraycopy(src.limbs[i], 0, limbs[i], 0, n);
    }
    ntt = src.ntt;
  }

  public RnsPoly copy() {
    RnsPoly c = new RnsPoly(n, limbs.length, ntt);
    c.copyFrom(this, limbs.length);
    return c;
  }

  /**
   * Copies all limbs into {@code flat} at {@code offset} in (limb, coefficient) order; returns the
   * next offset.
   */
  public int copyTo(long[] flat, int offset) {
    for (long[] limb : limbs) {
      System.arraycopy(limb, 0, flat, offset, n);
      offset += n;
    }
    return offset;
  }

  /**
   * Fills all limbs from {@code flat} at {@code offset} in (limb, coefficient) order; returns the
   * next offset.
   */
  public int copyFrom(long[] flat, int offset) {
    for (long[] limb : limbs) {
      System.arraycopy(flat, offset, limb, 0, n);
      offset += n;
    }
    return offset;
  }
}
