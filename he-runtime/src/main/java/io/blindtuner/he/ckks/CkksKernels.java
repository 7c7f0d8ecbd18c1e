package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.LimbOps;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.NttTables;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.ring.Prng;
import io.blindtuner.he.ring.RnsPoly;
import io.blindtuner.he.ring.Samplers;
import java.util.Arrays;

/**
 * The RNS building blocks shared by key generation, encryption and evaluation: symmetric zero
 * encryption, division by the last prime with rounding, and SEAL's key switching (decompose,
 * multiply-accumulate with the key, mod down by P); parameters of the hybrid layout hand key
 * switching to {@link HybridKeySwitch}. Immutable apart from pools of scratch buffers: each
 * operation checks a {@link Workspace} out of a small pool and each of its parallel tasks a scratch
 * set, and gives them back when done, so concurrent callers never share one and the memory kept is
 * bounded whatever threads call (a thread-local would keep a set for every thread of, say, an actor
 * dispatcher, for as long as the thread lives).
 */
final class CkksKernels {
  private final CkksParameters params;
  private final Modulus[] moduli;
  private final NttTables[] ntt;
  private final Parallelism parallelism;
  private final int n;

  /**
   * The key switching of the hybrid layout; null in SEAL's layout, which the methods here
   * implement.
   */
  private final HybridKeySwitch hybrid;

  /**
   * Workspaces kept between operations: more concurrent operations allocate their own and drop them
   * after.
   */
  static final int WORKSPACES_KEPT = 2;

  /**
   * Scratch sets of one task: [0] a transformed digit, [1..4] the 128-bit accumulators (hi0, lo0,
   * hi1, lo1).
   */
  private final BufferPool<long[][]> scratch;

  /** Buffers of whole operations; grown on demand, then reused. */
  private final BufferPool<Workspace> workspaces =
      new BufferPool<>(WORKSPACES_KEPT, Workspace::new);

  /**
   * Buffers of one operation: digits, key-switching products, permuted inputs, rounded last limbs.
   */
  private final class Workspace {
    long[][] coef;
    long[][] t0;
    long[][] t1;
    long[][] perm0;
    long[][] perm1;
    long[][] rounded;

    long[][] grow(long[][] current, int count) {
      return CkksKernels.grow(current, count, n);
    }
  }

  /**
   * {@code current} if it has at least {@code count} limbs of n, else a longer array keeping its
   * limbs.
   */
  static long[][] grow(long[][] current, int count, int n) {
    if (current != null && current.length >= count) {
      return current;
    }
    long[][] next = new long[count][];
    for (int i = 0; i < count; i++) {
      next[i] = current != null && i < current.length ? current[i] : new long[n];
    }
    return next;
  }

  CkksKernels(CkksParameters params, Parallelism parallelism) {
    this.params = params;
    this.moduli = params.moduli;
    this.ntt = params.ntt;
    this.parallelism = parallelism;
    this.n = params.n();
    // One scratch set per task running at once: threads per operation, for as many operations as
    // keep a workspace.
    this.scratch =
        new BufferPool<>(WORKSPACES_KEPT * parallelism.threads(), () -> new long[5][params.n()]);
    this.hybrid =
        params.keySwitchLayout().isSeal() ? null : new HybridKeySwitch(params, parallelism);
  }

  Parallelism parallelism() {
    return parallelism;
  }

  /**
   * SEAL's encrypt_zero_symmetric over the first {@code m} moduli: c1 = a uniform (read as NTT
   * values), c0 = -(a*s + e) with e a fresh error.
   */
  void encryptZeroSymmetric(RnsPoly s, int m, Prng aPrng, Prng ePrng, long[][] c0, long[][] c1) {
    Samplers.uniform(aPrng, moduli, c1, m);
    int[] e = new int[n];
    Samplers.gaussian(ePrng, e);
    smallToNtt(e, c0, m);
    parallelism.forEach(
        m,
        j -> {
          long[] sj = s.limb(j);
          long[] aj = c1[j];
          long[] ej = c0[j];
          Modulus q = moduli[j];
          long qv = q.value();
          for (int x = 0; x < n; x++) {
            long v = q.add(q.mulReduced(aj[x], sj[x]), ej[x]);
            ej[x] = v == 0 ? 0 : qv - v;
          }
        });
    Arrays.fill(e, 0); // with (c0, c1) public, e would give a*s and so s
  }

