package io.blindtuner.he.ckks;

import static io.blindtuner.he.ckks.CkksTestContext.assertPrecision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EvaluatorTest {
  private static final double SCALE = Math.pow(2, 40);

  private static CkksTestContext context(int n, long seed) {
    return new CkksTestContext(CkksSpec.of(n, 60, 40, 40, 60).asInsecure(), seed);
  }

  /**
   * Linear ops add errors: the bound is the sum of the operands' fresh bounds (plaintexts: encoding
   * only).
   */
  @ParameterizedTest
  @CsvSource({"64, 2", "1024, 2", "1024, 0", "4096, 1"})
  void additiveOpsAtSeveralSizesAndLevels(int n, int level) {
    CkksTestContext c = context(n, n + level);
    Evaluator ev = c.evaluator;
    double[] x = c.randomValues(1);
    double[] y = c.randomValues(1);
    Ciphertext a = c.encrypt(x, level, SCALE);
    Ciphertext b = c.encrypt(y, level, SCALE);
    double fresh = c.freshPk(SCALE);
    double enc = c.slotBound(c.encodingVar()) / SCALE;
    double[] sum = new double[x.length];
    double[] diff = new double[x.length];
    double[] neg = new double[x.length];
    double[] shifted = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      sum[i] = x[i] + y[i];
      diff[i] = x[i] - y[i];
      neg[i] = -x[i];
      shifted[i] = x[i] + 0.3125;
    }
    assertPrecision(c.decrypt(ev.addNew(a, b)), sum, 2 * fresh, "add");
    assertPrecision(c.decrypt(ev.subNew(a, b)), diff, 2 * fresh, "sub");
    assertPrecision(c.decrypt(ev.negateNew(a)), neg, fresh, "negate");
    Plaintext py = c.encoder.encode(y, level, SCALE);
    assertPrecision(c.decrypt(ev.addPlainNew(a, py)), sum, fresh + enc, "addPlain");
    assertPrecision(c.decrypt(ev.subPlainNew(a, py)), diff, fresh + enc, "subPlain");
    assertPrecision(c.decrypt(ev.addScalarNew(a, 0.3125)), shifted, fresh + 1 / SCALE, "addScalar");
    // In place: out is an operand.
    Ciphertext acc = a.copy();
    ev.add(acc, b, acc);
    assertPrecision(c.decrypt(acc), sum, 2 * fresh, "add in place");
  }

  /** multiplyPlain: error |x|*E_plain + |y|*E_fresh; rescale adds its rounding at the new scale. */
  @ParameterizedTest
  @CsvSource({"64", "1024", "4096"})
  void multiplyPlainAndScalarThenRescale(int n) {
    CkksTestContext c = context(n, n);
    Evaluator ev = c.evaluator;
    double[] x = c.randomValues(1);
    double[] y = c.randomValues(1);
    Ciphertext a = c.encrypt(x, 2, SCALE);
    Plaintext py = c.encoder.encode(y, 2, SCALE);
    double[] prod = new double[x.length];
    double[] scaled = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      prod[i] = x[i] * y[i];
      scaled[i] = x[i] * -1.75;
    }
    double enc = c.slotBound(c.encodingVar()) / SCALE;
    Ciphertext m = ev.multiplyPlainNew(a, py);
    assertThat(m.scale()).isEqualTo(SCALE * SCALE);
    double bound = enc + c.freshPk(SCALE) + enc * c.freshPk(SCALE);
    assertPrecision(c.decrypt(m), prod, bound, "multiplyPlain");
    Ciphertext r = ev.rescaleNew(m);
    assertThat(r.level()).isEqualTo(1);
    assertThat(r.scale()).isEqualTo(SCALE * SCALE / c.params.prime(2));
    assertPrecision(c.decrypt(r), prod, bound + c.rescale(r.scale()), "multiplyPlain + rescale");
    Ciphertext s = ev.multiplyScalarNew(a, -1.75, c.params.prime(2));
    Ciphertext sr = ev.rescaleNew(s);
    assertThat(sr.scale()).isCloseTo(SCALE, org.assertj.core.api.Assertions.withinPercentage(1e-9));
    assertPrecision(
        c.decrypt(sr),
        scaled,
        1.75 * c.freshPk(SCALE) + c.rescale(SCALE) + 1.0 / c.params.prime(2),
        "multiplyScalar + rescale");
  }

  /**
   * multiply: |x|E_y + |y|E_x + E_x E_y, relinearization adds one key switch at scale^2, then
   * rescale.
   */
  @ParameterizedTest
  @CsvSource({"64, 2", "1024, 2", "4096, 2", "1024, 1"})
  void multiplyRelinearizeRescaleAndSquare(int n, int level) {
    CkksTestContext c = context(n, 7 * n + level);
    Evaluator ev = c.evaluator;
    RelinKeys rk = c.keygen.createRelinKeys();
    double[] x = c.randomValues(1);
    double[] y = c.randomValues(1);
    Ciphertext a = c.encrypt(x, level, SCALE);
    Ciphertext b = c.encrypt(y, level, SCALE);
    double[] prod = new double[x.length];
    double[] sq = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      prod[i] = x[i] * y[i];
      sq[i] = x[i] * x[i];
    }
    double e = c.freshPk(SCALE);
    double productBound = 2 * e + e * e;
    Ciphertext m = ev.multiplyNew(a, b);
    assertThat(m.size()).isEqualTo(3);
    assertPrecision(c.decrypt(m), prod, productBound, "multiply (size 3)");
    Ciphertext r = ev.relinearizeNew(m, rk);
    assertThat(r.size()).isEqualTo(2);
    double relinBound = productBound + c.keySwitch(level, SCALE * SCALE);
    assertPrecision(c.decrypt(r), prod, relinBound, "relinearize");
    Ciphertext rs = ev.rescaleNew(r);
    assertPrecision(
        c.decrypt(rs),
        prod,
        relinBound + c.rescale(rs.scale()),
        "multiply + relinearize + rescale");
    Ciphertext s = ev.squareNew(a);
    ev.relinearize(s, rk, s);
    ev.rescale(s, s);
    assertPrecision(
        c.decrypt(s),
        sq,
        relinBound + c.rescale(s.scale()),
        "square + relinearize + rescale in place");
    if (level > 0) {
      // Fused: one rounding by P*q_level; the key-switch noise is divided by q_level as well.
      Ciphertext fused = ev.multiplyRelinRescaleNew(a, b, rk);
      assertThat(fused.level()).isEqualTo(level - 1);
      assertThat(fused.size()).isEqualTo(2);
      assertThat(fused.scale()).isEqualTo(rs.scale());
      assertPrecision(
          c.decrypt(fused), prod, relinBound + c.rescale(fused.scale()), "multiplyRelinRescale");
      Ciphertext inPlace = ev.squareNew(a);
      ev.relinearizeRescale(inPlace, rk, inPlace);
      assertPrecision(
          c.decrypt(inPlace),
          sq,
          relinBound + c.rescale(inPlace.scale()),
          "relinearizeRescale in place");
    }
  }

  /**
   * Repeated squaring down to level 0 on 7 data primes. Error recursion with |x_k| &le; 1: E_{k+1}
   * = 2 E_k + E_k^2 + keySwitch + rescale.
   */
  @Test
  void squaringChainToMaximumDepth() {
    CkksTestContext c =
        new CkksTestContext(CkksSpec.of(2048, 60, 40, 40, 40, 40, 40, 40, 60).asInsecure(), 11);
    Evaluator ev = c.evaluator;
    RelinKeys rk = c.keygen.createRelinKeys();
    double[] x = c.randomValues(1);
    Ciphertext ct = c.encrypt(x, c.params.maxLevel(), SCALE);
    double bound = c.freshPk(SCALE);
    int depth = 0;
    while (ct.level() > 0) {
      ev.square(ct, ct);
      ev.relinearize(ct, rk, ct);
      bound = 2 * bound + bound * bound + c.keySwitch(ct.level(), ct.scale());
      ev.rescale(ct, ct);
      bound += c.rescale(ct.scale());
      for (int i = 0; i < x.length; i++) {
        x[i] = x[i] * x[i];
      }
      depth++;
      assertPrecision(c.decrypt(ct), x, bound, "squaring depth " + depth);
    }
    assertThat(depth).isEqualTo(c.params.maxLevel());
    assertThat(CkksTestContext.log2(bound)).as("precision left after full depth").isLessThan(-18);
  }

  @Test
  void modSwitchKeepsValuesAndMatchesLevels() {
    CkksTestContext c = context(1024, 5);
    Evaluator ev = c.evaluator;
    double[] x = c.randomValues(1);
    double[] y = c.randomValues(1);
    Ciphertext a = c.encrypt(x, 2, SCALE);
    Ciphertext b = c.encrypt(y, 1, SCALE);
    Ciphertext a0 = ev.modSwitchToNew(a, 0);
    assertThat(a0.level()).isEqualTo(0);
    assertThat(a0.scale()).isEqualTo(SCALE);
    assertPrecision(c.decrypt(a0), x, c.freshPk(SCALE), "modSwitchTo 0");
    Ciphertext next = new Ciphertext(c.params);
    ev.modSwitchToNext(a, next);
    assertThat(next.level()).isEqualTo(1);
    ev.matchLevels(a, b);
    assertThat(a.level()).isEqualTo(1);
    double[] sum = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      sum[i] = x[i] + y[i];
    }
    assertPrecision(c.decrypt(ev.addNew(a, b)), sum, 2 * c.freshPk(SCALE), "add after matchLevels");
    Plaintext p = ev.modSwitchToNew(c.encoder.encode(y, 2, SCALE), 0);
    assertThat(p.level()).isEqualTo(0);
    assertThatThrownBy(() -> ev.modSwitchToNext(a0, next))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("level 0");
    assertThatThrownBy(() -> ev.modSwitchToNew(a0, 1))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("from level 0 to level 1");
  }

  @Test
  void copyAtLevelIsModSwitchWithoutAnEvaluatorAndLeavesTheSourceAlone() {
    CkksTestContext c = context(1024, 6);
    double[] x = c.randomValues(1);
    Ciphertext a = c.encrypt(x, 2, SCALE);
    Ciphertext low = a.copyAtLevel(0);
    Ciphertext expected = c.evaluator.modSwitchToNew(a, 0);
    assertThat(low.level()).isZero();
    assertThat(low.scale()).isEqualTo(a.scale());
    for (int p = 0; p < 2; p++) {
      assertThat(low.poly(p).limb(0)).isEqualTo(expected.poly(p).limb(0));
    }
    // the same integer decrypted from fewer primes: the same values, bit for bit
    assertThat(c.decrypt(low)).isEqualTo(c.decrypt(a));
    assertThat(a.level()).isEqualTo(2);
    low.poly(0).limb(0)[0] ^= 1;
    assertThat(a.poly(0).limb(0)[0]).isEqualTo(expected.poly(0).limb(0)[0]);
    assertThatThrownBy(() -> low.copyAtLevel(1))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("at level 0 to level 1");
  }

  /**
   * A NaN scale compares false with everything, so a scale check written as "differs by more than"
   * lets it pass.
   */
  @Test
  void nonFiniteScalesAreRefusedNotSilentlyAccepted() {
    CkksTestContext c = context(64, 3);
    Evaluator ev = c.evaluator;
    Ciphertext a = c.encrypt(c.randomValues(1), 2, SCALE);
    Plaintext p = c.encoder.encode(new double[] {1}, 2, SCALE);
    assertThatThrownBy(() -> p.setScale(Double.NaN)).isInstanceOf(HeException.class);
    assertThatThrownBy(() -> new Plaintext(c.params, 0, Double.NaN))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("scale must be finite and positive");
    assertThatThrownBy(() -> new Ciphertext(c.params, 2, 0, Double.NaN))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("scale must be finite and positive");
    assertThatThrownBy(() -> new Ciphertext(c.params, 2, 0, -SCALE))
        .isInstanceOf(HeException.class);
    assertThatThrownBy(
            () ->
                SeededCiphertext.expand(
                    c.params,
                    new long[][] {new long[64]},
                    0,
                    Double.POSITIVE_INFINITY,
                    new byte[io.blindtuner.he.ring.Csprng.SEED_BYTES],
                    io.blindtuner.he.ring.Csprng.AES_CTR))
        .isInstanceOf(HeException.class);
  }

  @Test
  void invalidOperandsRaiseNamedErrors() {
    CkksTestContext c = context(64, 1);
    CkksTestContext other = new CkksTestContext(CkksSpec.of(64, 60, 40, 40, 50).asInsecure(), 1);
    Evaluator ev = c.evaluator;
    Ciphertext a = c.encrypt(c.randomValues(1), 2, SCALE);
    Ciphertext b1 = c.encrypt(c.randomValues(1), 1, SCALE);
    Ciphertext bScale = c.encrypt(c.randomValues(1), 2, SCALE * 2);
    Ciphertext foreign = other.encrypt(other.randomValues(1), 2, SCALE);
    RelinKeys rk = c.keygen.createRelinKeys();

    assertThatThrownBy(() -> ev.add(a, b1, a))
        .isInstanceOf(LevelException.class)
        .hasMessage("add: level mismatch: a at level 2, b at level 1");
    assertThatThrownBy(() -> ev.sub(a, bScale, a))
        .isInstanceOf(ScaleException.class)
        .hasMessageContaining("sub: scale mismatch: a has scale");
    assertThatThrownBy(() -> ev.addNew(a, foreign))
        .isInstanceOf(ParameterMismatchException.class)
        .hasMessageContaining("add: b belongs to parameter set");
    assertThatThrownBy(() -> ev.multiplyNew(a, b1))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("multiply: level mismatch");
    Ciphertext three = ev.multiplyNew(a, a);
    assertThatThrownBy(() -> ev.multiplyNew(three, a))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("multiply: a has size 3");
    assertThatThrownBy(() -> ev.relinearizeNew(three, other.keygen.createRelinKeys()))
        .isInstanceOf(ParameterMismatchException.class)
        .hasMessageContaining("relinearization keys");
    Ciphertext low = ev.modSwitchToNew(a, 0);
    assertThatThrownBy(() -> ev.rescaleNew(low))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("rescale: a is at level 0");
    // Scale 2^40 * 2^40 at level 0 (60 bits) does not fit.
    assertThatThrownBy(() -> ev.multiplyNew(low, low))
        .isInstanceOf(ScaleException.class)
        .hasMessageContaining("does not fit level 0");
    Plaintext lowPlain = c.encoder.encode(new double[] {1}, 1, SCALE);
    assertThatThrownBy(() -> ev.multiplyPlainNew(a, lowPlain))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("plaintext at lower level 1");
    Plaintext wrongScale = c.encoder.encode(new double[] {1}, 2, SCALE * 4);
    assertThatThrownBy(() -> ev.addPlainNew(a, wrongScale))
        .isInstanceOf(ScaleException.class)
        .hasMessageContaining("plaintext has scale");
    assertThatThrownBy(() -> ev.addScalarNew(a, Double.NaN)).isInstanceOf(HeException.class);
    assertThatThrownBy(
            () -> ev.rotateNew(three, 1, c.keygen.createGaloisKeys(new int[] {1}, false)))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("rotate: a has size 3");
    assertThatThrownBy(() -> a.setScale(Double.NaN)).isInstanceOf(HeException.class);
    assertThatThrownBy(() -> new Ciphertext(c.params, 4, 0, 1))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("size must be 2 or 3");
    assertThat(ev.relinearizeNew(a, rk).size()).isEqualTo(2);
    assertThatThrownBy(() -> ev.relinearizeRescaleNew(a, rk))
        .isInstanceOf(HeException.class)
        .hasMessageContaining("relinearizeRescale: a has size 2, expected 3");
    Ciphertext threeLow = ev.multiplyNew(ev.modSwitchToNew(a, 1), ev.modSwitchToNew(a, 1));
    Ciphertext threeZero = new Ciphertext(c.params, 3, 0, SCALE);
    assertThat(threeLow.level()).isEqualTo(1);
    assertThatThrownBy(() -> ev.relinearizeRescaleNew(threeZero, rk))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("level 0");
  }
}
