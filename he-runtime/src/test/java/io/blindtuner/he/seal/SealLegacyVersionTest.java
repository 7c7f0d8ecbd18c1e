package io.blindtuner.he.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * SEAL 3.x objects, made by rewriting node-seal's 4.1 objects into the older layouts: SEAL 3.6/3.7
 * use the same 16-byte header with version 3.x and have no Ciphertext.correction_factor (added in
 * 4.0); SEAL 3.4 uses the legacy header (magic, 0x00, compr_mode, u32 size, u64 reserved), which
 * SEAL 4 reads as version 3.4. The contents must read back identical to the 4.1 originals.
 */
class SealLegacyVersionTest {
  private static final NodeSeal.Fixture FX = NodeSeal.fixture("tiny", 64, "30,20,30", 20, "0,1,3");
  private static final SealEncryptionParameters P = FX.params();

  /** Ciphertext members: parms_id 32, is_ntt_form 1, size, N, k, scale: then correction_factor. */
  private static final int CORRECTION_FACTOR_AT = 32 + 1 + 8 * 4;

  @Test
  void readsSeal36CiphertextsIncludingSeededOnes() {
    for (String file : new String[] {"ct_a.bin", "ct_a_seeded.bin"}) {
      SealCiphertextData v41 = SealWire.readCiphertext(P, FX.bytes(file));
      SealCiphertextData v36 = SealWire.readCiphertext(P, toSeal3(FX.bytes(file), 6));
      assertThat(v36.polys()).as(file).isDeepEqualTo(v41.polys());
      assertThat(v36.scale()).isEqualTo(v41.scale());
      assertThat(v36.seed()).isEqualTo(v41.seed());
    }
  }

  @Test
  void readsSeal34LegacyHeaders() {
    byte[] legacy = legacyHeaders(toSeal3(FX.bytes("ct_a.bin"), 4));
    SealCiphertextData v34 = SealWire.readCiphertext(P, legacy);
    assertThat(v34.polys()).isDeepEqualTo(SealWire.readCiphertext(P, FX.bytes("ct_a.bin")).polys());
    SealObjectInfo info = SealInspector.inspect(legacy, P);
    assertThat(info.header().versionMajor()).isEqualTo(3);
    assertThat(info.header().versionMinor()).isEqualTo(4);
    assertThat(info.kind()).isEqualTo("Ciphertext");
  }

  @Test
  void readsEverySeal4MinorUpToTheCurrent44AndRefusesNewerOnesSayingWhatItReads() {
    for (String file : new String[] {"ct_a.bin", "ct_a_seeded.bin"}) {
      SealCiphertextData v41 = SealWire.readCiphertext(P, FX.bytes(file));
      for (int minor = 2; minor <= 4; minor++) {
        byte[] b = withVersion(FX.bytes(file), 4, minor);
        SealCiphertextData v = SealWire.readCiphertext(P, b);
        assertThat(v.polys()).as(file + " as 4." + minor).isDeepEqualTo(v41.polys());
        assertThat(v.seed()).isEqualTo(v41.seed());
        assertThat(SealInspector.inspect(b, P).header().versionMinor()).isEqualTo(minor);
      }
      for (int[] v : new int[][] {{4, 5}, {5, 0}}) {
        byte[] b = withVersion(FX.bytes(file), v[0], v[1]);
        assertThatThrownBy(() -> SealWire.readCiphertext(P, b))
            .isInstanceOf(SealFormatException.class)
            .hasMessageContaining("SEAL version " + v[0] + "." + v[1] + " not supported")
            .hasMessageContaining("4.0 to 4.4");
      }
      // a nested header alone of a newer version is refused too
      byte[] nested = FX.bytes(file).clone();
      int[] at = headers41(nested);
      nested[at[1] + 4] = 5;
      assertThatThrownBy(() -> SealWire.readCiphertext(P, nested))
          .hasMessageContaining("SEAL version 4.5");
    }
  }

  /** Every header (the top one and the nested ones) rewritten to major.minor. */
  private static byte[] withVersion(byte[] v41, int major, int minor) {
    byte[] b = v41.clone();
    for (int at : headers41(b)) {
      b[at + 3] = (byte) major;
      b[at + 4] = (byte) minor;
    }
    return b;
  }

  /**
   * Rewrites a 4.1 ciphertext as 3.minor: version bytes of every header, correction_factor dropped.
   */
  private static byte[] toSeal3(byte[] v41, int minor) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(v41, 0, 16 + CORRECTION_FACTOR_AT);
    out.write(v41, 16 + CORRECTION_FACTOR_AT + 8, v41.length - 16 - CORRECTION_FACTOR_AT - 8);
    byte[] b = out.toByteArray();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(8, b.length);
    for (int at : headers(b)) {
      b[at + 3] = 3;
      b[at + 4] = (byte) minor;
    }
    return b;
  }

  /** Rewrites every header in the legacy 3.4 layout (same 16 bytes, u32 size at offset 4). */
  private static byte[] legacyHeaders(byte[] b) {
    byte[] m = b.clone();
    ByteBuffer bb = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
    for (int at : headers(b)) {
      long size = bb.getLong(at + 8);
      int compr = m[at + 5];
      Arrays.fill(m, at + 2, at + 16, (byte) 0);
      m[at + 3] = (byte) compr;
      bb.putInt(at + 4, (int) size);
    }
    return m;
  }

  /**
   * As {@link #headers} for a 4.x ciphertext, whose members end with the 8-byte correction_factor.
   */
  private static int[] headers41(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int data = 16 + CORRECTION_FACTOR_AT + 8;
    int seedAt = data + (int) bb.getLong(data + 8);
    return seedAt < b.length ? new int[] {0, data, seedAt} : new int[] {0, data};
  }

  /**
   * Offsets of the top header and the nested headers of a 3.x ciphertext: data, then the optional
   * seed.
   */
  private static int[] headers(byte[] b) {
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int data = 16 + CORRECTION_FACTOR_AT;
    int seedAt = data + (int) bb.getLong(data + 8);
    return seedAt < b.length ? new int[] {0, data, seedAt} : new int[] {0, data};
  }
}