  /** Writes a small signed polynomial into the first m moduli and transforms it to NTT form. */
  void smallToNtt(int[] v, long[][] out, int m) {
    Samplers.toRns(v, moduli, out, m);
    parallelism.forEach(m, j -> ntt[j].forward(out[j]));
  }

  /**
   * Divides each polynomial (NTT form, first {@code m} limbs) by the m-th modulus with rounding
   * (SEAL's divide_and_round_q_last_ntt): limbs 0..m-2 are replaced; limb m-1 is consumed.
   */
  void divideRoundByLast(long[][][] polys, int m) {
    Workspace w = workspaces.acquire();
    try {
      divideRoundByLast(w, polys, m - 1);
    } finally {
      workspaces.release(w);
    }
  }

  private void divideRoundByLast(Workspace w, long[][][] polys, int last) {
    w.rounded = w.grow(w.rounded, polys.length);
    long[][] rounded = w.rounded;
    Modulus ql = moduli[last];
    long halfQ = ql.value() >>> 1;
    parallelism.forEach(
        polys.length,
        p -> {
          long[] t = rounded[p];
          System.arraycopy(polys[p][last], 0, t, 0, n);
          ntt[last].inverse(t);
          for (int x = 0; x < n; x++) {
            t[x] = ql.add(t[x], halfQ);
          }
        });
    parallelism.forEach(
        polys.length * last,
        task -> {
          int p = task / last;
          int j = task % last;
          modDownLimb(rounded[p], last, polys[p][j], polys[p][j], j, false);
        });
  }

  /**
   * dst = (accumulate ? dst : 0) + (src - tmp) * inv mod q over n coefficients: the last step of
   * dividing by dropped primes (a rescale's q_last, a key switch's P). src in [0, q), tmp lazily
   * reduced in [0, 4q).
   */
  static void subtractScale(
      Modulus qj,
      long[] src,
      long[] tmp,
      long inv,
      long invS,
      long[] dst,
      boolean accumulate,
      int n) {
    long q = qj.value();
    long fourQ = 4 * q;
    if (accumulate) {
      for (int x = 0; x < n; x++) {
        long r = qj.mulShoup(src[x] + fourQ - tmp[x], inv, invS) + dst[x];
        dst[x] = r >= q ? r - q : r;
      }
    } else {
      for (int x = 0; x < n; x++) {
        dst[x] = qj.mulShoup(src[x] + fourQ - tmp[x], inv, invS);
      }
    }
  }

  /**
   * dst = (accumulate ? dst : 0) + (src - r) * moduli[lastIdx]^-1 mod q_j, where {@code
   * roundedLast} holds r + floor(q_last/2) in coefficient form, r the centered residue mod q_last.
   * src in [0, q_j).
   */
  private void modDownLimb(
      long[] roundedLast, int lastIdx, long[] src, long[] dst, int j, boolean accumulate) {
    Modulus qj = moduli[j];
    long q = qj.value();
    long fix = q - params.half[lastIdx][j];
    long[][] s = scratch.acquire();
    try {
      long[] tmp = s[0];
      for (int x = 0; x < n; x++) {
        tmp[x] = qj.reduce(roundedLast[x]) + fix;
      }
      ntt[j].forwardLazy(tmp);
      subtractScale(
          qj, src, tmp, params.inv[lastIdx][j], params.invShoup[lastIdx][j], dst, accumulate, n);
    } finally {
      scratch.release(s);
    }
  }

  /** Digits of target (NTT form, level+1 limbs) in coefficient form. */
  private long[][] digitsInCoefficientForm(Workspace w, long[][] target, int level) {
    w.coef = w.grow(w.coef, level + 1);
    long[][] coef = w.coef;
    parallelism.forEach(
        level + 1,
        i -> {
          System.arraycopy(target[i], 0, coef[i], 0, n);
          ntt[i].inverse(coef[i]);
        });
    return coef;
  }

