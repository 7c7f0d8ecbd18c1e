package io.blindtuner.he.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Hostile input against the SEAL readers: each targeted corruption raises {@link
 * SealFormatException} naming what is wrong, and a mutation sweep over every object kind (small
 * insecure N=64 objects written by node-seal, so the sweep is fast) lets no other exception escape.
 */
class SealHostileInputTest {
  private static final NodeSeal.Fixture FX = NodeSeal.fixture("tiny", 64, "30,20,30", 20, "0,1,3");
  private static final SealEncryptionParameters P = FX.params();

  /** Every reader, by file of the fixture. */
  private static Map<String, BiFunction<SealEncryptionParameters, byte[], Object>> readers() {
    Map<String, BiFunction<SealEncryptionParameters, byte[], Object>> r = new LinkedHashMap<>();
    r.put("params.bin", (p, b) -> SealEncryptionParameters.load(b));
    r.put("ct_a.bin", SealWire::readCiphertext);
    r.put("ct_a_seeded.bin", SealWire::readCiphertext);
    r.put("ct_a_zlib.bin", SealWire::readCiphertext);
    r.put("ct_a_zstd.bin", SealWire::readCiphertext);
    r.put("ct_a_seeded_zlib.bin", SealWire::readCiphertext);
    r.put("pt_b.bin", SealWire::readPlaintext);
    r.put("secret.bin", SealWire::readSecretKey);
    r.put("public.bin", SealWire::readPublicKey);
    r.put("public_seeded.bin", SealWire::readPublicKey);
    r.put("relin.bin", SealWire::readRelinKeys);
    r.put("relin_seeded.bin", SealWire::readRelinKeys);
    r.put("galois.bin", SealWire::readGaloisKeys);
    r.put("galois_seeded_zstd.bin", SealWire::readGaloisKeys);
    return r;
  }

  @Test
  void truncatedObjectsNameTheTruncation() {
    byte[] ct = FX.bytes("ct_a.bin");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, Arrays.copyOf(ct, 10)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("truncated SEAL header");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, Arrays.copyOf(ct, ct.length - 1)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("header declares " + ct.length);
    byte[] z = FX.bytes("ct_a_zlib.bin");
    byte[] cut = withSize(Arrays.copyOf(z, z.length - 40), z.length - 40);
    assertThatThrownBy(() -> SealWire.readCiphertext(P, cut))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("zlib");
  }

  @Test
  void wrongMagicVersionOrCompressionIsNamed() {
    byte[] ct = FX.bytes("ct_a.bin");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, patch(ct, 0, 0x12)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("bad SEAL magic");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, patch(ct, 3, 5)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("SEAL version 5.1 not supported");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, patch(ct, 4, 5)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("SEAL version 4.5 not supported");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, patch(ct, 5, 7)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("unsupported compr_mode 7");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, patch(ct, 2, 0x20)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("header size 32");
  }

