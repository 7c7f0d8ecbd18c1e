package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.RnsPoly;

/**
 * The secret key s (ternary), in NTT form at the key level (all data primes and P). Hospital-side only: never
 * log it, never send it. {@link #toString()} does not reveal it.
 */
public final class SecretKey {
    private final long parametersId;
    private final RnsPoly poly;

    /**
     * Wraps a key polynomial (e.g. loaded from SEAL's format).
     *
     * @throws HeException if the polynomial does not have N coefficients and L+2 limbs in NTT form
     */
    public SecretKey(CkksParameters params, RnsPoly poly) {
        KeySwitchKey.checkKeyPoly(params, poly, "secret key");
        this.parametersId = params.id();
        this.poly = poly;
    }

    public long parametersId() {
        return parametersId;
    }

    /** Live view of s (NTT form, key level). */
    public RnsPoly poly() {
        return poly;
    }

    @Override
    public String toString() {
        return "SecretKey[params=" + Long.toHexString(parametersId) + "]";
    }
}
