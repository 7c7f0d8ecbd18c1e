package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.NttTables;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.ring.Prng;
import io.blindtuner.he.ring.RnsPoly;
import io.blindtuner.he.ring.Samplers;

/**
 * The RNS building blocks shared by key generation, encryption and evaluation: symmetric zero encryption,
 * division by the last prime with rounding, and SEAL's key switching (decompose, then multiply-accumulate with
 * the key and mod down by P). Immutable; scratch is per call.
 */
final class CkksKernels {
    private final CkksParameters params;
    private final Modulus[] moduli;
    private final NttTables[] ntt;
    private final Parallelism parallelism;
    private final int n;

    CkksKernels(CkksParameters params, Parallelism parallelism) {
        this.params = params;
        this.moduli = params.moduli;
        this.ntt = params.ntt;
        this.parallelism = parallelism;
        this.n = params.n();
    }

    Parallelism parallelism() {
        return parallelism;
    }

    /**
     * SEAL's encrypt_zero_symmetric over the first {@code m} moduli: c1 = a uniform (read as NTT values),
     * c0 = -(a*s + e) with e a fresh error.
     */
    void encryptZeroSymmetric(RnsPoly s, int m, Prng aPrng, Prng ePrng, long[][] c0, long[][] c1) {
        Samplers.uniform(aPrng, moduli, c1, m);
        int[] e = new int[n];
        Samplers.gaussian(ePrng, e);
        Samplers.toRns(e, moduli, c0, m);
        for (int j = 0; j < m; j++) {
            ntt[j].forward(c0[j]);
            long[] sj = s.limb(j);
            long[] aj = c1[j];
            long[] ej = c0[j];
            Modulus q = moduli[j];
            long qv = q.value();
            for (int x = 0; x < n; x++) {
                long v = q.add(q.mul(aj[x], sj[x]), ej[x]);
                ej[x] = v == 0 ? 0 : qv - v;
            }
        }
    }

    /** Writes a small signed polynomial into the first m moduli and transforms it to NTT form. */
    void smallToNtt(int[] v, long[][] out, int m) {
        Samplers.toRns(v, moduli, out, m);
        parallelism.forEach(m, j -> ntt[j].forward(out[j]));
    }

    /**
     * Divides by the last of the first {@code m} moduli with rounding (SEAL's divide_and_round_q_last_ntt):
     * limbs (NTT form) 0..m-2 of {@code limbs} are replaced; limb m-1 is consumed.
     */
    void divideRoundByLast(long[][] limbs, int m) {
        int last = m - 1;
        long[] t = limbs[last].clone();
        ntt[last].inverse(t);
        Modulus ql = moduli[last];
        long halfQ = ql.value() >>> 1;
        for (int x = 0; x < n; x++) {
            t[x] = ql.add(t[x], halfQ);
        }
        parallelism.forEach(last, j -> modDownLimb(t, last, limbs[j], limbs[j], j, false));
    }

    /**
     * dst = (accumulate ? dst : 0) + (src - r) * moduli[lastIdx]^-1 mod q_j, where {@code roundedLast} holds
     * r + floor(q_last/2) in coefficient form, r the centered residue mod q_last.
     */
    private void modDownLimb(long[] roundedLast, int lastIdx, long[] src, long[] dst, int j, boolean accumulate) {
        Modulus qj = moduli[j];
        long q = qj.value();
        long fix = q - params.half[lastIdx][j];
        long[] tmp = new long[n];
        for (int x = 0; x < n; x++) {
            tmp[x] = qj.reduce(roundedLast[x]) + fix;
        }
        ntt[j].forwardLazy(tmp);
        long inv = params.inv[lastIdx][j];
        long invS = params.invShoup[lastIdx][j];
        long mask = invS >> 63;
        long fourQ = 4 * q;
        for (int x = 0; x < n; x++) {
            long d = src[x] + fourQ - tmp[x];
            long r = d * inv - (Math.multiplyHigh(d, invS) + (mask & d)) * q;
            if (r >= q) {
                r -= q;
            }
            if (accumulate) {
                r += dst[x];
                if (r >= q) {
                    r -= q;
                }
            }
            dst[x] = r;
        }
    }