  /**
   * Digit i brought to modulus {@code mod} and transformed (lazy, [0, 4q)). The digit is centered:
   * residues above q_i/2 stand for v - q_i. SEAL uses [0, q_i); centering gives the same result mod
   * q and avoids the noise of the digit's mean q_i/2, which the slot transform concentrates near
   * slot 0 (about 2 bits per key switch).
   */
  private void digitToNtt(long[] coef, int i, int mod, long[] out) {
    Modulus qk = moduli[mod];
    long qi = moduli[i].value();
    long halfQi = qi >>> 1;
    long shift = qk.value() - qk.reduce(qi);
    if (qi <= qk.value()) {
      // v and v - q_i + q_k are both already in [0, q_k).
      for (int x = 0; x < n; x++) {
        long v = coef[x];
        out[x] = v > halfQi ? v + shift : v;
      }
    } else {
      for (int x = 0; x < n; x++) {
        long v = coef[x];
        out[x] = qk.reduce(v > halfQi ? v + shift : v);
      }
    }
    ntt[mod].forwardLazy(out);
  }

  /**
   * Decomposition for hoisting: ext[i][k] = digit i transformed mod q_k (k = level+1 stands for P);
   * the diagonal is target[i] itself.
   */
  long[][][] decompose(long[][] target, int level) {
    if (hybrid != null) {
      return hybrid.decompose(target, level);
    }
    Workspace w = workspaces.acquire();
    try {
      long[][] coef = digitsInCoefficientForm(w, target, level);
      int digits = level + 1;
      int special = params.specialIndex();
      long[][][] ext = new long[digits][level + 2][];
      parallelism.forEach(
          digits * (level + 2),
          task -> {
            int i = task / (level + 2);
            int k = task % (level + 2);
            if (i == k) {
              ext[i][k] = target[i].clone();
            } else {
              long[] d = new long[n];
              digitToNtt(coef[i], i, k <= level ? k : special, d);
              ext[i][k] = d;
            }
          });
      return ext;
    } finally {
      workspaces.release(w);
    }
  }

  /**
   * Key switching of {@code target} (NTT form, level+1 limbs): adds ks0 to out0 and writes (or,
   * with accumulate1, adds) ks1 to out1.
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
      keySwitch(w, target, level, key, out0, out1, accumulate1);
    } finally {
      workspaces.release(w);
    }
  }

  private void keySwitch(
      Workspace w,
      long[][] target,
      int level,
      KeySwitchKey key,
      long[][] out0,
      long[][] out1,
      boolean accumulate1) {
    if (hybrid != null) {
      hybrid.keySwitch(target, level, key, out0, out1, accumulate1);
      return;
    }
    long[][][] t = keySwitchProducts(w, target, level, key);
    modDown(t[0], t[1], level, out0, out1, accumulate1);
  }

  /**
   * Relinearization fused with the rescale that follows it: out_c = round((c_c*P + t_c) /
   * (P*q_level)) for c = 0, 1, where t = the key-switching products of c2 (before the mod-down).
   * One rounding division by P*q_level replaces the division by P and then by q_level, saving
   * 2*level+2 NTTs (6 of 20 at N=8192 with 3 data primes). Writes limbs 0..level-1 of out0/out1,
   * which may be c0/c1.
   */
  void relinearizeRescale(
      long[][] c0,
      long[][] c1,
      long[][] c2,
      int level,
      KeySwitchKey key,
      long[][] out0,
      long[][] out1) {
    if (hybrid != null) {
      hybrid.relinearizeRescale(c0, c1, c2, level, key, out0, out1);
      return;
    }
    Workspace w = workspaces.acquire();
    try {
      relinearizeRescale(w, c0, c1, c2, level, key, out0, out1);
    } finally {
      workspaces.release(w);
    }
  }

