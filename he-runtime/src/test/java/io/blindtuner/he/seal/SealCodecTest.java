package io.blindtuner.he.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.Encryptor;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.KeyGenerator;
import io.blindtuner.he.ckks.KeySwitchKey;
import io.blindtuner.he.ckks.ParameterMismatchException;
import io.blindtuner.he.ckks.Plaintext;
import io.blindtuner.he.ckks.PublicKey;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.ring.RnsPoly;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded key writing without node: keys made with SEAL's PRNG, written seeded (b and the recorded
 * seed of a) and read back (the reader expands the seed with SEAL's sampler) are bit-identical to
 * the originals. SealInteropTest checks that SEAL itself accepts them.
 */
class SealCodecTest {
  private static final CkksParameters PARAMS =
      CkksParameters.create(CkksSpec.of(64, 40, 30, 40).asInsecure());
  private static final SealCodec CODEC = SealCodec.of(PARAMS);

  @Test
  void hybridParametersAreRefusedSinceSealCannotReadTheirKeys() {
    CkksParameters hybrid =
        CkksParameters.create(CkksSpec.of(64, 40, 30, 40).withKeySwitching(1, 40).asInsecure());
    assertThatThrownBy(() -> SealCodec.of(hybrid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "switches keys in the hybrid layout hybrid[digits=q0..q1, special primes=1], which SEAL"
                + " cannot read")
        .hasMessageContaining("a CkksSpec without withKeySwitching");
    KeyGenerator keygen = new KeyGenerator(hybrid);
    RelinKeys rk = keygen.createRelinKeys();
    GaloisKeys gk = keygen.createGaloisKeys(new int[] {1}, false);
    assertThatThrownBy(() -> CODEC.write(rk, SealComprMode.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relinearization keys are in the hybrid key-switching layout hybrid[")
        .hasMessageContaining("which SEAL cannot read");
    assertThatThrownBy(() -> CODEC.writeSeeded(gk, SealComprMode.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Galois keys are in the hybrid key-switching layout hybrid[");
  }

  @ParameterizedTest
  @EnumSource(SealPrngType.class)
  void seededKeysReadBackBitExact(SealPrngType type) {
    KeyGenerator keygen =
        new KeyGenerator(PARAMS, null, new SealPrngFactory(type), Parallelism.SERIAL);
    PublicKey pk = keygen.createPublicKey();
    byte[] seeded = CODEC.writeSeeded(pk, SealComprMode.NONE);
    byte[] full = CODEC.write(pk, SealComprMode.NONE);
    // Seeded drops a (3 limbs of 64 words) and adds a nested seed object: 16-byte header, prng
    // type, 64-byte seed.
    assertThat(full.length - seeded.length).isEqualTo(3 * 64 * 8 - (SealHeader.BYTES + 1 + 64));
    PublicKey back = CODEC.readPublicKey(seeded);
    assertSame(back.p0(), pk.p0(), "p0");
    assertSame(back.p1(), pk.p1(), "p1");

    RelinKeys rk = keygen.createRelinKeys();
    assertSameKey(
        CODEC.readRelinKeys(CODEC.writeSeeded(rk, SealComprMode.ZSTD)).key(), rk.key(), "relin");
    GaloisKeys gk = keygen.createGaloisKeys(new int[] {1, -2}, true);
    GaloisKeys gkBack = CODEC.readGaloisKeys(CODEC.writeSeeded(gk, SealComprMode.ZLIB));
    assertThat(gkBack.elements()).isEqualTo(gk.elements());
    for (int g : gk.elements()) {
      assertSameKey(gkBack.get(g), gk.get(g), "Galois " + g);
    }
  }

  @ParameterizedTest
  @EnumSource(SealPrngType.class)
  void refusesKeysWithoutSealSeeds(SealPrngType type) {
    KeyGenerator aes = new KeyGenerator(PARAMS);
    assertThatThrownBy(() -> CODEC.writeSeeded(aes.createPublicKey(), SealComprMode.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("public key: seed is for another PRNG");
    assertThatThrownBy(() -> CODEC.writeSeeded(aes.createRelinKeys(), SealComprMode.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relinearization key digit 0: seed is for another PRNG");
    KeyGenerator sealKeygen =
        new KeyGenerator(PARAMS, aes.secretKey(), new SealPrngFactory(type), Parallelism.SERIAL);
    // Keys read in full form carry no seed, so there is no seeded form to write.
    PublicKey read =
        CODEC.readPublicKey(CODEC.write(sealKeygen.createPublicKey(), SealComprMode.NONE));
    assertThat(read.seed()).isNull();
    assertThatThrownBy(() -> CODEC.writeSeeded(read, SealComprMode.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("public key: no recorded seed");
    GaloisKeys gk =
        CODEC.readGaloisKeys(
            CODEC.write(sealKeygen.createGaloisKeys(new int[] {1}, false), SealComprMode.NONE));
    assertThatThrownBy(() -> CODEC.writeSeeded(gk, SealComprMode.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "Galois key for element " + PARAMS.galoisElement(1) + " digit 0: no recorded seed");
  }

  /**
   * Objects of another parameter set with the same ring and prime count (only the last prime
   * differs), so their polynomials fit this codec's shapes: without the check they would be written
   * under this codec's parms_id.
   */
  @ParameterizedTest
  @EnumSource(SealPrngType.class)
  void refusesObjectsOfOtherParameters(SealPrngType type) {
    CkksParameters other = CkksParameters.create(CkksSpec.of(64, 40, 30, 50).asInsecure());
    assertThat(other.id()).isNotEqualTo(PARAMS.id());
    assertThat(other.keyLimbCount()).isEqualTo(PARAMS.keyLimbCount());
    KeyGenerator keygen =
        new KeyGenerator(other, null, new SealPrngFactory(type), Parallelism.SERIAL);
    Plaintext pt = new CkksEncoder(other).encode(new double[] {1, 2}, other.maxLevel(), 0x1p20);
    PublicKey pk = keygen.createPublicKey();
    Encryptor enc =
        new Encryptor(other, pk, keygen.secretKey(), new SealPrngFactory(type), Parallelism.SERIAL);
    Ciphertext ct = enc.encryptNew(pt);
    SeededCiphertext seeded = enc.encryptSymmetricSeeded(pt);
    RelinKeys rk = keygen.createRelinKeys();
    GaloisKeys gk = keygen.createGaloisKeys(new int[] {1}, false);
    Map<String, ThrowingCallable> writes = new LinkedHashMap<>();
    writes.put("ciphertext", () -> CODEC.write(ct, SealComprMode.NONE));
    writes.put(
        "ciphertext ", () -> CODEC.write(seeded, new SealPrngFactory(type), SealComprMode.NONE));
    writes.put("plaintext", () -> CODEC.write(pt, SealComprMode.NONE));
    writes.put("secret key", () -> CODEC.write(keygen.secretKey(), SealComprMode.NONE));
    writes.put("public key", () -> CODEC.write(pk, SealComprMode.NONE));
    writes.put("public key ", () -> CODEC.writeSeeded(pk, SealComprMode.NONE));
    writes.put("relinearization keys", () -> CODEC.write(rk, SealComprMode.NONE));
    writes.put("relinearization keys ", () -> CODEC.writeSeeded(rk, SealComprMode.NONE));
    writes.put("Galois keys", () -> CODEC.write(gk, SealComprMode.NONE));
    writes.put("Galois keys ", () -> CODEC.writeSeeded(gk, SealComprMode.NONE));
    writes.forEach(
        (what, write) ->
            assertThatThrownBy(write)
                .as(what)
                .isInstanceOf(ParameterMismatchException.class)
                .hasMessage(
                    "SealCodec.write: "
                        + what.strip()
                        + " belongs to parameter set "
                        + Long.toHexString(other.id())
                        + ", not "
                        + Long.toHexString(PARAMS.id())));
  }

  private static void assertSameKey(KeySwitchKey actual, KeySwitchKey expected, String what) {
    assertThat(actual.digitCount()).isEqualTo(expected.digitCount());
    for (int i = 0; i < expected.digitCount(); i++) {
      assertSame(actual.digit(i, 0), expected.digit(i, 0), what + " digit " + i + " b");
      assertSame(actual.digit(i, 1), expected.digit(i, 1), what + " digit " + i + " a");
    }
  }

  private static void assertSame(RnsPoly actual, RnsPoly expected, String what) {
    for (int j = 0; j < expected.limbCount(); j++) {
      assertThat(actual.limb(j)).as(what + " limb " + j).isEqualTo(expected.limb(j));
    }
  }
}