    /**
     * First half of key switching at a level: the digits of {@code target} (NTT form, level+1 limbs), each
     * brought to coefficient form, centered, and re-transformed mod every q_k (k &le; level) and mod P. Result
     * ext[i][k] (k = level+1 stands for P) in NTT form, values in [0, 4q).
     */
    long[][][] decompose(long[][] target, int level) {
        int digits = level + 1;
        long[][] coef = new long[digits][];
        parallelism.forEach(digits, i -> {
            coef[i] = target[i].clone();
            ntt[i].inverse(coef[i]);
        });
        long[][][] ext = new long[digits][level + 2][];
        int special = params.specialIndex();
        parallelism.forEach(level + 2, k -> {
            int mod = k <= level ? k : special;
            Modulus qk = moduli[mod];
            for (int i = 0; i < digits; i++) {
                if (i == k) {
                    ext[i][k] = target[i].clone();
                    continue;
                }
                long[] d = new long[n];
                // Centered digit: residues above q_i/2 stand for v - q_i. SEAL uses [0, q_i) here; centering
                // gives the same result mod q and avoids the noise of the digit's mean q_i/2, which the slot
                // transform concentrates near slot 0 (about 2 bits of precision per key switch).
                long qi = moduli[i].value();
                long halfQi = qi >>> 1;
                long shift = qk.value() - qk.reduce(qi);
                long[] c = coef[i];
                for (int x = 0; x < n; x++) {
                    long v = c[x];
                    d[x] = qk.reduce(v > halfQi ? v + shift : v);
                }
                ntt[mod].forwardLazy(d);
                ext[i][k] = d;
            }
        });
        return ext;
    }

    /**
     * Second half of key switching: sum_i ext[i] (optionally permuted: value at x taken from perm[x]) times the
     * key's digit i, then mod down by P with rounding. Adds the result to out0; writes (accumulate1) or adds it
     * to out1. Both have level+1 limbs in NTT form.
     */
    void keySwitch(long[][][] ext, int level, KeySwitchKey key, int[] perm, long[][] out0, long[][] out1,
            boolean accumulate1) {
        int digits = level + 1;
        int special = params.specialIndex();
        long[][] t0 = new long[level + 2][];
        long[][] t1 = new long[level + 2][];
        parallelism.forEach(level + 2, k -> {
            int mod = k <= level ? k : special;
            Modulus qk = moduli[mod];
            long[] h0 = new long[n];
            long[] l0 = new long[n];
            long[] h1 = new long[n];
            long[] l1 = new long[n];
            for (int i = 0; i < digits; i++) {
                long[] d = ext[i][k];
                long[] b = key.digit(i, 0).limb(mod);
                long[] a = key.digit(i, 1).limb(mod);
                if (perm == null) {
                    for (int x = 0; x < n; x++) {
                        long v = d[x];
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
                        long v = d[perm[x]];
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
                }
            }
            for (int x = 0; x < n; x++) {
                l0[x] = qk.reduce128(qk.reduce(h0[x]), l0[x]);
                l1[x] = qk.reduce128(qk.reduce(h1[x]), l1[x]);
            }
            t0[k] = l0;
            t1[k] = l1;
        });
        long halfP = moduli[special].value() >>> 1;
        Modulus p = moduli[special];
        parallelism.forEach(2, c -> {
            long[] last = c == 0 ? t0[level + 1] : t1[level + 1];
            ntt[special].inverse(last);
            for (int x = 0; x < n; x++) {
                last[x] = p.add(last[x], halfP);
            }
        });
        parallelism.forEach(2 * digits, task -> {
            int j = task % digits;
            if (task < digits) {
                modDownLimb(t0[level + 1], special, t0[j], out0[j], j, true);
            } else {
                modDownLimb(t1[level + 1], special, t1[j], out1[j], j, accumulate1);
            }
        });
    }
}