  private void relinearizeRescale(
      Workspace w,
      long[][] c0,
      long[][] c1,
      long[][] c2,
      int level,
      KeySwitchKey key,
      long[][] out0,
      long[][] out1) {
    long[][][] t = keySwitchProducts(w, c2, level, key);
    int special = params.specialIndex();
    Modulus p = moduli[special];
    Modulus ql = moduli[level];
    long[][][] c = {c0, c1};
    // Coefficient form of y mod P (= t_P) and of y mod q_l (y = c*P + t), each plus h =
    // floor(P*q_l/2).
    parallelism.forEach(
        4,
        task -> {
          long[][] tc = t[task >> 1];
          if ((task & 1) == 0) {
            long[] a = tc[level + 1];
            ntt[special].inverse(a);
            long hp = params.fusedHalfModP[level];
            for (int x = 0; x < n; x++) {
              a[x] = p.add(a[x], hp);
            }
          } else {
            long[] b = tc[level];
            long[] cl = c[task >> 1][level];
            long pm = params.specialModData[level];
            long pms = params.specialModDataShoup[level];
            for (int x = 0; x < n; x++) {
              b[x] = ql.add(ql.mulShoup(cl[x], pm, pms), b[x]);
            }
            ntt[level].inverse(b);
            long hl = params.fusedHalfModLast[level];
            for (int x = 0; x < n; x++) {
              b[x] = ql.add(b[x], hl);
            }
          }
        });
    // v = [y + h]_(P*q_l) = a + P*w with w = (b - a)*P^-1 mod q_l; w overwrites b.
    long pInv = params.specialInvLast[level];
    long pInvS = params.specialInvLastShoup[level];
    parallelism.forEach(
        2,
        cc -> {
          long[] a = t[cc][level + 1];
          long[] b = t[cc][level];
          for (int x = 0; x < n; x++) {
            b[x] = ql.mulShoup(ql.sub(b[x], ql.reduce(a[x])), pInv, pInvS);
          }
        });
    long[][][] out = {out0, out1};
    parallelism.forEach(
        2 * level,
        task -> {
          int cc = task / level;
          int j = task % level;
          Modulus qj = moduli[j];
          long qv = qj.value();
          long[] a = t[cc][level + 1];
          long[] wl = t[cc][level];
          long pm = params.specialModData[j];
          long pms = params.specialModDataShoup[j];
          long[][] s = scratch.acquire();
          try {
            long[] v = s[0];
            // v - h in coefficient form (h is added to every coefficient, so it cannot be added
            // after the NTT).
            long hj = params.fusedHalfModData[level][j];
            for (int x = 0; x < n; x++) {
              v[x] = qj.sub(qj.add(qj.reduce(a[x]), qj.mulShoup(wl[x], pm, pms)), hj);
            }
            ntt[j].forwardLazy(v);
            long[] cj = c[cc][j];
            long[] tj = t[cc][j];
            long[] dst = out[cc][j];
            long inv = params.fusedInv[level][j];
            long invS = params.fusedInvShoup[level][j];
            long fourQ = 4 * qv;
            for (int x = 0; x < n; x++) {
              long y = qj.add(qj.mulShoup(cj[x], pm, pms), tj[x]);
              dst[x] = qj.mulShoup(y + fourQ - v[x], inv, invS);
            }
          } finally {
            scratch.release(s);
          }
        });
  }

  /**
   * The key-switching products t0, t1 of {@code target} (NTT form, limbs 0..level and P at
   * level+1).
   */
  private long[][][] keySwitchProducts(Workspace w, long[][] target, int level, KeySwitchKey key) {
    long[][] coef = digitsInCoefficientForm(w, target, level);
    int special = params.specialIndex();
    w.t0 = w.grow(w.t0, level + 2);
    w.t1 = w.grow(w.t1, level + 2);
    long[][] t0 = w.t0;
    long[][] t1 = w.t1;
    parallelism.forEach(
        level + 2,
        k -> {
          int mod = k <= level ? k : special;
          long[][] s = scratch.acquire();
          try {
            for (int i = 0; i <= level; i++) {
              long[] d;
              if (i == k) {
                d = target[i];
              } else {
                digitToNtt(coef[i], i, mod, s[0]);
                d = s[0];
              }
              accumulate(
                  d,
                  null,
                  key.digit(i, 0).limb(mod),
                  key.digit(i, 1).limb(mod),
                  s,
                  i == 0,
                  i == level,
                  moduli[mod],
                  inProductRange(moduli[mod], level + 1),
                  t0[k],
                  t1[k]);
            }
          } finally {
            scratch.release(s);
          }
        });
    return new long[][][] {t0, t1};
  }

