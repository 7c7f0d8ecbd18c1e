package io.blindtuner.he.ring;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NttTables}' lazy transforms on 8-lane {@code LongVector}s (AVX-512), for primes below
 * 2^50. Loaded only when the JVM runs with jdk.incubator.vector (see {@link VectorKernels}).
 *
 * <p>Products with twiddles are {@link VectorMulMod}'s, fully reduced, tighter than Harvey's [0,
 * 2q), so the lazy ranges of the scalar transforms hold: forward [0, 4q) in and out, inverse [0,
 * 2q) (inputs below 4q &lt; 2^52).
 *
 * <p>Stages with butterfly distance t &ge; 8 pair whole vectors. The others (the last three
 * forward, the first three inverse) work on blocks of 16 values in two vectors, in a layout "split
 * at bit k" where the first vector holds the values whose offset in their 8-value half has bit k
 * clear, the second those with it set, lane-aligned: each such stage shuffles the block from the
 * previous stage's layout into its own and stores it so, and one pass of shuffles restores the
 * natural order at the end. (Shuffling in and out within one stage makes C2 stop inlining before
 * the end of the loop body, and the vectors left over get boxed: several times slower than the
 * scalar code.)
 *
 * <p>For the same reason a transform is a list of {@link Stage}s run through one call site that
 * sees several stage classes: C2 then compiles each stage on its own instead of inlining all of
 * them into one method, past its node limit.
 */
final class VectorNtt {
  private static final VectorSpecies<Long> LONGS = VectorMulMod.LONGS;
  private static final VectorSpecies<Double> DOUBLES = VectorMulMod.DOUBLES;
  private static final int LANES = VectorMulMod.LANES;
  private static final int BLOCK = 2 * LANES;

  /** The natural layout of a block, as opposed to "split at bit k" (k = 0, 1, 2). */
  private static final int NATURAL = -1;

  /**
   * A shuffle of a block from one layout into another: out_i = blend(p.rearrange(p_i),
   * q.rearrange(q_i)).
   */
  private record Permute(
      VectorShuffle<Long> p0,
      VectorShuffle<Long> q0,
      VectorMask<Long> fromQ0,
      VectorShuffle<Long> p1,
      VectorShuffle<Long> q1,
      VectorMask<Long> fromQ1) {

    /** From layout "split at bit from" (or NATURAL) to "split at bit to" (or NATURAL). */
    static Permute of(int from, int to) {
      int[][] lanes = new int[4][LANES];
      boolean[][] fromQ = new boolean[2][LANES];
      for (int v = 0; v < BLOCK; v++) {
        int source = slot(v, from);
        int target = slot(v, to);
        int out = target / LANES;
        boolean inQ = source >= LANES;
        lanes[2 * out + (inQ ? 1 : 0)][target % LANES] = source % LANES;
        fromQ[out][target % LANES] = inQ;
      }
      return new Permute(
          shuffle(lanes[0]),
          shuffle(lanes[1]),
          VectorMask.fromArray(LONGS, fromQ[0], 0),
          shuffle(lanes[2]),
          shuffle(lanes[3]),
          VectorMask.fromArray(LONGS, fromQ[1], 0));
    }

    /**
     * Position of value v of a block in a layout (values with bit k of their offset clear first, in
     * order).
     */
    private static int slot(int v, int k) {
      if (k == NATURAL) {
        return v;
      }
      int half = v / LANES;
      int e = v % LANES;
      int rest = (e >> (k + 1)) << k | (e & ((1 << k) - 1));
      return ((e >> k) & 1) * LANES + half * (LANES / 2) + rest;
    }

    private static VectorShuffle<Long> shuffle(int[] lanes) {
      return VectorShuffle.fromArray(LONGS, lanes, 0);
    }

    LongVector first(LongVector p, LongVector q) {
      return p.rearrange(p0).blend(q.rearrange(q0), fromQ0);
    }

    LongVector second(LongVector p, LongVector q) {
      return p.rearrange(p1).blend(q.rearrange(q1), fromQ1);
    }
  }

  /**
   * A stage with butterfly distance t = 2^k &lt; 8: the shuffle into its layout (split at bit k),
   * the spread of its twiddles over the lanes (lane l has butterfly group l / t of the block), and
   * its twiddles per block (8 / t).
   */
  private record Small(
      Permute in,
      VectorShuffle<Long> twiddles,
      VectorShuffle<Double> twiddleQuotients,
      int groups) {

    static Small of(int from, int k) {
      int[] spread = new int[LANES];
      for (int l = 0; l < LANES; l++) {
        spread[l] = l >> k;
      }
      return new Small(
          Permute.of(from, k),
          VectorShuffle.fromArray(LONGS, spread, 0),
          VectorShuffle.fromArray(DOUBLES, spread, 0),
          LANES >> k);
    }
  }

