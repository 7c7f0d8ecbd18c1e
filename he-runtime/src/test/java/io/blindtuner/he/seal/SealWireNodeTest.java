package io.blindtuner.he.seal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wire layer against node-seal (SEAL 4.1.2), without the engine: every object node-seal wrote
 * is read and written back byte for byte; seeded objects are expanded by our BLAKE2Xb PRNG and
 * sampler and written in full, and SEAL then decrypts / uses them with its own secret key, which
 * only works if our c1 equals SEAL's bit for bit.
 */
class SealWireNodeTest {
  @TempDir Path work;

  @Test
  void readsAndRewritesEveryNodeSealObjectByteForByte() {
    NodeSeal.Fixture fx = NodeSeal.fixture("tiny", 64, "30,20,30", 20, "0,1,3");
    SealEncryptionParameters p = fx.params();
    assertThat(p.save(SealComprMode.NONE)).isEqualTo(fx.bytes("params.bin"));
    assertThat(p.degree()).isEqualTo(64);
    roundTrip(fx, "ct_a.bin", SealWire::readCiphertext, SealWire::writeCiphertext);
    roundTrip(fx, "ct_a_seeded.bin", SealWire::readCiphertext, SealWire::writeCiphertext);
    roundTrip(fx, "public.bin", SealWire::readPublicKey, SealWire::writeCiphertext);
    roundTrip(fx, "public_seeded.bin", SealWire::readPublicKey, SealWire::writeCiphertext);
    roundTrip(fx, "pt_b.bin", SealWire::readPlaintext, SealWire::writePlaintext);
    roundTrip(fx, "secret.bin", SealWire::readSecretKey, SealWire::writePlaintext);
    roundTrip(fx, "relin.bin", SealWire::readRelinKeys, SealWire::writeKSwitchKeys);
    roundTrip(fx, "relin_seeded.bin", SealWire::readRelinKeys, SealWire::writeKSwitchKeys);
    roundTrip(fx, "galois.bin", SealWire::readGaloisKeys, SealWire::writeKSwitchKeys);

    // Compressed objects decompress to exactly the uncompressed ones.
    assertThat(
            SealWire.writeCiphertext(
                SealWire.readCiphertext(p, fx.bytes("ct_a_zlib.bin")), SealComprMode.NONE))
        .isEqualTo(fx.bytes("ct_a.bin"));
    assertThat(
            SealWire.writeCiphertext(
                SealWire.readCiphertext(p, fx.bytes("ct_a_zstd.bin")), SealComprMode.NONE))
        .isEqualTo(fx.bytes("ct_a.bin"));
    SealKSwitchKeysData gk = SealWire.readGaloisKeys(p, fx.bytes("galois_seeded_zstd.bin"));
    // Steps 0 (conjugation, g = 2N-1), 1 (g = 3) and 3 (g = 27) at indices (g-1)/2.
    assertThat(gk.hasKey(SealKSwitchKeysData.galoisIndex(127))).isTrue();
    assertThat(gk.hasKey(SealKSwitchKeysData.galoisIndex(3))).isTrue();
    assertThat(gk.hasKey(SealKSwitchKeysData.galoisIndex(27))).isTrue();
    assertThat(gk.keys().get(SealKSwitchKeysData.galoisIndex(3)))
        .hasSize(2)
        .allMatch(c -> c.seed() != null);
  }

