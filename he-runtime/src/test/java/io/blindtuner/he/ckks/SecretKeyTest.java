package io.blindtuner.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ring.RnsPoly;
import io.blindtuner.he.seal.SealCodec;
import io.blindtuner.he.seal.SealComprMode;
import org.junit.jupiter.api.Test;

class SecretKeyTest {
  @Test
  void destroyZeroesTheCoefficientsAndEveryLaterUseThrows() {
    CkksTestContext c = new CkksTestContext(CkksSpec.of(1024, 50, 40, 50).asInsecure(), 3);
    SecretKey key = c.keygen.secretKey();
    RnsPoly s = key.poly();
    Ciphertext ct = c.encrypt(c.randomValues(1), 1, Math.pow(2, 35));
    long nonZero = 0;
    for (long[] limb : s.limbs()) {
      for (long v : limb) {
        nonZero += v != 0 ? 1 : 0;
      }
    }
    // in NTT form each coefficient is about uniform mod a prime of 40+ bits: zero with probability
    // ~2^-40
    assertThat(nonZero).isEqualTo((long) s.limbs().length * c.n);

    key.destroy();
    assertThat(key.isDestroyed()).isTrue();
    for (long[] limb : s.limbs()) {
      assertThat(limb).containsOnly(0L);
    }
    assertThatThrownBy(key::poly)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(key.toString())
        .hasMessageContaining("was destroyed");
    assertThatThrownBy(() -> c.decryptor.decryptNew(ct))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was destroyed");
    assertThatThrownBy(
            () ->
                c.symmetric.encryptSymmetric(
                    c.encoder.encode(new double[] {1}, 1, 1 << 20), new Ciphertext(c.params)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> c.keygen.createRelinKeys()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SealCodec.of(c.params).write(key, SealComprMode.NONE))
        .isInstanceOf(IllegalStateException.class);
    key.destroy();
    assertThat(key.isDestroyed()).isTrue();
  }
}
