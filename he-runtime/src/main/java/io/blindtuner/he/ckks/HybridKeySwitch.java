package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.BasisConversion;
import io.blindtuner.he.ring.LimbOps;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.NttTables;
import io.blindtuner.he.ring.Parallelism;

/**
 * Key switching in the hybrid layout (Han-Ki 2020; OpenFHE's HYBRID, Lattigo's): each digit of the
 * input (a group of consecutive data primes, cut at the input's level) is extended by fast basis
 * conversion to the other primes of the level and the special primes (ModUp), the digits are
 * multiplied with the key and summed over Q_l*P, and the sum is divided by P (ModDown, again by
 * basis conversion). Target positions k = 0..level stand for the data primes, k = level+1..level+K
 * for the special primes. Scratch buffers come from pools as in {@link CkksKernels}.
 */
final class HybridKeySwitch {
  private final CkksParameters params;
  private final KeySwitchLayout layout;
  private final Modulus[] moduli;
  private final NttTables[] ntt;
  private final Parallelism parallelism;
  private final int n;
  private final int special;
  private final int specialCount;

  /** Scratch sets of one task: [0] a converted limb, [1..4] the 128-bit accumulators. */
  private final BufferPool<long[][]> scratch;

  private final BufferPool<Workspace> workspaces =
      new BufferPool<>(CkksKernels.WORKSPACES_KEPT, Workspace::new);

  /** Buffers of one operation: scaled input digits, key products, scaled dropped limbs. */
  private final class Workspace {
    long[][] scaled;
    long[][] t0;
    long[][] t1;
    long[][] drop0;
    long[][] drop1;

    long[][] grow(long[][] current, int count) {
      return CkksKernels.grow(current, count, n);
    }
  }

  HybridKeySwitch(CkksParameters params, Parallelism parallelism) {
    this.params = params;
    this.layout = params.keySwitchLayout();
    this.moduli = params.moduli;
    this.ntt = params.ntt;
    this.parallelism = parallelism;
    this.n = params.n();
    this.special = params.specialIndex();
    this.specialCount = layout.specialPrimeCount();
    this.scratch =
        new BufferPool<>(CkksKernels.WORKSPACES_KEPT * parallelism.threads(), () -> new long[5][n]);
  }

  /** Modulus index of target position k at a level. */
  private int modulusAt(int k, int level) {
    return k <= level ? k : special + k - level - 1;
  }

  /** Source mask of digit j cut at a level: its data primes up to the level. */
  private long digitMask(int j, int level) {
    int end = Math.min(layout.digitEnd(j), level + 1);
    return ((1L << (end - layout.digitStart(j))) - 1) << layout.digitStart(j);
  }

  /**
   * Source mask of the mod-down: the special primes, and q_level when the division takes a rescale
   * with it.
   */
  private long dropMask(int level, boolean withLast) {
    long mask = ((1L << specialCount) - 1) << special;
    return withLast ? mask | (1L << level) : mask;
  }

  /**
   * The input's digits in coefficient form, scaled for their basis conversions: the first half of
   * ModUp.
   */
  private record Digits(BasisConversion[] conv, long[][][] sources) {}

  /**
   * Inverse NTT of the level+1 limbs of target into the workspace, each scaled by its digit's
   * (Q_j/q_i)^-1.
   */
  private Digits prepare(Workspace w, long[][] target, int level) {
    int digits = layout.digitsAt(level);
    w.scaled = w.grow(w.scaled, level + 1);
    long[][] scaled = w.scaled;
    BasisConversion[] conv = new BasisConversion[digits];
    long[][][] sources = new long[digits][][];
    for (int j = 0; j < digits; j++) {
      conv[j] = params.conversion(digitMask(j, level));
      sources[j] = new long[conv[j].sourceCount()][];
      for (int s = 0; s < sources[j].length; s++) {
        sources[j][s] = scaled[conv[j].source(s)];
      }
    }
    parallelism.forEach(
        level + 1,
        i -> {
          System.arraycopy(target[i], 0, scaled[i], 0, n);
          ntt[i].inverse(scaled[i]);
          int j = digitOf(i);
          conv[j].scale(i - layout.digitStart(j), scaled[i], scaled[i]);
        });
    return new Digits(conv, sources);
  }