  /**
   * SEAL's apply_galois on a size-2 ciphertext: out0 = perm(c0) + ks0(perm(c1)), out1 =
   * ks1(perm(c1)), with result[x] = input[perm[x]] in NTT form. out may alias c.
   */
  void applyGalois(
      long[][] c0,
      long[][] c1,
      int level,
      int[] perm,
      KeySwitchKey key,
      long[][] out0,
      long[][] out1) {
    Workspace w = workspaces.acquire();
    try {
      applyGalois(w, c0, c1, level, perm, key, out0, out1);
    } finally {
      workspaces.release(w);
    }
  }

  private void applyGalois(
      Workspace w,
      long[][] c0,
      long[][] c1,
      int level,
      int[] perm,
      KeySwitchKey key,
      long[][] out0,
      long[][] out1) {
    w.perm0 = w.grow(w.perm0, level + 1);
    w.perm1 = w.grow(w.perm1, level + 1);
    long[][] p0 = w.perm0;
    long[][] p1 = w.perm1;
    parallelism.forEachRange(
        level + 1,
        n,
        (j, from, to) -> {
          long[] s0 = c0[j];
          long[] s1 = c1[j];
          long[] d0 = p0[j];
          long[] d1 = p1[j];
          for (int x = from; x < to; x++) {
            int src = perm[x];
            d0[x] = s0[src];
            d1[x] = s1[src];
          }
        });
    for (int j = 0; j <= level; j++) {
      System.arraycopy(p0[j], 0, out0[j], 0, n);
    }
    keySwitch(w, p1, level, key, out0, out1, false);
  }

  /**
   * Key switching from a precomputed decomposition, each digit permuted by {@code perm} (null:
   * identity).
   */
  void keySwitch(
      long[][][] ext,
      int level,
      KeySwitchKey key,
      int[] perm,
      long[][] out0,
      long[][] out1,
      boolean accumulate1) {
    if (hybrid != null) {
      hybrid.keySwitch(ext, level, key, perm, out0, out1, accumulate1);
      return;
    }
    int special = params.specialIndex();
    Workspace w = workspaces.acquire();
    try {
      w.t0 = w.grow(w.t0, level + 2);
      w.t1 = w.grow(w.t1, level + 2);
      long[][] t0 = w.t0;
      long[][] t1 = w.t1;
      parallelism.forEach(
          level + 2,
          k -> {
            int mod = k <= level ? k : special;
            long[][] s = scratch.acquire();
            try {
              for (int i = 0; i <= level; i++) {
                accumulate(
                    ext[i][k],
                    perm,
                    key.digit(i, 0).limb(mod),
                    key.digit(i, 1).limb(mod),
                    s,
                    i == 0,
                    i == level,
                    moduli[mod],
                    inProductRange(moduli[mod], level + 1),
                    t0[k],
                    t1[k]);
              }
            } finally {
              scratch.release(s);
            }
          });
      modDown(t0, t1, level, out0, out1, accumulate1);
    } finally {
      workspaces.release(w);
    }
  }

