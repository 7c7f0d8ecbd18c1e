package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.LimbOps;
import io.blindtuner.he.ring.Modulus;

/** Decrypts ciphertexts of size 2 or 3 with the secret key: m = c0 + c1*s (+ c2*s^2). Hospital-side; thread-safe. */
public final class Decryptor {
    private final CkksParameters params;
    private final SecretKey secretKey;

    /**
     * @throws ParameterMismatchException if the key belongs to other parameters
     */
    public Decryptor(CkksParameters params, SecretKey secretKey) {
        params.check(secretKey.parametersId(), "secret key", "Decryptor");
        this.params = params;
        this.secretKey = secretKey;
    }

    /**
     * @throws ParameterMismatchException if the ciphertext or out belongs to other parameters
     * @throws HeException if the ciphertext size is not 2 or 3
     */
    public void decrypt(Ciphertext ct, Plaintext out) {
        params.check(ct.parametersId(), "ciphertext", "decrypt");
        params.check(out.parametersId(), "destination", "decrypt");
        Ciphertext.checkSize(ct.size(), "decrypt");
        int level = ct.level();
        out.reshape(level, ct.scale());
        int n = params.n();
        for (int j = 0; j <= level; j++) {
            Modulus q = params.moduli[j];
            long[] s = secretKey.poly().limb(j);
            long[] dst = out.poly().limb(j);
            if (ct.size() == 3) {
                // ((c2*s) + c1)*s + c0, Horner form.
                long[] t = new long[n];
                LimbOps.mul(ct.poly(2).limb(j), s, t, q);
                LimbOps.add(t, ct.poly(1).limb(j), t, q);
                LimbOps.mul(t, s, t, q);
                LimbOps.add(t, ct.poly(0).limb(j), dst, q);
            } else {
                long[] c0 = ct.poly(0).limb(j);
                long[] c1 = ct.poly(1).limb(j);
                for (int x = 0; x < n; x++) {
                    long v = q.add(q.mul(c1[x], s[x]), c0[x]);
                    dst[x] = v;
                }
            }
        }
    }

    /**
     * @throws ParameterMismatchException if the ciphertext belongs to other parameters
     * @throws HeException if the ciphertext size is not 2 or 3
     */
    public Plaintext decryptNew(Ciphertext ct) {
        Plaintext out = new Plaintext(params, ct.level(), ct.scale());
        decrypt(ct, out);
        return out;
    }
}