  /**
   * Whether target position k is a prime of digit j at the level (the digit's residue there is the
   * input's).
   */
  private boolean inDigit(int j, int k, int level) {
    return k >= layout.digitStart(j) && k < Math.min(layout.digitEnd(j), level + 1);
  }

  private int digitOf(int prime) {
    int j = 0;
    while (layout.digitEnd(j) <= prime) {
      j++;
    }
    return j;
  }

  /**
   * Digit j extended to target position k in NTT form (lazy, [0, 4q)): target[k] itself where k is
   * a prime of the digit, otherwise its basis conversion transformed in {@code buf}.
   */
  private long[] extend(Digits d, long[][] target, int j, int k, int level, long[] buf) {
    if (inDigit(j, k, level)) {
      return target[k];
    }
    int mod = modulusAt(k, level);
    d.conv()[j].convert(d.sources()[j], mod, buf);
    ntt[mod].forwardLazy(buf);
    return buf;
  }

  /**
   * ModUp of target (NTT form, level+1 limbs) into ext[j][k] for every digit j at the level and
   * target position k (see {@link #extend}), in new arrays: a hoisted decomposition that the caller
   * keeps for several rotations.
   */
  long[][][] decompose(long[][] target, int level) {
    Workspace w = workspaces.acquire();
    try {
      Digits d = prepare(w, target, level);
      int digits = layout.digitsAt(level);
      int positions = level + 1 + specialCount;
      long[][][] ext = new long[digits][positions][];
      parallelism.forEach(
          digits * positions,
          task -> {
            int j = task / positions;
            int k = task % positions;
            ext[j][k] =
                inDigit(j, k, level)
                    ? target[k].clone()
                    : extend(d, target, j, k, level, new long[n]);
          });
      return ext;
    } finally {
      workspaces.release(w);
    }
  }

  /**
   * The products t0, t1 (in the workspace) = sum over digits of ext_j * key_j at every target
   * position, with ext_j taken from {@code ext} (each digit read through perm when it is not null:
   * a hoisted rotation permutes the extended digits, not the input) or, when ext is null, extended
   * from {@code d} and target on the fly, one position at a time, so the extended digits never
   * leave the cache.
   */
  private void products(
      Workspace w,
      long[][][] ext,
      Digits d,
      long[][] target,
      int level,
      KeySwitchKey key,
      int[] perm) {
    int digits = layout.digitsAt(level);
    int positions = level + 1 + specialCount;
    w.t0 = w.grow(w.t0, positions);
    w.t1 = w.grow(w.t1, positions);
    long[][] t0 = w.t0;
    long[][] t1 = w.t1;
    parallelism.forEach(
        positions,
        k -> {
          int mod = modulusAt(k, level);
          long[][] s = scratch.acquire();
          try {
            boolean productRange = CkksKernels.inProductRange(moduli[mod], digits);
            for (int j = 0; j < digits; j++) {
              long[] e = ext != null ? ext[j][k] : extend(d, target, j, k, level, s[0]);
              CkksKernels.accumulate(
                  e,
                  perm,
                  key.digit(j, 0).limb(mod),
                  key.digit(j, 1).limb(mod),
                  s,
                  j == 0,
                  j == digits - 1,
                  moduli[mod],
                  productRange,
                  t0[k],
                  t1[k]);
            }
          } finally {
            scratch.release(s);
          }
        });
  }

