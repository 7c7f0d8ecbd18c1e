package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.BasisConversion;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.NttTables;
import io.blindtuner.he.ring.Parallelism;

/**
 * Key switching in the hybrid layout (Han-Ki 2020; OpenFHE's HYBRID, Lattigo's): each digit of the input (a group
 * of consecutive data primes, cut at the input's level) is extended by fast basis conversion to the other primes of
 * the level and the special primes (ModUp), the digits are multiplied with the key and summed over Q_l*P, and the
 * sum is divided by P (ModDown, again by basis conversion). Target positions k = 0..level stand for the data primes,
 * k = level+1..level+K for the special primes. Scratch buffers come from pools as in {@link CkksKernels}.
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
    private final BufferPool<Workspace> workspaces = new BufferPool<>(CkksKernels.WORKSPACES_KEPT, Workspace::new);

    /** Buffers of one operation: scaled input digits, extended digits, key products, scaled dropped limbs. */
    private final class Workspace {
        long[][] scaled;
        /** extBuf[j][k]: the workspace's own array for extended digit j at position k, made on first use. */
        long[][][] extBuf;
        long[][] t0;
        long[][] t1;
        long[][] drop0;
        long[][] drop1;

        long[][] grow(long[][] current, int count) {
            if (current != null && current.length >= count) {
                return current;
            }
            long[][] next = new long[count][];
            for (int i = 0; i < count; i++) {
                next[i] = current != null && i < current.length ? current[i] : new long[n];
            }
            return next;
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
        this.scratch = new BufferPool<>(CkksKernels.WORKSPACES_KEPT * parallelism.threads(), () -> new long[5][n]);
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

    /** Source mask of the mod-down: the special primes, and q_level when the division takes a rescale with it. */
    private long dropMask(int level, boolean withLast) {
        long mask = ((1L << specialCount) - 1) << special;
        return withLast ? mask | (1L << level) : mask;
    }

    /**
     * ModUp of target (NTT form, level+1 limbs) into ext[j][k] (NTT form, lazy in [0, 4q)) for every digit j at the
     * level and target position k; where k is a prime of digit j, ext[j][k] is target[k] itself. The arrays are new:
     * a hoisted decomposition that the caller keeps for several rotations.
     */
    long[][][] decompose(long[][] target, int level) {
        Workspace w = workspaces.acquire();
        try {
            return decompose(w, target, level, false);
        } finally {
            workspaces.release(w);
        }
    }

    /** As {@link #decompose(long[][], int)}, into the workspace's own arrays when {@code inWorkspace}. */
    private long[][][] decompose(Workspace w, long[][] target, int level, boolean inWorkspace) {
        int digits = layout.digitsAt(level);
        int positions = level + 1 + specialCount;
        long[][][] ext = new long[digits][positions][];
        if (inWorkspace && w.extBuf == null) {
            w.extBuf = new long[layout.digitCount()][params.keyLimbCount()][];
        }
        w.scaled = w.grow(w.scaled, level + 1);
        long[][] scaled = w.scaled;
        parallelism.forEach(level + 1, i -> {
            System.arraycopy(target[i], 0, scaled[i], 0, n);
            ntt[i].inverse(scaled[i]);
        });
        BasisConversion[] conv = new BasisConversion[digits];
        long[][][] sources = new long[digits][][];
        for (int j = 0; j < digits; j++) {
            conv[j] = params.conversion(digitMask(j, level));
            sources[j] = new long[conv[j].sourceCount()][];
            for (int s = 0; s < sources[j].length; s++) {
                int i = conv[j].source(s);
                conv[j].scale(s, scaled[i], scaled[i]);
                sources[j][s] = scaled[i];
            }
        }
        parallelism.forEach(digits * positions, task -> {
            int j = task / positions;
            int k = task % positions;
            if (k >= layout.digitStart(j) && k < Math.min(layout.digitEnd(j), level + 1)) {
                ext[j][k] = target[k];
                return;
            }
            int mod = modulusAt(k, level);
            long[] d;
            if (!inWorkspace) {
                d = new long[n];
            } else {
                if (w.extBuf[j][k] == null) {
                    w.extBuf[j][k] = new long[n];
                }
                d = w.extBuf[j][k];
            }
            conv[j].convert(sources[j], mod, d);
            ntt[mod].forwardLazy(d);
            ext[j][k] = d;
        });
        return ext;
    }

    /**
     * The products t0, t1 = sum over digits of ext[j] * key_j at every target position, each digit read through
     * {@code perm} when it is not null (a hoisted rotation permutes the extended digits, not the input).
     */
    private void innerProduct(long[][][] ext, int level, KeySwitchKey key, int[] perm, long[][] t0, long[][] t1) {
        int digits = layout.digitsAt(level);
        parallelism.forEach(level + 1 + specialCount, k -> {
            int mod = modulusAt(k, level);
            long[][] s = scratch.acquire();
            try {
                boolean productRange = CkksKernels.inProductRange(moduli[mod], digits);
                for (int j = 0; j < digits; j++) {
                    CkksKernels.accumulate(ext[j][k], perm, key.digit(j, 0).limb(mod), key.digit(j, 1).limb(mod), s,
                            j == 0, j == digits - 1, moduli[mod], productRange, t0[k], t1[k]);
                }
            } finally {
                scratch.release(s);
            }
        });
    }

    /**
     * Key switching of target (NTT form, level+1 limbs), each extended digit read through perm (null: identity):
     * adds ks0 to out0 and writes (or, with accumulate1, adds) ks1 to out1.
     */
    void keySwitch(long[][] target, int level, KeySwitchKey key, int[] perm, long[][] out0, long[][] out1,
            boolean accumulate1) {
        Workspace w = workspaces.acquire();
        try {
            long[][][] ext = decompose(w, target, level, true);
            products(w, ext, level, key, perm);
            modDown(w, level, false, out0, out1, true, accumulate1);
        } finally {
            workspaces.release(w);
        }
    }

    /** Key switching from a {@link #decompose hoisted decomposition}, as {@link #keySwitch(long[][], int, KeySwitchKey, int[], long[][], long[][], boolean)}. */
    void keySwitch(long[][][] ext, int level, KeySwitchKey key, int[] perm, long[][] out0, long[][] out1,
            boolean accumulate1) {
        Workspace w = workspaces.acquire();
        try {
            products(w, ext, level, key, perm);
            modDown(w, level, false, out0, out1, true, accumulate1);
        } finally {
            workspaces.release(w);
        }
    }

    /**
     * Relinearization fused with the rescale that follows it: out_c = (c_c*P + t_c) / (P*q_level), one mod-down
     * that drops q_level with the special primes (2*level+2 fewer NTTs than a mod-down then a rescale). Writes limbs
     * 0..level-1 of out0/out1, which may be c0/c1.
     */
    void relinearizeRescale(long[][] c0, long[][] c1, long[][] c2, int level, KeySwitchKey key, long[][] out0,
            long[][] out1) {
        Workspace w = workspaces.acquire();
        try {
            long[][][] ext = decompose(w, c2, level, true);
            products(w, ext, level, key, null);
            long[][][] t = {w.t0, w.t1};
            long[][][] c = {c0, c1};
            parallelism.forEach(2 * (level + 1), task -> {
                int cc = task / (level + 1);
                int j = task % (level + 1);
                Modulus qj = moduli[j];
                long pm = params.specialModData[j];
                long pms = params.specialModDataShoup[j];
                long[] tj = t[cc][j];
                long[] cj = c[cc][j];
                for (int x = 0; x < n; x++) {
                    tj[x] = qj.add(tj[x], qj.mulShoup(cj[x], pm, pms));
                }
            });
            modDown(w, level, true, out0, out1, false, false);
        } finally {
            workspaces.release(w);
        }
    }

    private void products(Workspace w, long[][][] ext, int level, KeySwitchKey key, int[] perm) {
        w.t0 = w.grow(w.t0, level + 1 + specialCount);
        w.t1 = w.grow(w.t1, level + 1 + specialCount);
        innerProduct(ext, level, key, perm, w.t0, w.t1);
    }

    /**
     * ModDown of the products in the workspace: out_c[j] (+)= (t_c[j] - conv(t_c mod D)) * D^-1 mod q_j, where D is
     * P (withLast false: j = 0..level) or P*q_level (withLast true: j = 0..level-1).
     */
    private void modDown(Workspace w, int level, boolean withLast, long[][] out0, long[][] out1, boolean accumulate0,
            boolean accumulate1) {
        BasisConversion conv = params.conversion(dropMask(level, withLast));
        int drops = conv.sourceCount();
        w.drop0 = w.grow(w.drop0, drops);
        w.drop1 = w.grow(w.drop1, drops);
        long[][][] t = {w.t0, w.t1};
        long[][][] y = {w.drop0, w.drop1};
        parallelism.forEach(2 * drops, task -> {
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
        parallelism.forEach(2 * kept, task -> {
            int cc = task / kept;
            int j = task % kept;
            Modulus qj = moduli[j];
            long q = qj.value();
            long[][] s = scratch.acquire();
            try {
                long[] tmp = s[0];
                conv.convert(y[cc], j, tmp);
                ntt[j].forwardLazy(tmp);
                long inv = conv.productInverse(j);
                long invS = conv.productInverseShoup(j);
                long fourQ = 4 * q;
                long[] src = t[cc][j];
                long[] dst = out[cc][j];
                if (accumulate[cc]) {
                    for (int x = 0; x < n; x++) {
                        long r = qj.mulShoup(src[x] + fourQ - tmp[x], inv, invS) + dst[x];
                        dst[x] = r >= q ? r - q : r;
                    }
                } else {
                    for (int x = 0; x < n; x++) {
                        dst[x] = qj.mulShoup(src[x] + fourQ - tmp[x], inv, invS);
                    }
                }
            } finally {
                scratch.release(s);
            }
        });
    }
}