  /** Forward stages t = 4, 2, 1 in turn, then the shuffle back to the natural order. */
  private static final Small[] FORWARD_SMALL = {
    Small.of(NATURAL, 2), Small.of(2, 1), Small.of(1, 0)
  };

  private static final Permute FORWARD_OUT = Permute.of(0, NATURAL);

  /** Inverse stages t = 1, 2, 4 in turn, then the shuffle back. */
  private static final Small[] INVERSE_SMALL = {
    Small.of(NATURAL, 0), Small.of(0, 1), Small.of(1, 2)
  };

  private static final Permute INVERSE_OUT = Permute.of(2, NATURAL);

  /** One stage of a transform, in place. */
  private interface Stage {
    void run(long[] a);
  }

  private final int n;
  private final long q;
  private final long[] rootPowers;
  private final double[] rootQuotients;
  private final long[] invRootPowers;
  private final double[] invRootQuotients;
  private final long nInv;
  private final double nInvQuotient;
  private final long lastInv;
  private final double lastInvQuotient;
  private final Stage[] forwardStages;
  private final Stage[] inverseStages;

  /**
   * The tables' powers (bit-reversed, as in NttTables); n &ge; 16, q &lt; {@link
   * VectorKernels#MAX_MODULUS}.
   */
  VectorNtt(int n, long q, long[] rootPowers, long[] invRootPowers, long nInv, long lastInv) {
    this.n = n;
    this.q = q;
    this.rootPowers = rootPowers;
    this.rootQuotients = VectorMulMod.quotients(rootPowers, q);
    this.invRootPowers = invRootPowers;
    this.invRootQuotients = VectorMulMod.quotients(invRootPowers, q);
    this.nInv = nInv;
    this.nInvQuotient = (double) nInv / q;
    this.lastInv = lastInv;
    this.lastInvQuotient = (double) lastInv / q;
    this.forwardStages = forwardStages();
    this.inverseStages = inverseStages();
  }

  /** x - 2q where x &ge; 2q. */
  private static LongVector reduceTwice(LongVector x, long twoQ) {
    LongVector d = x.sub(twoQ);
    return x.blend(d, d.compare(VectorOperators.GE, 0));
  }

  /** Forward NTT, input in [0, 4q), output in [0, 4q). */
  void forwardLazy(long[] a) {
    run(forwardStages, a);
  }

  /** a from [0, 4q) to [0, q) (the lazy transforms' outputs). */
  void reduce(long[] a) {
    final long twoQ = 2 * q;
    for (int j = 0; j < n; j += LANES) {
      LongVector x = reduceTwice(LongVector.fromArray(LONGS, a, j), twoQ);
      LongVector d = x.sub(q);
      x.blend(d, d.compare(VectorOperators.GE, 0)).intoArray(a, j);
    }
  }

  /** Inverse NTT, input in [0, 2q), output in [0, 2q). */
  void inverseLazy(long[] a) {
    run(inverseStages, a);
  }

  private static void run(Stage[] stages, long[] a) {
    for (Stage s : stages) {
      s.run(a);
    }
  }

  private Stage[] forwardStages() {
    List<Stage> stages = new ArrayList<>();
    int m = 1;
    for (int t = n >> 1; t >= LANES; m <<= 1, t >>= 1) {
      int stageM = m;
      int stageT = t;
      stages.add(a -> forwardStage(a, stageM, stageT));
    }
    for (Small s : FORWARD_SMALL) {
      int stageM = m;
      stages.add(a -> forwardSmallStage(a, stageM, s));
      m <<= 1;
    }
    stages.add(a -> permute(a, FORWARD_OUT));
    return stages.toArray(new Stage[0]);
  }

  private Stage[] inverseStages() {
    List<Stage> stages = new ArrayList<>();
    int m = n >> 1;
    for (Small s : INVERSE_SMALL) {
      int stageM = m;
      stages.add(a -> inverseSmallStage(a, stageM, s));
      m >>= 1;
    }
    stages.add(a -> permute(a, INVERSE_OUT));
    int t = LANES;
    for (; m > 1; m >>= 1, t <<= 1) {
      int stageM = m;
      int stageT = t;
      stages.add(a -> inverseStage(a, stageM, stageT));
    }
    int lastT = t;
    stages.add(a -> inverseLastStage(a, lastT));
    return stages.toArray(new Stage[0]);
  }

