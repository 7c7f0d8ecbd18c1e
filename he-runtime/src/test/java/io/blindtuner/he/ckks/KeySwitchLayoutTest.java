package io.blindtuner.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeySwitchLayoutTest {
  /**
   * The training set: N=16384, data primes [60, 40x6] and SEAL's 60-bit special prime (log2 QP =
   * 360).
   */
  private static final CkksSpec TRAINING = CkksSpec.of(16384, 60, 40, 40, 40, 40, 40, 40, 60);

  /** The same primes pattern at N=1024 (insecure): NTT counts and key shapes do not depend on N. */
  private static final CkksSpec SMALL =
      CkksSpec.of(1024, 60, 40, 40, 40, 40, 40, 40, 60).asInsecure();

  @Test
  void sealLayoutIsTheDefaultAndHybridGroupsConsecutivePrimesWiderLast() {
    CkksParameters seal = CkksParameters.create(TRAINING);
    assertThat(seal.keySwitchLayout().isSeal()).isTrue();
    assertThat(seal.keySwitchLayout().digitCount()).isEqualTo(7);
    assertThat(seal.keySwitchLayout().specialPrimeCount()).isEqualTo(1);

    CkksParameters hybrid = CkksParameters.create(TRAINING.withKeySwitching(3, 60, 60));
    KeySwitchLayout l = hybrid.keySwitchLayout();
    assertThat(l.isSeal()).isFalse();
    assertThat(l.toString()).isEqualTo("hybrid[digits=q0..q1,q2..q3,q4..q6, special primes=2]");
    assertThat(hybrid.maxLevel()).isEqualTo(6);
    assertThat(hybrid.keyLimbCount()).isEqualTo(9);
    assertThat(hybrid.specialIndex()).isEqualTo(7);
    assertThat(l.digitsAt(6)).isEqualTo(3);
    assertThat(l.digitsAt(3)).isEqualTo(2);
    assertThat(l.digitsAt(0)).isEqualTo(1);
    // Same data primes as SEAL's layout except where CoeffModulus's per-size order differs; the id
    // tells the
    // layouts apart even for equal primes.
    assertThat(CkksParameters.create(TRAINING.withKeySwitching(7, 60)).id())
        .isNotEqualTo(seal.id());
    assertThat(CkksParameters.create(TRAINING.withKeySwitching(7, 60)).primes())
        .isEqualTo(seal.primes());
  }

  @Test
  void theSecurityBoundCountsEverySpecialPrime() {
    // 300 data bits + 120 special bits = 420 <= 438 (N = 16384).
    assertThat(CkksParameters.create(TRAINING.withKeySwitching(3, 60, 60)).totalBits())
        .isEqualTo(420);
    // 300 + 3 * 46 = 438: exactly the bound.
    assertThat(CkksParameters.create(TRAINING.withKeySwitching(3, 46, 46, 46)).totalBits())
        .isEqualTo(438);
    // 300 + 180 = 480 > 438.
    assertThatThrownBy(() -> CkksParameters.create(TRAINING.withKeySwitching(2, 60, 60, 60)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("log2(QP) = 480 exceeds the HE-standard 128-bit bound 438");
    assertThat(
            CkksParameters.create(TRAINING.withKeySwitching(2, 60, 60, 60).asInsecure())
                .totalBits())
        .isEqualTo(480);
  }

  @Test
  void invalidLayoutsAreRefused() {
    assertThatThrownBy(() -> CkksParameters.create(TRAINING.withKeySwitching(8, 60)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("between 1 and 7 digits");
    assertThatThrownBy(() -> TRAINING.withKeySwitching(0, 60))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("at least one digit and one special prime");
    assertThatThrownBy(() -> TRAINING.withKeySwitching(3))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("at least one digit and one special prime");
    assertThatThrownBy(() -> CkksSpec.ofPrimes(1024, 12289, 40961).withKeySwitching(1, 30))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("not explicit primes");
    assertThatThrownBy(
            () ->
                CkksParameters.create(new CkksSpec(1024, new int[] {40, 40, 40}, null, 0, 2, true)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("SEAL's key-switching layout has one special prime");
    assertThatThrownBy(
            () -> CkksParameters.create(new CkksSpec(1024, new int[] {40, 40}, null, 1, 2, true)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("at least one data prime and one special prime");
  }

  private static long ntts(CkksParameters p) {
    long count = 0;
    for (int i = 0; i < p.keyLimbCount(); i++) {
      count += p.nttTables(i).transformCount();
    }
    return count;
  }

  /**
   * NTTs of one rotation and of one fused relinearize+rescale at a level, counted on the tables.
   */
  private static long[] countNtts(CkksParameters p, int level) {
    KeyGenerator keygen = new KeyGenerator(p);
    GaloisKeys gk = keygen.createGaloisKeys(new int[] {1}, false);
    RelinKeys rk = keygen.createRelinKeys();
    Evaluator ev = new Evaluator(p);
    Encryptor enc = new Encryptor(p, keygen.secretKey());
    Ciphertext ct = new Ciphertext(p);
    enc.encryptSymmetric(new CkksEncoder(p).encode(new double[] {0.5}, level, 1 << 20), ct);
    Ciphertext product = ev.multiplyNew(ct, ct);
    long before = ntts(p);
    ev.rotateNew(ct, 1, gk);
    long rotate = ntts(p) - before;
    before = ntts(p);
    if (level > 0) {
      ev.relinearizeRescaleNew(product, rk);
    }
    return new long[] {rotate, ntts(p) - before, gk.get(p.galoisElement(1)).sizeBytes()};
  }

  /**
   * At the top level (6): SEAL's layout needs 7 inverse NTTs, 7*7 for the digits' extensions and 2
   * + 2*7 for the mod-down (72); three digits and two special primes need 7 + (7 + 7 + 6) + 4 + 14
   * = 45, and the fused rescale costs no more (it drops q_6 with P: 27 + 6 + 12). Key size: digits
   * * 2 * key-level limbs * N * 8 bytes.
   */
  @Test
  void nttsPerKeySwitchAndKeySizesAreCounted() {
    long n = 1024;
    long[] seal = countNtts(CkksParameters.create(SMALL), 6);
    assertThat(seal).containsExactly(72, 72, 7 * 2 * 8 * n * 8);
    long[] sealLike = countNtts(CkksParameters.create(SMALL.withKeySwitching(7, 60)), 6);
    assertThat(sealLike).containsExactly(72, 72, 7 * 2 * 8 * n * 8);
    long[] three = countNtts(CkksParameters.create(SMALL.withKeySwitching(3, 60, 60)), 6);
    assertThat(three).containsExactly(45, 45, 3 * 2 * 9 * n * 8);
    long[] four = countNtts(CkksParameters.create(SMALL.withKeySwitching(4, 60, 60)), 6);
    assertThat(four).containsExactly(54, 54, 4 * 2 * 9 * n * 8);
    // At level 0 one digit is left: SEAL 1 + 1 + 2 + 2 = 6; hybrid 1 + 2 + 4 + 2 = 9.
    assertThat(countNtts(CkksParameters.create(SMALL), 0)[0]).isEqualTo(6);
    assertThat(countNtts(CkksParameters.create(SMALL.withKeySwitching(3, 60, 60)), 0)[0])
        .isEqualTo(9);
  }
}
