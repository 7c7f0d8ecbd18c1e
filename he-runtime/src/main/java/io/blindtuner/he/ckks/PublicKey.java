package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.RnsPoly;

/** Public key (p0, p1) = (-(a*s + e), a) in NTT form at the key level, as in SEAL. */
public final class PublicKey {
    private final long parametersId;
    private final RnsPoly p0;
    private final RnsPoly p1;

    /**
     * @throws HeException if a polynomial does not have N coefficients and L+2 limbs in NTT form
     */
    public PublicKey(CkksParameters params, RnsPoly p0, RnsPoly p1) {
        KeySwitchKey.checkKeyPoly(params, p0, "public key p0");
        KeySwitchKey.checkKeyPoly(params, p1, "public key p1");
        this.parametersId = params.id();
        this.p0 = p0;
        this.p1 = p1;
    }

    public long parametersId() {
        return parametersId;
    }

    /** Live view of p0. */
    public RnsPoly p0() {
        return p0;
    }

    /** Live view of p1. */
    public RnsPoly p1() {
        return p1;
    }
}
