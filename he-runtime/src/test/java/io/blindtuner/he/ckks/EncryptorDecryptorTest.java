package io.blindtuner.he.ckks;

import static io.blindtuner.he.ckks.CkksTestContext.assertPrecision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ring.Csprng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncryptorDecryptorTest {
  @ParameterizedTest
  @ValueSource(ints = {64, 1024, 4096})
  void publicAndSymmetricEncryptionAtEveryLevel(int n) {
    CkksTestContext c = new CkksTestContext(CkksSpec.of(n, 60, 40, 40, 60).asInsecure(), n);
    double scale = Math.pow(2, 40);
    for (int level = 0; level <= c.params.maxLevel(); level++) {
      double[] v = c.randomValues(1);
      Plaintext pt = c.encoder.encode(v, level, scale);
      Ciphertext ct = c.encryptor.encryptNew(pt);
      assertThat(ct.level()).isEqualTo(level);
      assertThat(ct.size()).isEqualTo(2);
      assertThat(ct.scale()).isEqualTo(scale);
      assertPrecision(
          c.decrypt(ct), v, c.freshPk(scale), "public-key encryption at level " + level);
      Ciphertext sym = new Ciphertext(c.params);
      c.symmetric.encryptSymmetric(pt, sym);
      assertPrecision(
          c.decrypt(sym), v, c.freshSk(scale), "symmetric encryption at level " + level);
      // Two encryptions of the same plaintext differ (fresh randomness).
      assertThat(c.encryptor.encryptNew(pt).poly(1).limb(0)).isNotEqualTo(ct.poly(1).limb(0));
    }
  }

  @Test
  void seededCiphertextExpandsFromItsSeed() {
    CkksTestContext c = new CkksTestContext(CkksSpec.of(1024, 50, 40, 50).asInsecure(), 9);
    double scale = Math.pow(2, 35);
    double[] v = c.randomValues(1);
    SeededCiphertext seeded = c.symmetric.encryptSymmetricSeeded(c.encoder.encode(v, 1, scale));
    Ciphertext full = seeded.ciphertext();
    Ciphertext rebuilt =
        SeededCiphertext.expand(
            c.params, full.poly(0).limbs(), 1, scale, seeded.seed(), Csprng.AES_CTR);
    for (int p = 0; p < 2; p++) {
      for (int j = 0; j <= 1; j++) {
        assertThat(rebuilt.poly(p).limb(j)).isEqualTo(full.poly(p).limb(j));
      }
    }
    assertPrecision(c.decrypt(rebuilt), v, c.freshSk(scale), "seeded symmetric encryption");
    assertThatThrownBy(
            () ->
                SeededCiphertext.expand(
                    c.params, full.poly(0).limbs(), 1, scale, new byte[3], Csprng.AES_CTR))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("seed");
  }

  @Test
  void flatSealOrderRoundTripAndValidation() {
    CkksTestContext c = new CkksTestContext(CkksSpec.of(64, 40, 40, 40).asInsecure(), 3);
    Ciphertext ct = c.encrypt(c.randomValues(1), 1, Math.pow(2, 30));
    long[] flat = new long[ct.flatLength()];
    assertThat(ct.copyTo(flat, 0)).isEqualTo(2 * 2 * 64);
    assertThat(flat[64]).isEqualTo(ct.poly(0).limb(1)[0]);
    assertThat(flat[128]).isEqualTo(ct.poly(1).limb(0)[0]);
    Ciphertext back = new Ciphertext(c.params, 2, 1, ct.scale());
    back.copyFrom(flat, 0, c.params);
    assertThat(c.decrypt(back)).containsExactly(c.decrypt(ct));
    flat[70] = c.params.prime(1);
    assertThatThrownBy(() -> back.copyFrom(flat, 0, c.params))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("limb 1 coefficient 6");
    assertThatThrownBy(() -> back.copyFrom(new long[10], 0, c.params))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("need 256 words");
  }

  @Test
  void keysAreCheckedAgainstParameters() {
    CkksTestContext a = new CkksTestContext(CkksSpec.of(64, 40, 40).asInsecure(), 1);
    CkksTestContext b = new CkksTestContext(CkksSpec.of(64, 40, 41).asInsecure(), 1);
    assertThatThrownBy(() -> new Decryptor(a.params, b.keygen.secretKey()))
        .isInstanceOf(ParameterMismatchException.class)
        .hasMessageContaining("secret key");
    Ciphertext ct = b.encrypt(b.randomValues(1), 0, 1 << 20);
    assertThatThrownBy(() -> a.decryptor.decryptNew(ct))
        .isInstanceOf(ParameterMismatchException.class)
        .hasMessageContaining("decrypt: ciphertext");
    assertThatThrownBy(
            () ->
                new Encryptor(
                    a.params, null, null, Csprng.AES_CTR, io.blindtuner.he.ring.Parallelism.SERIAL))
        .isInstanceOf(HeException.class);
    assertThatThrownBy(
            () ->
                a.symmetric.encrypt(
                    a.encoder.encode(new double[] {1}, 0, 1 << 20), new Ciphertext(a.params)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("no public key");
    SecretKey sk = a.keygen.secretKey();
    assertThat(sk.toString()).doesNotContain(Long.toString(sk.poly().limb(0)[1]));
  }
}