  /**
   * Multiply-accumulate of the digits with the key for one modulus: (h0:l0) += d*b and (h1:l1) +=
   * d*a as unsigned 128-bit sums (d &lt; 2^62, key &lt; 2^60, at most 60 digits). The first digit
   * overwrites the accumulators; the last one reduces straight into out0/out1 instead of writing
   * them back. {@code d} is read through {@code perm} when it is not null. Where the vector kernels
   * take q (and perm is null) every digit goes straight into out0/out1 instead, reduced ({@link
   * LimbOps#mulAccumulate}).
   */
  static void accumulate(
      long[] d,
      int[] perm,
      long[] b,
      long[] a,
      long[][] s,
      boolean first,
      boolean last,
      Modulus q,
      boolean productRange,
      long[] out0,
      long[] out1) {
    int n = b.length;
    if (perm == null && LimbOps.vectorized(q)) {
      LimbOps.mulAccumulate(d, b, a, out0, out1, q, first);
      return;
    }
    long[] h0 = s[1];
    long[] l0 = s[2];
    long[] h1 = s[3];
    long[] l1 = s[4];
    if (first && last) {
      for (int x = 0; x < n; x++) {
        long v = perm == null ? d[x] : d[perm[x]];
        out0[x] = q.reduce128(Math.multiplyHigh(v, b[x]), v * b[x]);
        out1[x] = q.reduce128(Math.multiplyHigh(v, a[x]), v * a[x]);
      }
    } else if (first) {
      for (int x = 0; x < n; x++) {
        long v = perm == null ? d[x] : d[perm[x]];
        long bx = b[x];
        long ax = a[x];
        l0[x] = v * bx;
        h0[x] = Math.multiplyHigh(v, bx);
        l1[x] = v * ax;
        h1[x] = Math.multiplyHigh(v, ax);
      }
    } else if (!last) {
      for (int x = 0; x < n; x++) {
        long v = perm == null ? d[x] : d[perm[x]];
        long bx = b[x];
        long ax = a[x];
        long plo = v * bx;
        long lo = l0[x] + plo;
        h0[x] += Math.multiplyHigh(v, bx) + (Long.compareUnsigned(lo, plo) < 0 ? 1 : 0);
        l0[x] = lo;
        plo = v * ax;
        lo = l1[x] + plo;
        h1[x] += Math.multiplyHigh(v, ax) + (Long.compareUnsigned(lo, plo) < 0 ? 1 : 0);
        l1[x] = lo;
      }
    } else {
      for (int x = 0; x < n; x++) {
        long v = perm == null ? d[x] : d[perm[x]];
        long bx = b[x];
        long ax = a[x];
        long plo = v * bx;
        long lo = l0[x] + plo;
        long hi = h0[x] + Math.multiplyHigh(v, bx) + (Long.compareUnsigned(lo, plo) < 0 ? 1 : 0);
        out0[x] = productRange ? q.reduceProduct(hi, lo) : q.reduce128(hi, lo);
        plo = v * ax;
        lo = l1[x] + plo;
        hi = h1[x] + Math.multiplyHigh(v, ax) + (Long.compareUnsigned(lo, plo) < 0 ? 1 : 0);
        out1[x] = productRange ? q.reduceProduct(hi, lo) : q.reduce128(hi, lo);
      }
    }
  }

  /**
   * Whether sums of {@code digits} products d*key (d &lt; 4q, key &lt; q), below 4*digits*q^2, are
   * in reduceProduct's range 2^(bits(q)+61): true when 4*digits*q &lt; 2^61.
   */
  static boolean inProductRange(Modulus q, int digits) {
    return q.value() < (1L << 61) / (4L * digits);
  }

  /**
   * Mod-down by P with rounding of (t0, t1) (limbs 0..level and P at index level+1) into out0/out1.
   */
  private void modDown(
      long[][] t0, long[][] t1, int level, long[][] out0, long[][] out1, boolean accumulate1) {
    int special = params.specialIndex();
    int digits = level + 1;
    Modulus p = moduli[special];
    long halfP = p.value() >>> 1;
    parallelism.forEach(
        2,
        c -> {
          long[] last = c == 0 ? t0[level + 1] : t1[level + 1];
          ntt[special].inverse(last);
          for (int x = 0; x < n; x++) {
            last[x] = p.add(last[x], halfP);
          }
        });
    parallelism.forEach(
        2 * digits,
        task -> {
          int j = task % digits;
          if (task < digits) {
            modDownLimb(t0[level + 1], special, t0[j], out0[j], j, true);
          } else {
            modDownLimb(t1[level + 1], special, t1[j], out1[j], j, accumulate1);
          }
        });
  }
}
