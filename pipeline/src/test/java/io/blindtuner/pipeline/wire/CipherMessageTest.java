package io.blindtuner.pipeline.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.wire.WireCodec;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.hospital.KeyHolder;
import io.blindtuner.pipeline.kafka.MalformedRecordException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Small INSECURE ring (N = 1024) for speed. */
class CipherMessageTest {
  static final CkksSpec SPEC = CkksSpec.of(1024, 60, 40, 40, 60).asInsecure();
  static final CkksParameters PARAMS = CkksParameters.create(SPEC);
  static final KeyHolder KEYS = new KeyHolder(PARAMS, new int[0]);
  static final WireCodec CODEC = WireCodec.of(PARAMS);

  /** The same data primes in the hybrid layout: the engine's wire format, AES-CTR seeds. */
  static final CkksParameters HYBRID = CkksParameters.create(SPEC.withKeySwitching(2, 49, 49));

  static final KeyHolder HYBRID_KEYS = new KeyHolder(HYBRID, new int[0]);

  static Stream<KeyHolder> layouts() {
    return Stream.of(KEYS, HYBRID_KEYS);
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void roundTripsFullAndSeededCiphertextsWithTheirIds(KeyHolder keys) {
    WireCodec codec = WireCodec.of(keys.parameters());
    Ciphertext a = keys.encrypt(new double[] {1.5, -2}, 2);
    CipherMessage m =
        new CipherMessage(
            CipherMessage.Kind.REFRESH_REQUEST,
            "job-1",
            7,
            3,
            Phase.MLP_FORWARD,
            new int[] {1, 2},
            List.of(a, a));
    CipherMessage back = CipherMessage.parse(m.toBytes(codec), codec, 1 << 20);
    assertThat(back.kind()).isEqualTo(CipherMessage.Kind.REFRESH_REQUEST);
    assertThat(back.refreshId()).isEqualTo(m.refreshId());
    assertThat(back.levels()).containsExactly(1, 2);
    assertThat(keys.decrypt(back.ciphertexts().get(1))[1])
        .isCloseTo(-2, org.assertj.core.data.Offset.offset(1e-6));

    SeededCiphertext s = keys.encryptSeeded(new double[] {0.25}, 1);
    byte[] seeded =
        CipherMessage.seeded(CipherMessage.Kind.BATCH, "job-1", 0, 0, null, List.of(s), codec);
    byte[] full =
        new CipherMessage(
                CipherMessage.Kind.BATCH, "job-1", 0, 0, null, null, List.of(s.ciphertext()))
            .toBytes(codec);
    assertThat(seeded.length).isLessThan(full.length * 6 / 10);
    CipherMessage b = CipherMessage.parse(seeded, codec, 1 << 20);
    assertThat(b.ciphertexts().get(0).poly(1).limb(0)).isEqualTo(s.ciphertext().poly(1).limb(0));
  }

  @Test
  void refusesMalformedRecordsSayingWhy() {
    byte[] ok =
        new CipherMessage(
                CipherMessage.Kind.BATCH,
                "j",
                0,
                0,
                null,
                null,
                List.of(KEYS.encrypt(new double[] {1}, 1)))
            .toBytes(CODEC);
    assertThatThrownBy(() -> CipherMessage.parse(ok, CODEC, ok.length - 1))
        .hasMessageContaining("above");
    assertThatThrownBy(() -> CipherMessage.parse(Arrays.copyOf(ok, ok.length - 9), CODEC, 1 << 20))
        .isInstanceOf(MalformedRecordException.class);
    byte[] bad = ok.clone();
    bad[0] ^= 1;
    assertThatThrownBy(() -> CipherMessage.parse(bad, CODEC, 1 << 20))
        .hasMessageContaining("bad magic");
    CkksParameters other = CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 59).asInsecure());
    assertThatThrownBy(() -> CipherMessage.parse(ok, WireCodec.of(other), 1 << 20))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("ciphertext 0");
    // a record of the hybrid layout read as a job in SEAL's layout, and the other way round
    byte[] hybrid =
        new CipherMessage(
                CipherMessage.Kind.BATCH,
                "j",
                0,
                0,
                null,
                null,
                List.of(HYBRID_KEYS.encrypt(new double[] {1}, 1)))
            .toBytes(WireCodec.of(HYBRID));
    assertThatThrownBy(() -> CipherMessage.parse(hybrid, CODEC, 1 << 20))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("ciphertext 0");
    assertThatThrownBy(() -> CipherMessage.parse(ok, WireCodec.of(HYBRID), 1 << 20))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("ciphertext 0: ciphertext: not an engine" + " object");
    assertThatThrownBy(() -> CipherMessage.parse(new byte[3], CODEC, 1 << 20))
        .hasMessageContaining("truncated");
  }

  @Test
  void jobSpecsRoundTripAndBadOnesNameTheField() {
    JobSpec j =
        new JobSpec(
            "breast-1",
            SPEC,
            new HeadShape(4, 8, 4, 2),
            new TrainingConfig(1, 32, 0.1, 0.1, 0.9, 1e-3, 7, 0.1, true),
            2,
            9);
    assertThat(JobSpec.parse(j.toBytes())).isEqualTo(j);
    assertThat(j.parameters().n()).isEqualTo(1024);
    assertThat(j.parameters().keySwitchLayout().isSeal()).isTrue();
    JobSpec h = new JobSpec("breast-2", HYBRID.spec(), j.shape(), j.config(), 2, 9);
    assertThat(JobSpec.parse(h.toBytes())).isEqualTo(h).isNotEqualTo(j);
    assertThat(JobSpec.parse(h.toBytes()).parameters().id()).isEqualTo(HYBRID.id());
    assertThatThrownBy(() -> new JobSpec("no spaces", SPEC, j.shape(), j.config(), 1, 1))
        .hasMessageContaining("job id");
    assertThatThrownBy(
            () ->
                new JobSpec(
                    "j", CkksSpec.ofPrimes(1024, PARAMS.primes()), j.shape(), j.config(), 1, 1))
        .hasMessageContaining("coeff bits");
    assertThatThrownBy(
            () ->
                new JobSpec(
                    "j",
                    new CkksSpec(1024, new int[] {60, 40, 60}, null, 0, 2, true),
                    j.shape(),
                    j.config(),
                    1,
                    1))
        .hasMessageContaining("key switching: 0 digits with 2 special primes");
    byte[] neg = j.toBytes();
    neg[neg.length - 8] = (byte) 0x80;
    assertThatThrownBy(() -> JobSpec.parse(neg))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("steps must be >= 1");
    byte[] penalty = j.toBytes();
    penalty[penalty.length - 21] |=
        (byte) 0x80; // the sign of the range penalty (before balance, micro-batches, steps)
    assertThatThrownBy(() -> JobSpec.parse(penalty))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("range penalty must be finite and at least 0, got -0.1");
    assertThatThrownBy(() -> JobSpec.parse(new byte[JobSpec.MAX_BYTES + 1]))
        .hasMessageContaining("above");
  }
}
