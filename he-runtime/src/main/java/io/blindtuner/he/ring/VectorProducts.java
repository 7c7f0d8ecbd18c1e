package io.blindtuner.he.ring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise products of limbs ({@link LimbOps#mul}, {@link LimbOps#mulAdd}, {@link
 * LimbOps#mulAccumulate}, {@link LimbOps#mulScalar}, {@link LimbOps#mulScalarAdd}) on 8-lane
 * vectors, for q below 2^50. Loaded only when the JVM runs with jdk.incubator.vector (see {@link
 * VectorKernels}).
 *
 * <p>Products by a constant are {@link VectorMulMod}'s. Where both factors vary per coefficient the
 * quotient b/q is not precomputed: bq = fl(b * fl(1/q)) carries two roundings, and qhat =
 * round(d*bq) (one fma onto 2^52, as there) is within 1.5 of P = d*b/q &lt; 4q &lt; 2^52 (error
 * P*2^-52 &lt; 1, plus 1/2 for the rounding). So r = d*b - qhat*q is in (-2q, 2q), exact in
 * wrapping 64-bit products, and adding 2q when negative gives [0, 2q); the sum with the accumulator
 * (in [0, q)) is brought back to [0, q) by two conditional subtractions of q.
 */
final class VectorProducts {
  private static final VectorSpecies<Long> LONGS = VectorMulMod.LONGS;
  private static final VectorSpecies<Double> DOUBLES = VectorMulMod.DOUBLES;
  private static final int LANES = VectorMulMod.LANES;
  private static final long TWO52_BITS = Double.doubleToRawLongBits(0x1p52);
  private static final double TWO52 = 0x1p52;

  private VectorProducts() {}

  /** See {@link LimbOps#mulAccumulate}. */
  static void mulAccumulate(
      long[] d, long[] b, long[] a, long[] out0, long[] out1, Modulus m, boolean first) {
    // One pass per output, from one call site: C2 inlines each call site, and two passes in one
    // method are past
    // its node limit, beyond which it stops inlining the Vector API and boxes the vectors.
    for (int pass = 0; pass < 2; pass++) {
      long[] out = pass == 0 ? out0 : out1;
      int end = mulAdd(d, pass == 0 ? b : a, out, m.value(), 0, d.length, !first);
      LimbOps.mulAddScalar(d, pass == 0 ? b : a, out, m, end, d.length, !first);
    }
  }

  /**
   * out = (add ? out : 0) + d*b mod q in [0, q) on [from, end), for d in [0, 4q) and b, out in [0,
   * q).
   *
   * @return end, the last multiple of 8 lanes from {@code from} within {@code to}: the rest is the
   *     caller's
   */
  static int mulAdd(long[] d, long[] b, long[] out, long q, int from, int to, boolean add) {
    final long keep = add ? -1 : 0;
    final double inv = 1.0 / q;
    int end = from + (to - from) / LANES * LANES;
    for (int x = from; x < end; x += LANES) {
      LongVector dv = LongVector.fromArray(LONGS, d, x);
      LongVector bv = LongVector.fromArray(LONGS, b, x);
      LongVector sum = LongVector.fromArray(LONGS, out, x).and(keep).add(mulMod(dv, bv, inv, q));
      reduce(sum, q).intoArray(out, x);
    }
    return end;
  }

  /**
   * out = (add ? out : 0) + a*w mod q in [0, q) on [from, end), for a in [0, 2^52), w and out in
   * [0, q): the constant's quotient w/q is precomputed ({@link VectorMulMod}).
   *
   * @return end, the last multiple of 8 lanes from {@code from} within {@code to}: the rest is the
   *     caller's
   */
  static int mulScalarAdd(long[] a, long w, long[] out, long q, int from, int to, boolean add) {
    final long keep = add ? -1 : 0;
    final LongVector wv = LongVector.broadcast(LONGS, w);
    final DoubleVector wq = DoubleVector.broadcast(DOUBLES, (double) w / q);
    int end = from + (to - from) / LANES * LANES;
    for (int x = from; x < end; x += LANES) {
      LongVector p = VectorMulMod.mulMod(LongVector.fromArray(LONGS, a, x), wv, wq, q);
      reduce(LongVector.fromArray(LONGS, out, x).and(keep).add(p), q).intoArray(out, x);
    }
    return end;
  }

  /** Lanes below 2^52 as doubles: a | bits(2^52) is the double 2^52 + a. */
  private static DoubleVector asDouble(LongVector v) {
    return v.or(TWO52_BITS).reinterpretAsDoubles().sub(TWO52);
  }

  /** d*b mod q in [0, 2q), for d &lt; 4q and b &lt; q. */
  private static LongVector mulMod(LongVector d, LongVector b, double inv, long q) {
    DoubleVector bq = asDouble(b).mul(inv);
    LongVector qhat =
        asDouble(d).lanewise(VectorOperators.FMA, bq, TWO52).reinterpretAsLongs().sub(TWO52_BITS);
    LongVector r = d.mul(b).sub(qhat.mul(q));
    return r.add(2 * q, r.compare(VectorOperators.LT, 0));
  }

  /** x in [0, 3q) to [0, q). */
  private static LongVector reduce(LongVector x, long q) {
    LongVector d = x.sub(q);
    x = x.blend(d, d.compare(VectorOperators.GE, 0));
    d = x.sub(q);
    return x.blend(d, d.compare(VectorOperators.GE, 0));
  }
}