  @Test
  void lyingSizesAndHugeCountsAreRejectedBeforeAllocating() {
    byte[] ct = FX.bytes("ct_a.bin");
    // Ciphertext members: parms_id 16..48, ntt 48, size 49..57, N 57..65, k 65..73, scale, cf,
    // DynArray header at 89.
    assertThatThrownBy(() -> SealWire.readCiphertext(P, putLong(ct, 49, 1L << 40)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("size 1099511627776 outside [2, 16]");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, putLong(ct, 57, 1L << 20)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("poly_modulus_degree 1048576");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, putLong(ct, 89 + 16, Long.MAX_VALUE)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("data holds 9223372036854775807 words");
    assertThatThrownBy(() -> SealWire.readCiphertext(P, putLong(ct, 89 + 8, 1L << 50)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("nested data declares 1125899906842624 bytes");
    byte[] gk = FX.bytes("galois.bin");
    assertThatThrownBy(() -> SealWire.readGaloisKeys(P, putLong(gk, 48, -1L)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("key count 18446744073709551615 exceeds N=64");
    assertThatThrownBy(() -> SealWire.readGaloisKeys(P, putLong(gk, 56, 1L << 33)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("parts; the parameters need 2");
  }

  @Test
  void coefficientAtOrAboveItsPrimeIsNamed() {
    byte[] ct = FX.bytes("ct_a.bin");
    long q0 = P.coeffModulus()[0];
    assertThatThrownBy(() -> SealWire.readCiphertext(P, putLong(ct, 89 + 16 + 8 + 8 * 5, q0)))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("coefficient 5 of limb 0 is " + q0 + " >= its prime " + q0);
  }

  @Test
  void objectsOfOtherParametersAreRejected() {
    SealEncryptionParameters other =
        SealEncryptionParameters.ckks(64, P.coeffModulus()[0], P.coeffModulus()[2]);
    assertThatThrownBy(() -> SealWire.readCiphertext(other, FX.bytes("ct_a.bin")))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("belongs to no level of these encryption parameters");
    // A ciphertext is not a key: key-level ciphertexts are refused as data, data-level ones as
    // keys.
    assertThatThrownBy(() -> SealWire.readCiphertext(P, FX.bytes("public.bin")))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("key level");
    assertThatThrownBy(() -> SealWire.readPublicKey(P, FX.bytes("ct_a.bin")))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("not the key level");
    assertThatThrownBy(() -> SealWire.readSecretKey(P, FX.bytes("pt_b.bin")))
        .isInstanceOf(SealFormatException.class)
        .hasMessageContaining("not the key level");
  }

  @Test
  void zipBombsStopAtTheFirstByteAfterTheMembersOrAtTheCap() throws IOException {
    // A valid ciphertext's members followed by 64 MiB of zeros: ~64 KiB as zlib, ~2 KiB as zstd.
    byte[] members = Arrays.copyOfRange(FX.bytes("ct_a.bin"), 16, FX.bytes("ct_a.bin").length);
    for (SealComprMode mode : new SealComprMode[] {SealComprMode.ZLIB, SealComprMode.ZSTD}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(new byte[16]);
      try (OutputStream z =
          mode == SealComprMode.ZLIB
              ? new DeflaterOutputStream(out, new Deflater(9), 1 << 16)
              : new ZstdOutputStream(out)) {
        z.write(members);
        byte[] zeros = new byte[1 << 20];
        for (int i = 0; i < 64; i++) {
          z.write(zeros);
        }
      }
      byte[] bomb = out.toByteArray();
      System.arraycopy(SealHeader.encode(mode, bomb.length), 0, bomb, 0, 16);
      assertThatThrownBy(() -> SealWire.readCiphertext(P, bomb))
          .as(mode.name())
          .isInstanceOf(SealFormatException.class)
          .hasMessageContaining("unexpected bytes after the members");
      assertThatThrownBy(() -> SealWire.readCiphertext(P, bomb, 1000))
          .as(mode.name())
          .isInstanceOf(SealFormatException.class)
          .hasMessageContaining("exceeds the cap of 1000 bytes");
      // The inspector cannot know where the members end, so it stops at its cap: 16 MiB for a file
      // this small.
      assertThat(SealInspector.memberCap(bomb.length)).isEqualTo(SealInspector.MIN_CAP_BYTES);
      assertThatThrownBy(() -> SealInspector.inspect(bomb, null))
          .as(mode.name())
          .isInstanceOf(SealFormatException.class)
          .hasMessageContaining("exceeds the cap of " + SealInspector.MIN_CAP_BYTES + " bytes");
    }
  }

  /**
   * ≥ 100,000 mutated objects: bit flips, truncations, insertions, deletions, planted 64-bit
   * values, and for compressed kinds mutations of the decompressed members, recompressed. Only
   * SealFormatException may escape.
   */
  @Test
  void mutationSweepLetsOnlySealFormatExceptionEscape() {
    SplittableRandom rnd = new SplittableRandom(20261128);
    Map<String, BiFunction<SealEncryptionParameters, byte[], Object>> readers = readers();
    int perKind = 7200;
    int total = 0;
    Map<String, int[]> outcome = new LinkedHashMap<>();
    for (var e : readers.entrySet()) {
      byte[] original = FX.bytes(e.getKey());
      byte[] plainMembers =
          e.getKey().contains("zlib") || e.getKey().contains("zstd")
              ? rewrittenUncompressed(e.getKey(), original)
              : null;
      int[] counts = new int[2];
      long t = System.nanoTime();
      for (int i = 0; i < perKind; i++) {
        byte[] m =
            plainMembers != null && rnd.nextInt(2) == 0
                ? recompress(e.getKey(), mutate(plainMembers, rnd))
                : mutate(original, rnd);
        try {
          if (i % 8 == 0) {
            SealInspector.inspect(m, null); // the parameter-free path parses on its own
          }
          e.getValue().apply(P, m);
          counts[0]++;
        } catch (SealFormatException ok) {
          assertThat(ok.getMessage()).isNotBlank();
          counts[1]++;
        } catch (RuntimeException | Error other) {
          throw new AssertionError(e.getKey() + " mutation " + i + " escaped with " + other, other);
        }
        total++;
      }
      outcome.put(e.getKey(), counts);
      System.out.println(
          "SWEEP "
              + e.getKey()
              + " "
              + Arrays.toString(counts)
              + " "
              + (System.nanoTime() - t) / 1e6
              + " ms");
    }
    assertThat(total).isGreaterThanOrEqualTo(100_000);
    // Each kind saw both accepted mutations (e.g. flips in coefficients) and rejected ones.
    assertThat(outcome).allSatisfy((k, c) -> assertThat(c[1]).as(k).isGreaterThan(perKind / 4));
  }

  private static byte[] rewrittenUncompressed(String file, byte[] original) {
    return switch (file) {
      case "galois_seeded_zstd.bin" ->
          SealWire.writeKSwitchKeys(SealWire.readGaloisKeys(P, original), SealComprMode.NONE);
      default -> SealWire.writeCiphertext(SealWire.readCiphertext(P, original), SealComprMode.NONE);
    };
  }

  private static byte[] recompress(String file, byte[] uncompressed) {
    SealComprMode mode = file.contains("zstd") ? SealComprMode.ZSTD : SealComprMode.ZLIB;
    byte[] members =
        uncompressed.length > 16
            ? Arrays.copyOfRange(uncompressed, 16, uncompressed.length)
            : new byte[0];
    return SealSerialization.save(mode, members.length, o -> o.bytes(members));
  }

  private static byte[] mutate(byte[] b, SplittableRandom rnd) {
    byte[] m;
    switch (rnd.nextInt(6)) {
      case 0 -> { // flip 1..8 bits
        m = b.clone();
        for (int k = 1 + rnd.nextInt(8); k > 0; k--) {
          int i = rnd.nextInt(m.length);
          m[i] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case 1 -> m = Arrays.copyOf(b, rnd.nextInt(b.length)); // truncate
      case 2 -> { // insert 1..16 random bytes
        int at = rnd.nextInt(b.length + 1);
        int n = 1 + rnd.nextInt(16);
        m = new byte[b.length + n];
        System.arraycopy(b, 0, m, 0, at);
        for (int i = 0; i < n; i++) {
          m[at + i] = (byte) rnd.nextInt(256);
        }
        System.arraycopy(b, at, m, at + n, b.length - at);
      }
      case 3 -> { // delete 1..16 bytes
        int n = Math.min(b.length - 1, 1 + rnd.nextInt(16));
        int at = rnd.nextInt(b.length - n + 1);
        m = new byte[b.length - n];
        System.arraycopy(b, 0, m, 0, at);
        System.arraycopy(b, at + n, m, at, b.length - at - n);
      }
      case 4 -> { // plant an extreme 64-bit value in the first 160 bytes (header and metadata)
        long[] values = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 31, 1L << 32, 16, 64, 3};
        int at = rnd.nextInt(Math.max(1, Math.min(160, b.length - 8)));
        m = putLong(b, at, values[rnd.nextInt(values.length)]);
      }
      default -> m = patch(b, rnd.nextInt(b.length), rnd.nextInt(256)); // one random byte
    }
    // Keep the top-level size field honest half of the time, so mutations reach the members.
    if (m.length >= 16 && rnd.nextBoolean() && m[2] == 16) {
      m = withSize(m, m.length);
    }
    return m;
  }

  private static byte[] patch(byte[] b, int at, int value) {
    byte[] m = b.clone();
    m[at] = (byte) value;
    return m;
  }

  private static byte[] putLong(byte[] b, int at, long v) {
    byte[] m = b.clone();
    ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    return m;
  }

  private static byte[] withSize(byte[] b, long size) {
    return putLong(b, 8, size);
  }
}
