package io.blindtuner.he.ring;

/**
 * Element-wise arithmetic on coefficient ranges [from, to) of limbs (arrays of residues mod q, q of
 * at most 60 bits). Inputs are in [0, q) unless a method says otherwise; {@code out} may be the
 * same array as an input.
 */
public final class LimbOps {
  private LimbOps() {}

  public static void add(long[] a, long[] b, long[] out, Modulus m, int from, int to) {
    final long q = m.value();
    for (int i = from; i < to; i++) {
      long d = a[i] + b[i] - q; // branch-free so that the JIT can vectorize it
      out[i] = d + ((d >> 63) & q);
    }
  }

  public static void sub(long[] a, long[] b, long[] out, Modulus m, int from, int to) {
    final long q = m.value();
    for (int i = from; i < to; i++) {
      long d = a[i] - b[i];
      out[i] = d + ((d >> 63) & q);
    }
  }

  public static void negate(long[] a, long[] out, Modulus m, int from, int to) {
    final long q = m.value();
    for (int i = from; i < to; i++) {
      long x = a[i];
      out[i] = x == 0 ? 0 : q - x;
    }
  }

  /** out = a + c for a constant c in [0, q). */
  public static void addScalar(long[] a, long c, long[] out, Modulus m, int from, int to) {
    final long q = m.value();
    for (int i = from; i < to; i++) {
      long d = a[i] + c - q;
      out[i] = d + ((d >> 63) & q);
    }
  }

  /**
   * out = a * w for a constant w in [0, q), with wShoup = m.shoup(w) (on vectors where {@link
   * #vectorized}).
   */
  public static void mulScalar(
      long[] a, long w, long wShoup, long[] out, Modulus m, int from, int to) {
    if (vectorized(m)) {
      from = VectorProducts.mulScalarAdd(a, w, out, m.value(), from, to, false);
    }
    for (int i = from; i < to; i++) {
      out[i] = m.mulShoup(a[i], w, wShoup);
    }
  }

  /**
   * out += a * w for a constant w in [0, q), with wShoup = m.shoup(w) (on vectors where {@link
   * #vectorized}).
   */
  public static void mulScalarAdd(
      long[] a, long w, long wShoup, long[] out, Modulus m, int from, int to) {
    if (vectorized(m)) {
      from = VectorProducts.mulScalarAdd(a, w, out, m.value(), from, to, true);
    }
    for (int i = from; i < to; i++) {
      out[i] = m.add(out[i], m.mulShoup(a[i], w, wShoup));
    }
  }

  /**
   * out = a * b element-wise (Barrett reduction of the 128-bit products; on vectors where {@link
   * #vectorized}).
   */
  public static void mul(long[] a, long[] b, long[] out, Modulus m, int from, int to) {
    if (vectorized(m)) {
      from = VectorProducts.mulAdd(a, b, out, m.value(), from, to, false);
    }
    for (int i = from; i < to; i++) {
      long x = a[i];
      long y = b[i];
      out[i] = m.reduceProduct(Math.multiplyHigh(x, y), x * y);
    }
  }

  /** out += a * b element-wise (on vectors where {@link #vectorized}). */
  public static void mulAdd(long[] a, long[] b, long[] out, Modulus m, int from, int to) {
    if (vectorized(m)) {
      from = VectorProducts.mulAdd(a, b, out, m.value(), from, to, true);
    }
    final long q = m.value();
    for (int i = from; i < to; i++) {
      long x = a[i];
      long y = b[i];
      long d = out[i] + m.reduceProduct(Math.multiplyHigh(x, y), x * y) - q;
      out[i] = d + ((d >> 63) & q);
    }
  }

  /**
   * Whether {@link #mul}, {@link #mulAdd} and {@link #mulAccumulate} run on vectors for m (below
   * 2^50).
   */
  public static boolean vectorized(Modulus m) {
    return VectorKernels.AVAILABLE && m.value() < VectorKernels.MAX_MODULUS;
  }

  /**
   * One digit of key switching's inner products on vectors: out0 = (first ? 0 : out0) + d*b and
   * out1 likewise with a, mod q in [0, q), for d in [0, 4q) and b, a, out0, out1 in [0, q), all of
   * one length.
   *
   * @throws IllegalStateException if not {@link #vectorized}(m)
   */
  public static void mulAccumulate(
      long[] d, long[] b, long[] a, long[] out0, long[] out1, Modulus m, boolean first) {
    if (!vectorized(m)) {
      throw new IllegalStateException("no vector kernels for q=" + m.value());
    }
    VectorProducts.mulAccumulate(d, b, a, out0, out1, m, first);
  }

  /**
   * out = (add ? out : 0) + a*b on [from, to) for a &lt; 4q, b &lt; q, q below 2^50 (the vector
   * kernels' tails).
   */
  static void mulAddScalar(
      long[] a, long[] b, long[] out, Modulus m, int from, int to, boolean add) {
    final long q = m.value();
    for (int i = from; i < to; i++) {
      long r = m.reduceProduct(Math.multiplyHigh(a[i], b[i]), a[i] * b[i]);
      long d = (add ? out[i] : 0) + r - q;
      out[i] = d + ((d >> 63) & q);
    }
  }

  public static void add(long[] a, long[] b, long[] out, Modulus m) {
    add(a, b, out, m, 0, out.length);
  }

  public static void sub(long[] a, long[] b, long[] out, Modulus m) {
    sub(a, b, out, m, 0, out.length);
  }

  public static void negate(long[] a, long[] out, Modulus m) {
    negate(a, out, m, 0, out.length);
  }

  public static void mul(long[] a, long[] b, long[] out, Modulus m) {
    mul(a, b, out, m, 0, out.length);
  }

  public static void mulAdd(long[] a, long[] b, long[] out, Modulus m) {
    mulAdd(a, b, out, m, 0, out.length);
  }
}
