package io.blindtuner.he.ring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * a*w mod q on 8-lane vectors for q below 2^50 ({@link VectorKernels#MAX_MODULUS}), w a constant
 * with its quotient w/q precomputed as a double.
 *
 * <p>The Vector API has no 64x64-&gt;128 high multiply, so the quotient comes from a double: qhat =
 * round(a * (w/q)) by one fused multiply-add onto 2^52, whose mantissa then holds qhat (JDK 17 has
 * no double-&gt;long lane conversion, and long-&gt;double goes the same way back: a | bits(2^52) is
 * the double 2^52 + a). r = a*w - qhat*q is then exact in wrapping 64-bit lane products. Bound: a
 * &lt; 2^52 is exact as a double, w/q is rounded once (relative error 2^-53) and the fma once more
 * to the nearest integer, so with P = a*w/q &lt; a &lt; 2^52 the estimate a*fl(w/q) is within
 * P*2^-53 &lt; 1/2 of P and qhat - P lies in (-1, 1): r is in (-q, q), and adding q when negative
 * gives [0, q), fully reduced.
 */
final class VectorMulMod {
  static final VectorSpecies<Long> LONGS = LongVector.SPECIES_512;
  static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_512;
  static final int LANES = 8;

  /** Bits of the double 2^52: OR-ed onto a long below 2^52 it makes 2^52 + that long. */
  private static final long TWO52_BITS = Double.doubleToRawLongBits(0x1p52);

  private static final double TWO52 = 0x1p52;

  private VectorMulMod() {}

  /** Whether the hardware has 8 long lanes (AVX-512). */
  static boolean available() {
    return LongVector.SPECIES_PREFERRED.length() >= LANES;
  }

  /** w/q for each twiddle or constant w. */
  static double[] quotients(long[] w, long q) {
    double[] r = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      r[i] = (double) w[i] / q;
    }
    return r;
  }

  /** a*w mod q in [0, q) for lanes a in [0, 2^52) and w in [0, q) with wq = w/q. */
  static LongVector mulMod(LongVector a, LongVector w, DoubleVector wq, long q) {
    DoubleVector ad = a.or(TWO52_BITS).reinterpretAsDoubles().sub(TWO52);
    LongVector qhat =
        ad.lanewise(VectorOperators.FMA, wq, TWO52).reinterpretAsLongs().sub(TWO52_BITS);
    LongVector r = a.mul(w).sub(qhat.mul(q));
    return r.add(q, r.compare(VectorOperators.LT, 0));
  }
}
