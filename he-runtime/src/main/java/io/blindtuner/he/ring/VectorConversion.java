package io.blindtuner.he.ring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BasisConversion#convert} to one target prime m below 2^50 on 8-lane vectors ({@link
 * VectorMulMod}), the same residues as the scalar code. Loaded only when the JVM runs with
 * jdk.incubator.vector (see {@link VectorKernels}).
 *
 * <p>A source residue's centered stand-in v (y_s, or y_s + m - q_s mod m above q_s/2) is below q_s
 * + m. For source primes below 2^51 that is below 2^52, one product with (Q_S/q_s) mod m; wider
 * ones are first brought below m + 2^26 &lt; 2^52 as (hi * (2^26 mod m) mod m) + lo, with v =
 * hi*2^26 + lo (hi &lt; 2^36). Each product is in [0, m), and the sum over the sources is reduced
 * after each.
 */
final class VectorConversion {
  private static final VectorSpecies<Long> LONGS = VectorMulMod.LONGS;
  private static final int LANES = VectorMulMod.LANES;
  private static final int SPLIT = 26;

  /** Source primes at least this wide take two products. */
  private static final long WIDE = 1L << 51;

  private final long m;

  /** 2^26 mod m and its quotient by m. */
  private final long split;

  private final double splitQuotient;

  /** Per source: q_s / 2, the shift standing for -q_s, the factors and their quotients by m. */
  private final long[] half;

  private final long[] shift;
  private final long[] hat;
  private final double[] hatQuotient;
  private final boolean[] wide;

  /**
   * @param m the target prime, below {@link VectorKernels#MAX_MODULUS}
   * @param source the source primes
   * @param hat (Q_S/q_s) mod m per source
   * @param shift m - (q_s mod m) per source
   */
  VectorConversion(long m, long[] source, long[] hat, long[] shift) {
    this.m = m;
    int count = source.length;
    this.half = new long[count];
    this.shift = shift.clone();
    this.hat = hat.clone();
    this.wide = new boolean[count];
    for (int s = 0; s < count; s++) {
      half[s] = source[s] >>> 1;
      wide[s] = source[s] >= WIDE;
    }
    this.hatQuotient = VectorMulMod.quotients(this.hat, m);
    this.split = (1L << SPLIT) % m;
    this.splitQuotient = (double) split / m;
  }

  /**
   * out = x' mod m in [0, m) from the scaled source residues y[s] (in [0, q_s)); out.length a
   * multiple of 8.
   */
  void convert(long[][] y, long[] out) {
    for (int s = 0; s < half.length; s++) {
      if (wide[s]) {
        addWide(y[s], s, out, s == 0);
      } else {
        addNarrow(y[s], s, out, s == 0);
      }
    }
  }

  // One pass over out per source, with no branch inside: C2 boxes vectors that meet at a branch or
  // loop head.
  /** out (+)= source s's term, for a source below 2^51; first: out holds nothing yet. */
  private void addNarrow(long[] ys, int s, long[] out, boolean first) {
    final long mv = m;
    final long keep = first ? 0 : -1;
    final long sh = shift[s];
    final long hf = half[s];
    final LongVector w = LongVector.broadcast(LONGS, hat[s]);
    final DoubleVector wq = DoubleVector.broadcast(VectorMulMod.DOUBLES, hatQuotient[s]);
    for (int x = 0; x < out.length; x += LANES) {
      LongVector v = LongVector.fromArray(LONGS, ys, x);
      v = v.add(sh, v.compare(VectorOperators.GT, hf));
      LongVector sum =
          LongVector.fromArray(LONGS, out, x).and(keep).add(VectorMulMod.mulMod(v, w, wq, mv));
      reduceOnce(sum, mv).intoArray(out, x);
    }
  }

  /** out (+)= source s's term, for a source of 51 bits or more (two products). */
  private void addWide(long[] ys, int s, long[] out, boolean first) {
    final long mv = m;
    final long keep = first ? 0 : -1;
    final long low = (1L << SPLIT) - 1;
    final long sh = shift[s];
    final long hf = half[s];
    final LongVector w = LongVector.broadcast(LONGS, hat[s]);
    final DoubleVector wq = DoubleVector.broadcast(VectorMulMod.DOUBLES, hatQuotient[s]);
    final LongVector ws = LongVector.broadcast(LONGS, split);
    final DoubleVector wsq = DoubleVector.broadcast(VectorMulMod.DOUBLES, splitQuotient);
    for (int x = 0; x < out.length; x += LANES) {
      LongVector v = LongVector.fromArray(LONGS, ys, x);
      v = v.add(sh, v.compare(VectorOperators.GT, hf));
      v = VectorMulMod.mulMod(v.lanewise(VectorOperators.LSHR, SPLIT), ws, wsq, mv).add(v.and(low));
      LongVector sum =
          LongVector.fromArray(LONGS, out, x).and(keep).add(VectorMulMod.mulMod(v, w, wq, mv));
      reduceOnce(sum, mv).intoArray(out, x);
    }
  }

  /** x - m where x &ge; m, for x in [0, 2m). */
  private static LongVector reduceOnce(LongVector x, long m) {
    LongVector d = x.sub(m);
    return x.blend(d, d.compare(VectorOperators.GE, 0));
  }
}
