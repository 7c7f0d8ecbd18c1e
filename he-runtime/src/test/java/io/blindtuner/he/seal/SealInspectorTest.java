package io.blindtuner.he.seal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The inspector names every kind node-seal writes, with and without the parameters. */
class SealInspectorTest {
  private static final NodeSeal.Fixture FX = NodeSeal.fixture("tiny", 64, "30,20,30", 20, "0,1,3");

  @Test
  void namesEveryKindWithParameters() {
    SealEncryptionParameters p = FX.params();
    assertThat(info("params.bin", null).kind()).isEqualTo("EncryptionParameters");
    assertThat(info("params.bin", null).parameters()).isEqualTo(p);
    SealObjectInfo ct = info("ct_a.bin", p);
    assertThat(ct.kind()).isEqualTo("Ciphertext");
    assertThat(ct.level()).isEqualTo("data level 1");
    assertThat(ct.size()).isEqualTo(2);
    assertThat(ct.scale()).isEqualTo(FX.scale());
    assertThat(ct.seeded()).isFalse();
    SealObjectInfo seeded = info("ct_a_seeded_zlib.bin", p);
    assertThat(seeded.seeded()).isTrue();
    assertThat(seeded.prng()).isEqualTo(SealPrngType.BLAKE2XB);
    assertThat(seeded.header().comprMode()).isEqualTo(SealComprMode.ZLIB);
    assertThat(info("public_seeded.bin", p).kind()).isEqualTo("PublicKey");
    assertThat(info("public_seeded.bin", p).level()).isEqualTo("key level");
    assertThat(info("secret.bin", p).kind()).isEqualTo("SecretKey");
    assertThat(info("pt_b.bin", p).kind()).isEqualTo("Plaintext");
    assertThat(info("relin_seeded.bin", p).kind()).isEqualTo("RelinKeys");
    assertThat(info("relin_seeded.bin", p).seeded()).isTrue();
    SealObjectInfo gk = info("galois_seeded_zstd.bin", p);
    assertThat(gk.kind()).isEqualTo("GaloisKeys");
    assertThat(gk.galoisElements()).containsExactly(3, 27, 127);
    assertThat(gk.header().comprMode()).isEqualTo(SealComprMode.ZSTD);
  }

  @Test
  void namesKindsWithoutParameters() {
    assertThat(info("ct_a_zstd.bin", null).kind()).isEqualTo("Ciphertext or PublicKey");
    assertThat(info("ct_a_zstd.bin", null).degree()).isEqualTo(64);
    assertThat(info("secret.bin", null).kind()).isEqualTo("Plaintext or SecretKey");
    assertThat(info("galois.bin", null).kind()).isEqualTo("GaloisKeys");
    assertThat(info("relin.bin", null).kind()).isEqualTo("RelinKeys");
    assertThat(info("relin.bin", null).keyCount()).isEqualTo(1);
  }

  private static SealObjectInfo info(String file, SealEncryptionParameters p) {
    return SealInspector.inspect(FX.bytes(file), p);
  }
}
