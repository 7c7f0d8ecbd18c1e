package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.RnsPoly;

/**
 * A key-switching key from s' to s in SEAL's layout: one 2-polynomial ciphertext per data prime i (L+1 digits),
 * each at the key level in NTT form: ( -(a_i*s + e_i) + [P mod q_i]*s' on limb i only, a_i ); with the seed each
 * a_i was expanded from when {@link KeyGenerator} made it (the seeded wire form stores b_i and that seed).
 */
public final class KeySwitchKey {
    private final long parametersId;
    /** digits[i][0] = b_i, digits[i][1] = a_i. */
    private final RnsPoly[][] digits;
    /** seeds[i]: the seed of a_i; null if the key was not made from seeds. */
    private final KeySeed[] seeds;

    /**
     * A key without recorded seeds (e.g. read in full form).
     *
     * @throws HeException if there are not L+1 digits of 2 polynomials, each with L+2 limbs of N in NTT form
     */
    public KeySwitchKey(CkksParameters params, RnsPoly[][] digits) {
        this(params, digits, null);
    }

    /**
     * @param seeds the seed of each digit's a_i, one per digit; null if not seeded
     * @throws HeException if there are not L+1 digits of 2 polynomials, each with L+2 limbs of N in NTT form, or
     *     seeds are given but not one non-null seed per digit
     */
    public KeySwitchKey(CkksParameters params, RnsPoly[][] digits, KeySeed[] seeds) {
        int dnum = params.maxLevel() + 1;
        if (digits.length != dnum) {
            throw new HeException("key-switching key needs " + dnum + " digits (one per data prime), got " + digits.length);
        }
        for (int i = 0; i < dnum; i++) {
            if (digits[i].length != 2) {
                throw new HeException("key-switching key digit " + i + " needs 2 polynomials, got " + digits[i].length);
            }
            checkKeyPoly(params, digits[i][0], "key-switching key digit " + i + " b");
            checkKeyPoly(params, digits[i][1], "key-switching key digit " + i + " a");
        }
        if (seeds != null) {
            if (seeds.length != dnum) {
                throw new HeException("key-switching key needs one seed per digit (" + dnum + "), got " + seeds.length);
            }
            for (int i = 0; i < dnum; i++) {
                if (seeds[i] == null) {
                    throw new HeException("key-switching key digit " + i + " has no seed");
                }
            }
        }
        this.parametersId = params.id();
        this.digits = digits;
        this.seeds = seeds == null ? null : seeds.clone();
    }

    static void checkKeyPoly(CkksParameters params, RnsPoly p, String what) {
        if (p.n() != params.n() || p.limbCount() != params.keyLimbCount() || !p.isNtt()) {
            throw new HeException(what + ": expected N=" + params.n() + ", " + params.keyLimbCount()
                    + " limbs in NTT form, got N=" + p.n() + ", " + p.limbCount() + " limbs, ntt=" + p.isNtt());
        }
    }

    public long parametersId() {
        return parametersId;
    }

    public int digitCount() {
        return digits.length;
    }

    /** Live view: component 0 (b_i) or 1 (a_i) of digit i. */
    public RnsPoly digit(int i, int component) {
        return digits[i][component];
    }

    /** The seed a_i of digit i was expanded from, or null if the key was not made from seeds. */
    public KeySeed seed(int i) {
        return seeds == null ? null : seeds[i];
    }
}
