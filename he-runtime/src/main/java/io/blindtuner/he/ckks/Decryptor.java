package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.Parallelism;

/**
 * Decrypts ciphertexts of size 2 or 3 with the secret key: m = c0 + c1*s (+ c2*s^2). Hospital-side;
 * thread-safe.
 */
public final class Decryptor {
  private final CkksParameters params;
  private final SecretKey secretKey;
  private final Parallelism parallelism;

  /**
   * @throws ParameterMismatchException if the key belongs to other parameters
   */
  public Decryptor(CkksParameters params, SecretKey secretKey) {
    this(params, secretKey, Parallelism.SERIAL);
  }

  /**
   * @throws ParameterMismatchException if the key belongs to other parameters
   */
  public Decryptor(CkksParameters params, SecretKey secretKey, Parallelism parallelism) {
    params.check(secretKey.parametersId(), "secret key", "Decryptor");
    this.params = params;
    this.secretKey = secretKey;
    this.parallelism = parallelism;
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
    parallelism.forEachRange(
        level + 1,
        params.n(),
        (j, from, to) -> {
          Modulus q = params.moduli[j];
          long[] s = secretKey.poly().limb(j);
          long[] dst = out.poly().limb(j);
          long[] c0 = ct.poly(0).limb(j);
          long[] c1 = ct.poly(1).limb(j);
          if (ct.size() == 3) {
            // ((c2*s) + c1)*s + c0, Horner form.
            long[] c2 = ct.poly(2).limb(j);
            for (int x = from; x < to; x++) {
              long t = q.add(q.mulReduced(c2[x], s[x]), c1[x]);
              dst[x] = q.add(q.mulReduced(t, s[x]), c0[x]);
            }
          } else {
            for (int x = from; x < to; x++) {
              dst[x] = q.add(q.mulReduced(c1[x], s[x]), c0[x]);
            }
          }
        });
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
