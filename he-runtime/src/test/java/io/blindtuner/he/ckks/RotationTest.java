package io.blindtuner.he.ckks;

import static io.blindtuner.he.ckks.CkksTestContext.assertPrecision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RotationTest {
  private static final double SCALE = Math.pow(2, 40);

  /** N = 64: 32 slots, so every step is cheap to cover. */
  private static final CkksSpec SMALL = CkksSpec.of(64, 60, 40, 40, 60).asInsecure();

  private static double[] rotated(double[] v, int step) {
    int s = v.length;
    double[] r = new double[s];
    for (int i = 0; i < s; i++) {
      r[i] = v[Math.floorMod(i + step, s)];
    }
    return r;
  }

  /** One key switch per rotation: bound fresh + keySwitch at the ciphertext's level. */
  @Test
  void everyStepWithItsOwnKey() {
    CkksTestContext c = new CkksTestContext(SMALL, 21);
    int slots = c.params.slots();
    int[] steps = new int[2 * slots - 2];
    for (int s = 1; s < slots; s++) {
      steps[2 * (s - 1)] = s;
      steps[2 * (s - 1) + 1] = -s;
    }
    GaloisKeys gk = c.keygen.createGaloisKeys(steps, false);
    assertThat(gk.elements()).hasSize(slots - 1); // -s and slots - s share an element
    double[] v = c.randomValues(1);
    for (int level : new int[] {2, 0}) {
      Ciphertext ct = c.encrypt(v, level, SCALE);
      double bound = c.freshPk(SCALE) + c.keySwitch(level, SCALE);
      for (int step : steps) {
        assertPrecision(
            c.decrypt(c.evaluator.rotateNew(ct, step, gk)),
            rotated(v, step),
            bound,
            "rotate by " + step + " at level " + level);
      }
    }
  }

  /**
   * With SEAL's default keys (powers of two) every step goes through its NAF: one key switch per
   * NAF term.
   */
  @Test
  void everyStepThroughNafOfPowerOfTwoKeys() {
    CkksTestContext c = new CkksTestContext(SMALL, 22);
    int slots = c.params.slots();
    GaloisKeys gk = c.keygen.createGaloisKeys();
    double[] v = c.randomValues(1);
    Ciphertext ct = c.encrypt(v, 2, SCALE);
    for (int step = -(slots - 1); step < slots; step++) {
      int terms = 0;
      for (int t : Evaluator.naf(step)) {
        terms += Math.abs(t) == slots ? 0 : 1;
      }
      double bound = c.freshPk(SCALE) + Math.max(terms, 1) * c.keySwitch(2, SCALE);
      assertPrecision(
          c.decrypt(c.evaluator.rotateNew(ct, step, gk)),
          rotated(v, step),
          bound,
          "rotate by " + step);
    }
    // Steps beyond the slot count wrap around.
    assertPrecision(
        c.decrypt(c.evaluator.rotateNew(ct, slots + 3, gk)),
        rotated(v, 3),
        c.freshPk(SCALE) + 2 * c.keySwitch(2, SCALE),
        "rotate by slots + 3");
  }

  @Test
  void nafMatchesSeal() {
    assertThat(Evaluator.naf(7)).containsExactly(-1, 8);
    assertThat(Evaluator.naf(-7)).containsExactly(1, -8);
    assertThat(Evaluator.naf(12)).containsExactly(-4, 16);
    assertThat(Evaluator.naf(5)).containsExactly(1, 4);
    assertThat(Evaluator.naf(0)).isEmpty();
    for (int v = -300; v <= 300; v++) {
      List<Integer> terms = Evaluator.naf(v);
      assertThat(terms.stream().mapToInt(Integer::intValue).sum()).isEqualTo(v);
      for (int t : terms) {
        assertThat(Integer.bitCount(Math.abs(t))).isEqualTo(1);
      }
    }
  }

  @Test
  void conjugationOfComplexSlots() {
    CkksTestContext c = new CkksTestContext(SMALL, 23);
    GaloisKeys gk = c.keygen.createGaloisKeys(new int[0], true);
    double[] re = c.randomValues(1);
    double[] im = c.randomValues(1);
    Plaintext pt = new Plaintext(c.params, 1, SCALE);
    c.encoder.encode(re, im, 1, SCALE, pt);
    Ciphertext ct = c.encryptor.encryptNew(pt);
    double[][] out =
        c.encoder.decodeComplex(c.decryptor.decryptNew(c.evaluator.conjugateNew(ct, gk)));
    double[] negIm = new double[im.length];
    for (int i = 0; i < im.length; i++) {
      negIm[i] = -im[i];
    }
    double bound = c.freshPk(SCALE) + c.keySwitch(1, SCALE);
    assertPrecision(out[0], re, bound, "conjugate, real part");
    assertPrecision(out[1], negIm, bound, "conjugate, imaginary part");
  }

  /**
   * Hoisted and plain rotations decrypt to the same values (both within one key switch of the
   * truth).
   */
  @Test
  void hoistedRotationsEqualPlainRotations() {
    CkksTestContext c = new CkksTestContext(CkksSpec.of(1024, 60, 40, 40, 60).asInsecure(), 24);
    int[] steps = {1, 2, 5, -3, 0, 100};
    GaloisKeys gk = c.keygen.createGaloisKeys(steps, false);
    double[] v = c.randomValues(1);
    Ciphertext ct = c.encrypt(v, 2, SCALE);
    Ciphertext[] hoisted = c.evaluator.rotateHoisted(ct, steps, gk);
    double bound = c.freshPk(SCALE) + c.keySwitch(2, SCALE);
    for (int i = 0; i < steps.length; i++) {
      double[] expected = rotated(v, steps[i]);
      double[] fromHoisted = c.decrypt(hoisted[i]);
      double[] fromPlain = c.decrypt(c.evaluator.rotateNew(ct, steps[i], gk));
      assertPrecision(fromHoisted, expected, bound, "hoisted rotation by " + steps[i]);
      assertPrecision(
          fromHoisted, fromPlain, 2 * bound, "hoisted vs plain rotation by " + steps[i]);
      assertThat(hoisted[i].level()).isEqualTo(2);
      assertThat(hoisted[i].scale()).isEqualTo(SCALE);
    }
    assertThatThrownBy(() -> c.evaluator.rotateHoisted(ct, new int[] {1, 7}, gk))
        .isInstanceOf(MissingGaloisKeyException.class)
        .hasMessageContaining("step 7");
  }

  /**
   * sumSlots(count): log2(count) rotations and additions; the bound doubles the error at each
   * round.
   */
  @Test
  void sumSlotsOverWindowsAndAll() {
    CkksTestContext c = new CkksTestContext(SMALL, 25);
    GaloisKeys gk = c.keygen.createGaloisKeys();
    int slots = c.params.slots();
    double[] v = c.randomValues(1);
    Ciphertext ct = c.encrypt(v, 2, SCALE);
    for (int count : new int[] {1, 4, slots}) {
      double[] expected = new double[slots];
      for (int i = 0; i < slots; i++) {
        for (int k = 0; k < count; k++) {
          expected[i] += v[(i + k) % slots];
        }
      }
      double bound = c.freshPk(SCALE);
      for (int k = 1; k < count; k <<= 1) {
        bound = 2 * bound + c.keySwitch(2, SCALE);
      }
      assertPrecision(
          c.decrypt(c.evaluator.sumSlotsNew(ct, count, gk)), expected, bound, "sumSlots " + count);
    }
    assertThatThrownBy(() -> c.evaluator.sumSlotsNew(ct, 3, gk))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("power of two");
  }

  @Test
  void missingKeysAreNamed() {
    CkksTestContext c = new CkksTestContext(SMALL, 26);
    GaloisKeys only1 = c.keygen.createGaloisKeys(new int[] {1}, false);
    Ciphertext ct = c.encrypt(c.randomValues(1), 2, SCALE);
    int elt5 = c.params.galoisElement(5);
    assertThatThrownBy(() -> c.evaluator.rotateNew(ct, 5, only1))
        .isInstanceOf(MissingGaloisKeyException.class)
        .hasMessageContaining("step 5")
        .hasMessageContaining("Galois element " + elt5)
        .hasMessageContaining("needs step 4");
    assertThatThrownBy(() -> c.evaluator.rotateNew(ct, 2, only1))
        .isInstanceOf(MissingGaloisKeyException.class)
        .hasMessageContaining("step 2");
    assertThatThrownBy(() -> c.evaluator.conjugateNew(ct, only1))
        .isInstanceOf(MissingGaloisKeyException.class)
        .hasMessageContaining("conjugation")
        .hasMessageContaining(Integer.toString(c.params.conjugationElement()));
    assertThatThrownBy(() -> only1.get(9))
        .isInstanceOf(MissingGaloisKeyException.class)
        .hasMessageContaining("element 9");
    CkksTestContext other = new CkksTestContext(CkksSpec.of(64, 60, 40, 40, 50).asInsecure(), 26);
    assertThatThrownBy(
            () -> c.evaluator.rotateNew(ct, 1, other.keygen.createGaloisKeys(new int[] {1}, false)))
        .isInstanceOf(ParameterMismatchException.class)
        .hasMessageContaining("Galois keys");
  }

  /**
   * A strict evaluator with restricted keys rotates by its steps only: no NAF composition, no other
   * keys.
   */
  @Test
  void strictEvaluatorWithRestrictedKeysRefusesOtherSteps() {
    CkksTestContext c = new CkksTestContext(SMALL, 23);
    GaloisKeys all = c.keygen.createGaloisKeys();
    GaloisKeys mine = all.restrictTo(c.params, 1, 4, 0, -4);
    assertThat(mine.elements())
        .containsExactlyInAnyOrder(
            c.params.galoisElement(1), c.params.galoisElement(4), c.params.galoisElement(-4));
    Evaluator strict = Evaluator.strict(c.params, io.blindtuner.he.ring.Parallelism.SERIAL);
    assertThat(strict.composesRotations()).isFalse();
    double[] v = c.randomValues(1);
    Ciphertext ct = c.encrypt(v, 2, SCALE);
    assertPrecision(
        c.decrypt(strict.rotateNew(ct, 4, mine)),
        rotated(v, 4),
        c.freshPk(SCALE) + c.keySwitch(2, SCALE),
        "strict rotate by 4");
    // 5 = 4 + 1 has both NAF terms keyed: the composing evaluator rotates, the strict one refuses.
    assertPrecision(
        c.decrypt(c.evaluator.rotateNew(ct, 5, mine)),
        rotated(v, 5),
        c.freshPk(SCALE) + 2 * c.keySwitch(2, SCALE),
        "composed rotate by 5");
    assertThatThrownBy(() -> strict.rotateNew(ct, 5, mine))
        .isInstanceOf(MissingGaloisKeyException.class)
        .hasMessageContaining("step 5")
        .hasMessageContaining("strict");
    assertThatThrownBy(() -> mine.restrictTo(c.params, 2))
        .isInstanceOf(MissingGaloisKeyException.class)
        .hasMessageContaining("step 2");
  }
}