  @Test
  void sealDecryptsAndUsesOurExpansionOfItsSeededObjects() throws IOException {
    NodeSeal.Fixture fx = NodeSeal.fixture("tiny", 64, "30,20,30", 20, "0,1,3");
    SealEncryptionParameters p = fx.params();
    Path pk =
        write(
            "public_full.bin",
            SealWire.writeCiphertext(
                SealWire.readPublicKey(p, fx.bytes("public_seeded.bin")).unseeded(),
                SealComprMode.NONE));
    Path rk =
        write(
            "relin_full.bin",
            SealWire.writeKSwitchKeys(
                unseeded(SealWire.readRelinKeys(p, fx.bytes("relin_seeded.bin"))),
                SealComprMode.ZLIB));
    Path gk =
        write(
            "galois_full.bin",
            SealWire.writeKSwitchKeys(
                unseeded(SealWire.readGaloisKeys(p, fx.bytes("galois_seeded_zstd.bin"))),
                SealComprMode.ZSTD));
    Path ct =
        write(
            "ct_full.bin",
            SealWire.writeCiphertext(
                SealWire.readCiphertext(p, fx.bytes("ct_a_seeded_zlib.bin")).unseeded(),
                SealComprMode.NONE));
    Path ctZstd =
        write(
            "ct_zstd.bin",
            SealWire.writeCiphertext(
                SealWire.readCiphertext(p, fx.bytes("ct_a.bin")), SealComprMode.ZSTD));
    String a = NodeSeal.json(fx.values("a"));
    String common =
        "\"params\":"
            + NodeSeal.json(fx.path("params.bin").toString())
            + ",\"secret\":"
            + NodeSeal.json(fx.path("secret.bin").toString());
    String tasks =
        "{\"tasks\":["
            + "{\"name\":\"seeded-ct\",\"type\":\"decrypt\","
            + common
            + ",\"ciphertext\":"
            + NodeSeal.json(ct.toString())
            + ",\"expect\":"
            + a
            + "},"
            + "{\"name\":\"zstd-ct\",\"type\":\"decrypt\","
            + common
            + ",\"ciphertext\":"
            + NodeSeal.json(ctZstd.toString())
            + ",\"expect\":"
            + a
            + "},"
            + "{\"name\":\"seeded-keys\",\"type\":\"use-keys\","
            + common
            + ",\"public\":"
            + NodeSeal.json(pk.toString())
            + ",\"relin\":"
            + NodeSeal.json(rk.toString())
            + ",\"galois\":"
            + NodeSeal.json(gk.toString())
            + ",\"a\":"
            + a
            + ",\"b\":"
            + NodeSeal.json(fx.values("b"))
            + ",\"scale\":"
            + fx.scale()
            + ",\"steps\":[1,3]}"
            + "]}";
    Map<String, Double> errors = NodeSeal.check(work, tasks);
    assertThat(errors)
        .containsKeys(
            "seeded-ct/decrypt",
            "zstd-ct/decrypt",
            "seeded-keys/multiply",
            "seeded-keys/rotate3",
            "seeded-keys/conjugate");
    // Scale 2^20 at N=64 with primes 30,20,30: fresh encryption noise is a few units, ~2^-17 after
    // dividing by
    // the scale. SEAL's key switching (digits uniform in [0, q_i), q_0 ~ P) adds per coefficient a
    // sum of N
    // products c*e with std q*sigma*sqrt(N/3), i.e. ~sigma*sqrt(N/3) ~ 15 after dividing by P, so
    // per slot
    // ~15*sqrt(N) ~ 120, ~2^-13 after the scale; the worst of 32 slots has been seen at 2^-10. A
    // wrong c1
    // leaves errors of order 1 (uniform garbage), so 2^-6 still separates the two by a wide margin.
    assertThat(errors).allSatisfy((k, v) -> assertThat(v).as(k).isLessThan(0x1p-6));
  }

  private static SealKSwitchKeysData unseeded(SealKSwitchKeysData k) {
    return new SealKSwitchKeysData(
        k.parmsId(),
        k.keys().stream().map(v -> v.stream().map(SealCiphertextData::unseeded).toList()).toList());
  }

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(work.resolve(name), bytes);
  }

  private static <T> void roundTrip(
      NodeSeal.Fixture fx,
      String file,
      BiFunction<SealEncryptionParameters, byte[], T> read,
      BiFunction<T, SealComprMode, byte[]> write) {
    byte[] original = fx.bytes(file);
    T obj = read.apply(fx.params(), original);
    assertThat(write.apply(obj, SealComprMode.NONE)).as(file).isEqualTo(original);
  }
}