  private void forwardStage(long[] a, int m, int t) {
    final long twoQ = 2 * q;
    for (int i = 0; i < m; i++) {
      LongVector w = LongVector.broadcast(LONGS, rootPowers[m + i]);
      DoubleVector wq = DoubleVector.broadcast(DOUBLES, rootQuotients[m + i]);
      int j0 = 2 * i * t;
      for (int j = j0; j < j0 + t; j += LANES) {
        LongVector x = reduceTwice(LongVector.fromArray(LONGS, a, j), twoQ);
        LongVector u = VectorMulMod.mulMod(LongVector.fromArray(LONGS, a, j + t), w, wq, q);
        x.add(u).intoArray(a, j);
        x.sub(u).add(twoQ).intoArray(a, j + t);
      }
    }
  }

  private void forwardSmallStage(long[] a, int m, Small s) {
    final long twoQ = 2 * q;
    for (int j = 0, g = m; j < n; j += BLOCK, g += s.groups) {
      LongVector va = LongVector.fromArray(LONGS, a, j);
      LongVector vb = LongVector.fromArray(LONGS, a, j + LANES);
      LongVector x = reduceTwice(s.in.first(va, vb), twoQ);
      LongVector y = s.in.second(va, vb);
      LongVector w = LongVector.fromArray(LONGS, rootPowers, g).rearrange(s.twiddles);
      DoubleVector wq =
          DoubleVector.fromArray(DOUBLES, rootQuotients, g).rearrange(s.twiddleQuotients);
      LongVector u = VectorMulMod.mulMod(y, w, wq, q);
      x.add(u).intoArray(a, j);
      x.sub(u).add(twoQ).intoArray(a, j + LANES);
    }
  }

  /** Shuffles every block of a by p. */
  private void permute(long[] a, Permute p) {
    for (int j = 0; j < n; j += BLOCK) {
      LongVector va = LongVector.fromArray(LONGS, a, j);
      LongVector vb = LongVector.fromArray(LONGS, a, j + LANES);
      p.first(va, vb).intoArray(a, j);
      p.second(va, vb).intoArray(a, j + LANES);
    }
  }

  private void inverseSmallStage(long[] a, int m, Small s) {
    final long twoQ = 2 * q;
    for (int j = 0, g = m; j < n; j += BLOCK, g += s.groups) {
      LongVector va = LongVector.fromArray(LONGS, a, j);
      LongVector vb = LongVector.fromArray(LONGS, a, j + LANES);
      LongVector x = s.in.first(va, vb);
      LongVector y = s.in.second(va, vb);
      LongVector w = LongVector.fromArray(LONGS, invRootPowers, g).rearrange(s.twiddles);
      DoubleVector wq =
          DoubleVector.fromArray(DOUBLES, invRootQuotients, g).rearrange(s.twiddleQuotients);
      reduceTwice(x.add(y), twoQ).intoArray(a, j);
      VectorMulMod.mulMod(x.sub(y).add(twoQ), w, wq, q).intoArray(a, j + LANES);
    }
  }

  private void inverseStage(long[] a, int m, int t) {
    final long twoQ = 2 * q;
    for (int i = 0; i < m; i++) {
      LongVector w = LongVector.broadcast(LONGS, invRootPowers[m + i]);
      DoubleVector wq = DoubleVector.broadcast(DOUBLES, invRootQuotients[m + i]);
      int j0 = 2 * i * t;
      for (int j = j0; j < j0 + t; j += LANES) {
        LongVector x = LongVector.fromArray(LONGS, a, j);
        LongVector y = LongVector.fromArray(LONGS, a, j + t);
        reduceTwice(x.add(y), twoQ).intoArray(a, j);
        VectorMulMod.mulMod(x.sub(y).add(twoQ), w, wq, q).intoArray(a, j + t);
      }
    }
  }

  /** The last stage (m = 1, t = n/2) merged with the scaling by n^-1. */
  private void inverseLastStage(long[] a, int t) {
    final long twoQ = 2 * q;
    LongVector ni = LongVector.broadcast(LONGS, nInv);
    DoubleVector niq = DoubleVector.broadcast(DOUBLES, nInvQuotient);
    LongVector li = LongVector.broadcast(LONGS, lastInv);
    DoubleVector liq = DoubleVector.broadcast(DOUBLES, lastInvQuotient);
    for (int j = 0; j < t; j += LANES) {
      LongVector x = LongVector.fromArray(LONGS, a, j);
      LongVector y = LongVector.fromArray(LONGS, a, j + t);
      VectorMulMod.mulMod(x.add(y), ni, niq, q).intoArray(a, j);
      VectorMulMod.mulMod(x.sub(y).add(twoQ), li, liq, q).intoArray(a, j + t);
    }
  }
}
