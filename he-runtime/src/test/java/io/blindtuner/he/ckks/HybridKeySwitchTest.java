package io.blindtuner.he.ckks;

import static io.blindtuner.he.ckks.CkksTestContext.assertPrecision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HybridKeySwitchTest {
  private static final double SCALE = Math.pow(2, 40);

  /** Five data primes (L = 4) and SEAL's one special prime; N = 256 keeps key generation cheap. */
  private static final CkksSpec SEAL = CkksSpec.of(256, 50, 40, 40, 40, 40, 60).asInsecure();

  private static final int[] LEVELS = {4, 2, 1, 0};
  private static final int[] STEPS = {1, -3};

  /**
   * Digit counts from one per data prime (SEAL-like) to one in all, P about as wide as the widest
   * digit.
   */
  static Stream<Arguments> layouts() {
    return Stream.of(
        Arguments.of(5, new int[] {60}),
        Arguments.of(3, new int[] {50, 50}),
        Arguments.of(2, new int[] {60, 60}),
        Arguments.of(1, new int[] {60, 60, 60, 50}));
  }

  private static double[] rotated(double[] v, int step) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = v[Math.floorMod(i + step, v.length)];
    }
    return r;
  }

  private static double[] product(double[] x, double[] y) {
    double[] p = new double[x.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = x[i] * y[i];
    }
    return p;
  }

  /** The results of one context's key switches at one level. */
  private record Results(
      double[] relin,
      double[] fused,
      double[][] rotations,
      double[][] hoisted,
      double[] conjugate) {}

  /** 2^40, or at level 0 (one 50-bit prime) 2^20 so that a product's scale fits. */
  private static double scaleAt(int level) {
    return level == 0 ? Math.pow(2, 20) : SCALE;
  }

  private static Results run(
      CkksTestContext c, RelinKeys rk, GaloisKeys gk, double[] x, double[] y, int level) {
    Evaluator ev = c.evaluator;
    Ciphertext a = c.encrypt(x, level, scaleAt(level));
    Ciphertext b = c.encrypt(y, level, scaleAt(level));
    double[] relin = c.decrypt(ev.relinearizeNew(ev.multiplyNew(a, b), rk));
    double[] fused = level == 0 ? null : c.decrypt(ev.multiplyRelinRescaleNew(a, b, rk));
    double[][] rotations = new double[STEPS.length][];
    for (int i = 0; i < STEPS.length; i++) {
      rotations[i] = c.decrypt(ev.rotateNew(a, STEPS[i], gk));
    }
    Ciphertext[] h = ev.rotateHoisted(a, STEPS, gk);
    double[][] hoisted = new double[STEPS.length][];
    for (int i = 0; i < STEPS.length; i++) {
      hoisted[i] = c.decrypt(h[i]);
    }
    return new Results(relin, fused, rotations, hoisted, c.decrypt(ev.conjugateNew(a, gk)));
  }

  /**
   * Relinearization (alone and fused with the rescale), rotations (direct and hoisted) and
   * conjugation with hybrid keys decrypt within the derived bound of the exact values, and so
   * within the sum of both bounds of what the same operations give in SEAL's layout, at every level
   * down to 0 (real inputs: conjugation is the identity).
   */
  @ParameterizedTest(name = "dnum={0}, special bits {1}")
  @MethodSource("layouts")
  void hybridKeysGiveTheValuesOfSealLayoutKeys(int digits, int[] specialBits) {
    CkksTestContext seal = new CkksTestContext(SEAL, 41);
    CkksTestContext hybrid = new CkksTestContext(SEAL.withKeySwitching(digits, specialBits), 42);
    assertThat(hybrid.params.keySwitchLayout().isSeal()).isFalse();
    assertThat(hybrid.params.keySwitchLayout().digitCount()).isEqualTo(digits);
    assertThat(hybrid.params.maxLevel()).isEqualTo(seal.params.maxLevel());
    RelinKeys sealRk = seal.keygen.createRelinKeys();
    GaloisKeys sealGk = seal.keygen.createGaloisKeys(STEPS, true);
    RelinKeys rk = hybrid.keygen.createRelinKeys();
    GaloisKeys gk = hybrid.keygen.createGaloisKeys(STEPS, true);
    assertThat(rk.key().digitCount()).isEqualTo(digits);
    double[] x = seal.randomValues(1);
    double[] y = seal.randomValues(1);
    double[] xy = product(x, y);
    for (int level : LEVELS) {
      Results s = run(seal, sealRk, sealGk, x, y, level);
      Results h = run(hybrid, rk, gk, x, y, level);
      double scale = scaleAt(level);
      double fresh = hybrid.freshPk(scale);
      double productNoise = 2 * fresh + fresh * fresh;
      double hybridRelin = productNoise + hybrid.keySwitch(level, scale * scale);
      double sealRelin = productNoise + seal.keySwitch(level, scale * scale);
      String at = " at level " + level + " with " + hybrid.params.keySwitchLayout();
      assertPrecision(h.relin(), xy, hybridRelin, "hybrid relinearize" + at);
      assertPrecision(
          h.relin(), s.relin(), hybridRelin + sealRelin, "hybrid vs SEAL-layout relinearize" + at);
      if (level > 0) {
        // The fused division by P*q_level rounds by converting from k+1 primes: variance (k+1)/12.
        double newScale = scale * scale / hybrid.params.prime(level);
        double rescale = Math.sqrt(specialBits.length + 1) * hybrid.rescale(newScale);
        assertPrecision(h.fused(), xy, hybridRelin + rescale, "hybrid multiplyRelinRescale" + at);
        assertPrecision(
            h.fused(),
            s.fused(),
            hybridRelin + sealRelin + rescale + seal.rescale(newScale),
            "hybrid vs SEAL-layout multiplyRelinRescale" + at);
      }
      double hybridRot = fresh + hybrid.keySwitch(level, scale);
      double sealRot = seal.freshPk(scale) + seal.keySwitch(level, scale);
      for (int i = 0; i < STEPS.length; i++) {
        double[] expected = rotated(x, STEPS[i]);
        assertPrecision(h.rotations()[i], expected, hybridRot, "hybrid rotate by " + STEPS[i] + at);
        assertPrecision(
            h.hoisted()[i], expected, hybridRot, "hybrid hoisted rotate by " + STEPS[i] + at);
        assertPrecision(
            h.rotations()[i],
            s.rotations()[i],
            hybridRot + sealRot,
            "hybrid vs SEAL-layout rotate by " + STEPS[i] + at);
      }
      assertPrecision(h.conjugate(), x, hybridRot, "hybrid conjugate" + at);
      assertPrecision(
          h.conjugate(),
          s.conjugate(),
          hybridRot + sealRot,
          "hybrid vs SEAL-layout conjugate" + at);
    }
  }

  @Test
  void keysOfAnotherLayoutAreRefusedNamingBothLayouts() {
    CkksTestContext seal = new CkksTestContext(SEAL, 43);
    CkksTestContext hybrid = new CkksTestContext(SEAL.withKeySwitching(3, 50, 50), 44);
    RelinKeys sealRk = seal.keygen.createRelinKeys();
    GaloisKeys sealGk = seal.keygen.createGaloisKeys(STEPS, true);
    RelinKeys hybridRk = hybrid.keygen.createRelinKeys();
    GaloisKeys hybridGk = hybrid.keygen.createGaloisKeys(STEPS, true);
    double[] x = seal.randomValues(1);
    Ciphertext h = hybrid.encrypt(x, 4, SCALE);
    Ciphertext h3 = hybrid.evaluator.multiplyNew(h, h);
    Ciphertext s = seal.encrypt(x, 4, SCALE);
    Ciphertext s3 = seal.evaluator.multiplyNew(s, s);
    String layouts = "are in the key-switching layout SEAL[";
    assertThatThrownBy(() -> hybrid.evaluator.relinearizeNew(h3, sealRk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relinearize: relinearization keys " + layouts)
        .hasMessageContaining("hybrid[");
    assertThatThrownBy(() -> hybrid.evaluator.relinearizeRescaleNew(h3, sealRk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(layouts);
    assertThatThrownBy(() -> hybrid.evaluator.rotateNew(h, 1, sealGk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rotate: Galois keys " + layouts);
    assertThatThrownBy(() -> hybrid.evaluator.conjugateNew(h, sealGk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conjugate: Galois keys " + layouts);
    assertThatThrownBy(() -> hybrid.evaluator.rotateHoisted(h, STEPS, sealGk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(layouts);
    assertThatThrownBy(() -> seal.evaluator.relinearizeNew(s3, hybridRk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "relinearization keys are in the key-switching layout hybrid[digits=q0,q1..q2,q3..q4,"
                + " special primes=2], but these parameters switch keys in SEAL[");
    assertThatThrownBy(() -> seal.evaluator.rotateNew(s, 1, hybridGk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Galois keys are in the key-switching layout hybrid[");
  }
}
