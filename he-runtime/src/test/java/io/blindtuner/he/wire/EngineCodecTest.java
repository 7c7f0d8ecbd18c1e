package io.blindtuner.he.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.Decryptor;
import io.blindtuner.he.ckks.Encryptor;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.KeyGenerator;
import io.blindtuner.he.ckks.KeySwitchKey;
import io.blindtuner.he.ckks.ParameterMismatchException;
import io.blindtuner.he.ckks.PublicKey;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.ring.RnsPoly;
import io.blindtuner.he.seal.SealPrngFactory;
import io.blindtuner.he.seal.SealPrngType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EngineCodecTest {
  private static final double SCALE = Math.pow(2, 30);

  /**
   * Data primes [40, 30, 30] in 2 digits, special primes [40, 40]: key polynomials have 5 limbs.
   */
  private static final CkksParameters HYBRID =
      CkksParameters.create(
          CkksSpec.of(64, 40, 30, 30, 40).withKeySwitching(2, 40, 40).asInsecure());

  private static final EngineCodec CODEC = EngineCodec.of(HYBRID);

  private static void assertSamePoly(RnsPoly a, RnsPoly b, String what) {
    assertThat(a.limbCount()).as(what).isEqualTo(b.limbCount());
    for (int i = 0; i < a.limbCount(); i++) {
      assertThat(a.limb(i)).as(what + " limb " + i).isEqualTo(b.limb(i));
    }
  }

  private static void assertSameKey(KeySwitchKey a, KeySwitchKey b, String what) {
    assertThat(a.digitCount()).isEqualTo(b.digitCount());
    for (int j = 0; j < a.digitCount(); j++) {
      assertSamePoly(a.digit(j, 0), b.digit(j, 0), what + " digit " + j + " b");
      assertSamePoly(a.digit(j, 1), b.digit(j, 1), what + " digit " + j + " a");
    }
  }

  @Test
  void parametersOfEitherLayoutReadBack() {
    assertThat(EngineCodec.readParameters(EngineCodec.write(HYBRID), true).id())
        .isEqualTo(HYBRID.id());
    assertThat(EngineCodec.readParameters(EngineCodec.write(HYBRID), true).keySwitchLayout())
        .isEqualTo(HYBRID.keySwitchLayout());
    CkksParameters seal = CkksParameters.create(CkksSpec.of(16384, 60, 40, 40, 40, 40, 40, 40, 60));
    CkksParameters training =
        CkksParameters.create(
            CkksSpec.of(16384, 60, 40, 40, 40, 40, 40, 40, 60).withKeySwitching(3, 60, 60));
    assertThat(EngineCodec.readParameters(EngineCodec.write(seal), false).id())
        .isEqualTo(seal.id());
    assertThat(EngineCodec.readParameters(EngineCodec.write(training), false).id())
        .isEqualTo(training.id());
    assertThatThrownBy(() -> EngineCodec.readParameters(EngineCodec.write(HYBRID), false))
        .isInstanceOf(EngineFormatException.class)
        .hasMessageContaining("cannot be 128-bit secure");
  }

  /**
   * Keys and ciphertexts read back bit-exact (seeded keys by expanding their AES-CTR seeds) and
   * still work.
   */
  @Test
  void keysAndCiphertextsReadBackBitExactAndWork() {
    KeyGenerator keygen = new KeyGenerator(HYBRID);
    SecretKey sk = CODEC.readSecretKey(CODEC.write(keygen.secretKey()));
    assertSamePoly(sk.poly(), keygen.secretKey().poly(), "secret key");
    PublicKey pk = keygen.createPublicKey();
    byte[] seededPk = CODEC.write(pk, true);
    byte[] fullPk = CODEC.write(pk, false);
    // p1's five key limbs, packed at 40, 30, 30, 40, 40 bits, for its 32-byte seed
    assertThat(fullPk.length - seededPk.length).isEqualTo(64 * (40 + 30 + 30 + 40 + 40) / 8 - 32);
    for (byte[] bytes : new byte[][] {seededPk, fullPk}) {
      PublicKey back = CODEC.readPublicKey(bytes);
      assertSamePoly(back.p0(), pk.p0(), "public key p0");
      assertSamePoly(back.p1(), pk.p1(), "public key p1");
    }
    RelinKeys rk = keygen.createRelinKeys();
    GaloisKeys gk = keygen.createGaloisKeys(new int[] {1, -2}, true);
    for (boolean seeded : new boolean[] {true, false}) {
      RelinKeys rkBack = CODEC.readRelinKeys(CODEC.write(rk, seeded));
      assertSameKey(rkBack.key(), rk.key(), "relinearization key");
      assertThat(rkBack.key().layout()).isEqualTo(HYBRID.keySwitchLayout());
      GaloisKeys gkBack = CODEC.readGaloisKeys(CODEC.write(gk, seeded));
      assertThat(gkBack.elements()).isEqualTo(gk.elements());
      for (int g : gk.elements()) {
        assertSameKey(gkBack.get(g), gk.get(g), "Galois key " + g);
      }
    }
    // Seeded keys written again seeded: the seeds are kept on reading.
    assertThat(CODEC.write(CODEC.readRelinKeys(CODEC.write(rk, true)), true))
        .isEqualTo(CODEC.write(rk, true));

    double[] x = new double[HYBRID.slots()];
    Arrays.setAll(x, i -> (i % 7) / 8.0 - 0.4);
    CkksEncoder encoder = new CkksEncoder(HYBRID);
    Ciphertext ct =
        new Encryptor(HYBRID, CODEC.readPublicKey(seededPk))
            .encryptNew(encoder.encode(x, 2, SCALE));
    Ciphertext back = CODEC.readCiphertext(CODEC.write(ct));
    assertThat(back.level()).isEqualTo(2);
    assertThat(back.scale()).isEqualTo(SCALE);
    for (int p = 0; p < 2; p++) {
      assertSamePoly(back.poly(p), ct.poly(p), "ciphertext " + p);
    }
    Encryptor symmetric = new Encryptor(HYBRID, sk);
    SeededCiphertext seeded = symmetric.encryptSymmetricSeeded(encoder.encode(x, 1, SCALE));
    byte[] seededBytes = CODEC.write(seeded);
    assertThat(CODEC.write(seeded.ciphertext()).length - seededBytes.length)
        .isEqualTo(64 * (40 + 30) / 8 + 4 - 32); // c1 at level 1 and the size field, for the seed
    Ciphertext seededBack = CODEC.readSeededCiphertext(seededBytes);
    Ciphertext eitherBack = CODEC.readCiphertext(seededBytes);
    for (int p = 0; p < 2; p++) {
      assertSamePoly(seededBack.poly(p), seeded.ciphertext().poly(p), "seeded ciphertext " + p);
      assertSamePoly(
          eitherBack.poly(p),
          seeded.ciphertext().poly(p),
          "seeded ciphertext read as either form " + p);
    }
    assertThatThrownBy(() -> CODEC.readSeededCiphertext(CODEC.write(ct)))
        .isInstanceOf(EngineFormatException.class)
        .hasMessageContaining("expected seeded ciphertext, got ciphertext");
    Encryptor sealSeeds =
        new Encryptor(
            HYBRID, null, sk, new SealPrngFactory(SealPrngType.SHAKE256), Parallelism.SERIAL);
    SeededCiphertext foreign = sealSeeds.encryptSymmetricSeeded(encoder.encode(x, 1, SCALE));
    assertThatThrownBy(() -> CODEC.write(foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not expand to its c1 with the engine's AES-CTR");
    Evaluator ev = new Evaluator(HYBRID);
    RelinKeys rkBack = CODEC.readRelinKeys(CODEC.write(rk, true));
    GaloisKeys gkBack = CODEC.readGaloisKeys(CODEC.write(gk, true));
    double[] sq =
        encoder.decode(
            new Decryptor(HYBRID, sk)
                .decryptNew(ev.relinearizeNew(ev.multiplyNew(back, back), rkBack)));
    double[] rot =
        encoder.decode(new Decryptor(HYBRID, sk).decryptNew(ev.rotateNew(back, 1, gkBack)));
    for (int i = 0; i < x.length; i++) {
      assertThat(sq[i]).isCloseTo(x[i] * x[i], offset(1e-4));
      assertThat(rot[i]).isCloseTo(x[(i + 1) % x.length], offset(1e-4));
    }
  }

  /** Widths that do not fill whole bytes or words: 60, 41, 33 data bits, 49-bit special primes. */
  @Test
  void residuesPackAtTheirPrimesWidthsAndReadBackBitExact() {
    CkksParameters odd =
        CkksParameters.create(
            CkksSpec.of(64, 60, 41, 33, 60).withKeySwitching(2, 49, 49).asInsecure());
    EngineCodec codec = EngineCodec.of(odd);
    KeyGenerator keygen = new KeyGenerator(odd);
    PublicKey pk = keygen.createPublicKey();
    PublicKey back = codec.readPublicKey(codec.write(pk, false));
    assertSamePoly(back.p0(), pk.p0(), "public key p0");
    assertSamePoly(back.p1(), pk.p1(), "public key p1");
    Ciphertext ct =
        new Encryptor(odd, pk)
            .encryptNew(new CkksEncoder(odd).encode(new double[] {0.5, -0.25}, 2, SCALE));
    byte[] bytes = codec.write(ct);
    // header, parameter id, size, level, scale; then two polynomials of 60 + 41 + 33 bits a residue
    assertThat(bytes.length).isEqualTo(6 + 8 + 4 + 4 + 8 + 2 * 64 * (60 + 41 + 33) / 8);
    Ciphertext ctBack = codec.readCiphertext(bytes);
    for (int p = 0; p < 2; p++) {
      assertSamePoly(ctBack.poly(p), ct.poly(p), "ciphertext " + p);
    }
  }

  /**
   * Version 1 (8 bytes a residue, big-endian), as a secret key file written before, still reads.
   */
  @Test
  void versionOneObjectsStillRead() {
    CkksEncoder encoder = new CkksEncoder(HYBRID);
    KeyGenerator keygen = new KeyGenerator(HYBRID);
    Ciphertext ct =
        new Encryptor(HYBRID, keygen.createPublicKey())
            .encryptNew(encoder.encode(new double[] {0.5, -0.25}, 1, SCALE));
    ByteBuffer v1 = ByteBuffer.allocate(6 + 8 + 4 + 4 + 8 + 2 * 2 * 64 * 8);
    v1.putInt(0x42544845).put((byte) 1).put((byte) 2).putLong(HYBRID.id());
    v1.putInt(2).putInt(1).putDouble(SCALE);
    for (int p = 0; p < 2; p++) {
      for (int j = 0; j < 2; j++) {
        for (long r : ct.poly(p).limb(j)) {
          v1.putLong(r);
        }
      }
    }
    Ciphertext back = CODEC.readCiphertext(v1.array());
    for (int p = 0; p < 2; p++) {
      assertSamePoly(back.poly(p), ct.poly(p), "version 1 ciphertext " + p);
    }
    assertThat(CODEC.write(back)[4]).isEqualTo((byte) 2);
  }

  @Test
  void malformedOrForeignBytesAreRefusedNamingTheField() {
    KeyGenerator keygen = new KeyGenerator(HYBRID);
    RelinKeys rk = keygen.createRelinKeys();
    byte[] good = CODEC.write(rk, true);
    assertThatThrownBy(() -> CODEC.readRelinKeys(new byte[] {1, 2, 3}))
        .isInstanceOf(EngineFormatException.class)
        .hasMessageContaining("no BTHE magic");
    assertThatThrownBy(() -> CODEC.readGaloisKeys(good))
        .isInstanceOf(EngineFormatException.class)
        .hasMessageContaining("expected Galois keys, got relinearization keys");
    assertThatThrownBy(() -> CODEC.readRelinKeys(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(EngineFormatException.class)
        .hasMessageContaining("relinearization keys: truncated");
    assertThatThrownBy(() -> CODEC.readRelinKeys(Arrays.copyOf(good, good.length + 3)))
        .isInstanceOf(EngineFormatException.class)
        .hasMessageContaining("3 bytes after the object");
    byte[] version = good.clone();
    version[4] = 9;
    assertThatThrownBy(() -> CODEC.readRelinKeys(version))
        .isInstanceOf(EngineFormatException.class)
        .hasMessageContaining("version 9 not supported");
    byte[] residue = good.clone();
    // the first residue of digit 0's b (40 bits): 2^40 - 1, above the 40-bit prime
    Arrays.fill(residue, 6 + 8 + 4 + 1, 6 + 8 + 4 + 1 + 5, (byte) 0xff);
    assertThatThrownBy(() -> CODEC.readRelinKeys(residue))
        .isInstanceOf(EngineFormatException.class)
        .hasMessageContaining("relinearization key digit 0 b: residue")
        .hasMessageContaining("limb 0");
    CkksParameters seal = CkksParameters.create(CkksSpec.of(64, 40, 30, 30, 40).asInsecure());
    assertThatThrownBy(() -> EngineCodec.of(seal).readRelinKeys(good))
        .isInstanceOf(EngineFormatException.class)
        .hasMessageContaining("belongs to parameter set " + Long.toHexString(HYBRID.id()));
    assertThatThrownBy(() -> EngineCodec.of(seal).write(rk, false))
        .isInstanceOf(ParameterMismatchException.class);
    // Keys expanded with SEAL's PRNG have no seeded engine form (a reader would expand AES-CTR).
    KeyGenerator sealSeeds =
        new KeyGenerator(
            HYBRID, null, new SealPrngFactory(SealPrngType.BLAKE2XB), Parallelism.SERIAL);
    RelinKeys sealSeeded = sealSeeds.createRelinKeys();
    assertThatThrownBy(() -> CODEC.write(sealSeeded, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another generator than the engine's AES-CTR");
    assertThat(CODEC.readRelinKeys(CODEC.write(sealSeeded, false)).key().seed(0)).isNull();
  }
}
