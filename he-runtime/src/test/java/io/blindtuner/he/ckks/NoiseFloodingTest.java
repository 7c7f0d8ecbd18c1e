package io.blindtuner.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Small INSECURE ring (N = 1024) for speed. */
class NoiseFloodingTest {
  static final CkksParameters P =
      CkksParameters.create(CkksSpec.of(1024, 60, 40, 40, 60).asInsecure());

  @Test
  void releasesAreFloodedByTheCalibratedNoiseWithinTheStatedCostAndCounted() {
    KeyGenerator gen = new KeyGenerator(P);
    CkksEncoder enc = new CkksEncoder(P);
    Encryptor encryptor = new Encryptor(P, gen.createPublicKey());
    Decryptor dec = new Decryptor(P, gen.secretKey());
    double[] v = new double[P.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(i);
    }
    Ciphertext ct = encryptor.encryptNew(enc.encode(v, 2, 0x1p40));
    NoiseFlooding flood = new NoiseFlooding(P, dec, enc, 3, new SecureRandom());
    NoiseFlooding.Release a = flood.decrypt(ct);
    NoiseFlooding.Release b = flood.decrypt(ct);
    double[] plain = enc.decode(dec.decryptNew(ct));
    // sigma = B sqrt(Q N): B at least the fresh bound 19
    assertThat(a.noiseBound()).isGreaterThanOrEqualTo(19);
    assertThat(a.sigma()).isEqualTo(a.noiseBound() * Math.sqrt(3.0 * P.n()));
    double sumSq = 0;
    double worst = 0;
    for (int i = 0; i < v.length; i++) {
      double d = a.values()[i] - b.values()[i];
      sumSq += d * d;
      worst = Math.max(worst, Math.abs(a.values()[i] - plain[i]));
    }
    // two independent floodings differ by sqrt(2) valueSigma per slot; 512 slots estimate it within
    // 15%
    double sd = Math.sqrt(sumSq / v.length);
    assertThat(sd)
        .isBetween(0.85 * Math.sqrt(2) * a.valueSigma(), 1.15 * Math.sqrt(2) * a.valueSigma());
    // and a release stays within 6 deviations of the unflooded decryption
    assertThat(worst).isLessThan(6 * a.valueSigma());
    assertThat(a.valueSigma())
        .as("the cost in precision is small against the values")
        .isLessThan(1e-6);
    flood.decrypt(ct);
    assertThat(flood.released()).isEqualTo(3);
    assertThatThrownBy(() -> flood.decrypt(ct))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("released its 3 flooded decryptions");
    // the plain decryption is unchanged by all this
    assertThat(enc.decode(dec.decryptNew(ct))).containsExactly(plain);
  }
}
