package io.blindtuner.he.ckks;

import static io.blindtuner.he.ckks.CkksTestContext.assertPrecision;
import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.he.ring.Parallelism;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The real 128-bit-secure sets of the benchmarks: N = 8192 [60,40,40,60] and N = 16384
 * [60,40x6,60].
 */
class SecureParametersTest {
  private static final double SCALE = Math.pow(2, 40);

  @Test
  void n8192MultiplyRelinearizeRescaleRotate() {
    CkksTestContext c = new CkksTestContext(CkksSpec.of(8192, 60, 40, 40, 60), 81);
    assertThat(c.params.isInsecure()).isFalse();
    RelinKeys rk = c.keygen.createRelinKeys();
    GaloisKeys gk = c.keygen.createGaloisKeys(new int[] {1, -1}, false);
    double[] x = c.randomValues(1);
    double[] y = c.randomValues(1);
    Ciphertext a = c.encrypt(x, 2, SCALE);
    Ciphertext b = c.encrypt(y, 2, SCALE);
    double e = c.freshPk(SCALE);
    Ciphertext m =
        c.evaluator.rescaleNew(c.evaluator.relinearizeNew(c.evaluator.multiplyNew(a, b), rk));
    double[] prod = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      prod[i] = x[i] * y[i];
    }
    double bound = 2 * e + e * e + c.keySwitch(2, SCALE * SCALE) + c.rescale(m.scale());
    assertPrecision(c.decrypt(m), prod, bound, "N=8192 multiply+relinearize+rescale");
    double[] rot = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      rot[i] = x[(i + x.length - 1) % x.length];
    }
    assertPrecision(
        c.decrypt(c.evaluator.rotateNew(a, -1, gk)),
        rot,
        e + c.keySwitch(2, SCALE),
        "N=8192 rotate by -1");
    assertThat(CkksTestContext.log2(bound)).isLessThan(-20);
  }

  /**
   * Same results with two threads over the limbs (each op is deterministic given its inputs and
   * keys).
   */
  @Test
  void n16384DepthAndParallelEvaluatorAgree() {
    CkksTestContext c =
        new CkksTestContext(CkksSpec.of(16384, 60, 40, 40, 40, 40, 40, 40, 60), 163);
    RelinKeys rk = c.keygen.createRelinKeys();
    GaloisKeys gk = c.keygen.createGaloisKeys(new int[] {1}, false);
    double[] x = c.randomValues(1);
    Ciphertext a = c.encrypt(x, c.params.maxLevel(), SCALE);
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try {
      Evaluator parallel = new Evaluator(c.params, new Parallelism(pool, 2));
      Ciphertext serialOut = a;
      Ciphertext parallelOut = a;
      double bound = c.freshPk(SCALE);
      double[] expected = x.clone();
      for (int d = 0; d < 3; d++) {
        int level = serialOut.level();
        serialOut =
            c.evaluator.rescaleNew(
                c.evaluator.relinearizeNew(c.evaluator.squareNew(serialOut), rk));
        parallelOut =
            parallel.rescaleNew(parallel.relinearizeNew(parallel.squareNew(parallelOut), rk));
        bound =
            2 * bound
                + bound * bound
                + c.keySwitch(level, SCALE * SCALE)
                + c.rescale(serialOut.scale());
        for (int i = 0; i < x.length; i++) {
          expected[i] *= expected[i];
        }
      }
      for (int p = 0; p < 2; p++) {
        for (int j = 0; j <= serialOut.level(); j++) {
          assertThat(parallelOut.poly(p).limb(j)).isEqualTo(serialOut.poly(p).limb(j));
        }
      }
      assertPrecision(c.decrypt(serialOut), expected, bound, "N=16384 squaring depth 3");
      Ciphertext rs = c.evaluator.rotateNew(serialOut, 1, gk);
      Ciphertext rp = parallel.rotateNew(serialOut, 1, gk);
      assertThat(rp.poly(1).limb(0)).isEqualTo(rs.poly(1).limb(0));
      double[] rot = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        rot[i] = expected[(i + 1) % x.length];
      }
      assertPrecision(
          c.decrypt(rs), rot, bound + c.keySwitch(rs.level(), rs.scale()), "N=16384 rotate by 1");
    } finally {
      pool.shutdownNow();
    }
  }
}
