package io.blindtuner.he.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.Encryptor;
import io.blindtuner.he.ckks.KeyGenerator;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Parallelism;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireCodecTest {
  private static final double SCALE = Math.pow(2, 30);

  /**
   * The byte counts the refresh meter reports are the wire's: what a ciphertext's bytes add from
   * one level to the next is what {@link WireCodec#residueBytes} and {@link WireCodec#seededBytes}
   * add, so only a fixed header is left out.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void residueCountsAreTheWiresBytesLessAFixedHeader(boolean sealLayout) {
    CkksSpec spec = CkksSpec.of(64, 40, 30, 30, 40);
    CkksParameters params =
        CkksParameters.create((sealLayout ? spec : spec.withKeySwitching(2, 40, 40)).asInsecure());
    WireCodec codec = WireCodec.of(params);
    KeyGenerator keygen =
        new KeyGenerator(params, null, WireCodec.seedPrng(params), Parallelism.SERIAL);
    Encryptor enc =
        new Encryptor(
            params, null, keygen.secretKey(), WireCodec.seedPrng(params), Parallelism.SERIAL);
    CkksEncoder encoder = new CkksEncoder(params);
    long fullHeader = -1;
    long seededHeader = -1;
    for (int level = 0; level <= params.maxLevel(); level++) {
      SeededCiphertext s =
          enc.encryptSymmetricSeeded(encoder.encode(new double[] {0.25}, level, SCALE));
      long full = codec.write(s.ciphertext()).length - codec.residueBytes(s.ciphertext());
      long seeded = codec.write(s).length - codec.seededBytes(s.ciphertext());
      if (level > 0) {
        assertThat(full).as("full header at level " + level).isEqualTo(fullHeader);
        assertThat(seeded).as("seeded header at level " + level).isEqualTo(seededHeader);
      }
      fullHeader = full;
      seededHeader = seeded;
    }
    assertThat(fullHeader).isBetween(0L, 256L);
    assertThat(seededHeader).isBetween(0L, 256L);
    // SEAL's format stores 8 bytes a residue; the engine's packs them at 40 and 30 bits
    assertThat(codec.polyBytes(2)).isEqualTo(sealLayout ? 2 * 64 * 8 : 64 * (40 + 30) / 8);
    assertThatThrownBy(() -> codec.polyBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limbs must be in [1, ");
  }
}
