package io.blindtuner.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The trainable values of the head (also used for their gradients and momenta): the attention query
 * q (d), W1 (m x d), b1 (m), W2 (C x m), b2 (C). Arrays are owned by the instance; callers get them
 * directly for speed and must not share them across instances.
 */
public final class HeadParameters {
  private final HeadShape shape;
  public final double[] q;
  public final double[][] w1;
  public final double[] b1;
  public final double[][] w2;
  public final double[] b2;

  private HeadParameters(
      HeadShape shape, double[] q, double[][] w1, double[] b1, double[][] w2, double[] b2) {
    this.shape = shape;
    this.q = q;
    this.w1 = w1;
    this.b1 = b1;
    this.w2 = w2;
    this.b2 = b2;
  }

  /** All zeros. */
  public static HeadParameters zeros(HeadShape s) {
    return new HeadParameters(
        s,
        new double[s.dim()],
        new double[s.hidden()][s.dim()],
        new double[s.hidden()],
        new double[s.classes()][s.hidden()],
        new double[s.classes()]);
  }

  /**
   * The seeded initialisation shared by every run (twin, float reference and encrypted): W1 ~ N(0,
   * 1/d), W2 ~ N(0, 1/m) (LeCun scaling keeps the activation inputs near the fitted polynomial
   * domains), q ~ N(0, 0.1^2/d) (attention starts near uniform), biases zero. Initial weights are
   * not secrets, so a seeded PRNG is fine.
   */
  public static HeadParameters initial(HeadShape s, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    HeadParameters p = zeros(s);
    for (int k = 0; k < s.dim(); k++) {
      p.q[k] = 0.1 * gaussian(r) / Math.sqrt(s.dim());
    }
    for (double[] row : p.w1) {
      for (int k = 0; k < row.length; k++) {
        row[k] = gaussian(r) / Math.sqrt(s.dim());
      }
    }
    for (double[] row : p.w2) {
      for (int k = 0; k < row.length; k++) {
        row[k] = gaussian(r) / Math.sqrt(s.hidden());
      }
    }
    return p;
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = 1 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  public HeadShape shape() {
    return shape;
  }

  /** A deep copy. */
  public HeadParameters copy() {
    return fromFlat(shape, flatten());
  }

  /** All values in the order q, W1 (row-major), b1, W2 (row-major), b2. */
  public double[] flatten() {
    double[] out = new double[shape.parameterCount()];
    int o = 0;
    System.arraycopy(q, 0, out, o, q.length);
    o += q.length;
    for (double[] row : w1) {
      System.arraycopy(row, 0, out, o, row.length);
      o += row.length;
    }
    System.arraycopy(b1, 0, out, o, b1.length);
    o += b1.length;
    for (double[] row : w2) {
      System.arraycopy(row, 0, out, o, row.length);
      o += row.length;
    }
    System.arraycopy(b2, 0, out, o, b2.length);
    return out;
  }

  /**
   * The inverse of {@link #flatten}.
   *
   * @throws IllegalArgumentException if the length is not {@code shape.parameterCount()}
   */
  public static HeadParameters fromFlat(HeadShape s, double[] v) {
    if (v.length != s.parameterCount()) {
      throw new IllegalArgumentException(
          "expected " + s.parameterCount() + " values for " + s + ", got " + v.length);
    }
    HeadParameters p = zeros(s);
    int o = 0;
    System.arraycopy(v, o, p.q, 0, p.q.length);
    o += p.q.length;
    for (double[] row : p.w1) {
      System.arraycopy(v, o, row, 0, row.length);
      o += row.length;
    }
    System.arraycopy(v, o, p.b1, 0, p.b1.length);
    o += p.b1.length;
    for (double[] row : p.w2) {
      System.arraycopy(v, o, row, 0, row.length);
      o += row.length;
    }
    System.arraycopy(v, o, p.b2, 0, p.b2.length);
    return p;
  }

  @Override
  public String toString() {
    return "HeadParameters" + shape + Arrays.toString(flatten());
  }
}