  /**
   * Key switching of target (NTT form, level+1 limbs): adds ks0 to out0 and writes (or, with
   * accumulate1, adds) ks1 to out1.
   */
  void keySwitch(
      long[][] target,
      int level,
      KeySwitchKey key,
      long[][] out0,
      long[][] out1,
      boolean accumulate1) {
    Workspace w = workspaces.acquire();
    try {
      products(w, null, prepare(w, target, level), target, level, key, null);
      modDown(w, level, false, out0, out1, true, accumulate1);
    } finally {
      workspaces.release(w);
    }
  }

  /**
   * Key switching from a {@link #decompose hoisted decomposition}, each extended digit read through
   * perm.
   */
  void keySwitch(
      long[][][] ext,
      int level,
      KeySwitchKey key,
      int[] perm,
      long[][] out0,
      long[][] out1,
      boolean accumulate1) {
    Workspace w = workspaces.acquire();
    try {
      products(w, ext, null, null, level, key, perm);
      modDown(w, level, false, out0, out1, true, accumulate1);
    } finally {
      workspaces.release(w);
    }
  }

  /**
   * Relinearization fused with the rescale that follows it: out_c = (c_c*P + t_c) / (P*q_level),
   * one mod-down that drops q_level with the special primes (2*level+2 fewer NTTs than a mod-down
   * then a rescale). Writes limbs 0..level-1 of out0/out1, which may be c0/c1.
   */
  void relinearizeRescale(
      long[][] c0,
      long[][] c1,
      long[][] c2,
      int level,
      KeySwitchKey key,
      long[][] out0,
      long[][] out1) {
    Workspace w = workspaces.acquire();
    try {
      products(w, null, prepare(w, c2, level), c2, level, key, null);
      long[][][] t = {w.t0, w.t1};
      long[][][] c = {c0, c1};
      parallelism.forEach(
          2 * (level + 1),
          task -> {
            int cc = task / (level + 1);
            int j = task % (level + 1);
            LimbOps.mulScalarAdd(
                c[cc][j],
                params.specialModData[j],
                params.specialModDataShoup[j],
                t[cc][j],
                moduli[j],
                0,
                n);
          });
      modDown(w, level, true, out0, out1, false, false);
    } finally {
      workspaces.release(w);
    }
  }

  /**
   * ModDown of the products in the workspace: out_c[j] (+)= (t_c[j] - conv(t_c mod D)) * D^-1 mod
   * q_j, where D is P (withLast false: j = 0..level) or P*q_level (withLast true: j = 0..level-1).
   */
  private void modDown(
      Workspace w,
      int level,
      boolean withLast,
      long[][] out0,
      long[][] out1,
      boolean accumulate0,
      boolean accumulate1) {
    BasisConversion conv = params.conversion(dropMask(level, withLast));
    int drops = conv.sourceCount();
    w.drop0 = w.grow(w.drop0, drops);
    w.drop1 = w.grow(w.drop1, drops);
    long[][][] t = {w.t0, w.t1};
    long[][][] y = {w.drop0, w.drop1};
    parallelism.forEach(
        2 * drops,
        task -> {
          int cc = task / drops;
          int s = task % drops;
          int mod = conv.source(s);
          long[] src = t[cc][mod < special ? mod : level + 1 + mod - special];
          long[] dst = y[cc][s];
          System.arraycopy(src, 0, dst, 0, n);
          ntt[mod].inverse(dst);
          conv.scale(s, dst, dst);
        });
    int kept = withLast ? level : level + 1;
    long[][][] out = {out0, out1};
    boolean[] accumulate = {accumulate0, accumulate1};
    parallelism.forEach(
        2 * kept,
        task -> {
          int cc = task / kept;
          int j = task % kept;
          Modulus qj = moduli[j];
          long[][] s = scratch.acquire();
          try {
            long[] tmp = s[0];
            conv.convert(y[cc], j, tmp);
            ntt[j].forwardLazy(tmp);
            CkksKernels.subtractScale(
                qj,
                t[cc][j],
                tmp,
                conv.productInverse(j),
                conv.productInverseShoup(j),
                out[cc][j],
                accumulate[cc],
                n);
          } finally {
            scratch.release(s);
          }
        });
  }
}
