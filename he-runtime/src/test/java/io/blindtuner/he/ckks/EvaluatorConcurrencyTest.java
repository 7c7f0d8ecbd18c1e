package io.blindtuner.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.he.ring.Parallelism;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One Evaluator used by several threads at once (as stage actors on one dispatcher would) gives,
 * bit for bit, what a serial evaluator gives: every operation's scratch memory is its own,
 * whichever threads call.
 */
class EvaluatorConcurrencyTest {
  private static final double SCALE = Math.pow(2, 40);
  private static final int CALLERS = 4;
  private static final int ROUNDS = 6;

  @Test
  void concurrentCallersOfOneEvaluatorGetTheSerialResults() throws Exception {
    CkksTestContext c = new CkksTestContext(CkksSpec.of(8192, 60, 40, 40, 60), 97);
    RelinKeys rk = c.keygen.createRelinKeys();
    GaloisKeys gk = c.keygen.createGaloisKeys(new int[] {1, 3, -2}, false);
    Ciphertext[] a = new Ciphertext[CALLERS];
    Ciphertext[] b = new Ciphertext[CALLERS];
    Ciphertext[][] expected = new Ciphertext[CALLERS][];
    for (int k = 0; k < CALLERS; k++) {
      a[k] = c.encrypt(c.randomValues(1), 2, SCALE);
      b[k] = c.encrypt(c.randomValues(1), 2, SCALE);
      expected[k] = sequence(c.evaluator, a[k], b[k], rk, gk);
    }
    // The callers' own threads plus a shared 2-thread pool for the helpers: operations of different
    // callers
    // overlap, and their parallel tasks run on threads other callers' tasks also use.
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    ExecutorService helpers = Executors.newFixedThreadPool(2);
    try {
      Evaluator shared = new Evaluator(c.params, new Parallelism(helpers::execute, 3));
      List<Future<Ciphertext[]>> results = new ArrayList<>();
      for (int k = 0; k < CALLERS; k++) {
        int kk = k;
        results.add(
            callers.submit(
                () -> {
                  Ciphertext[] last = null;
                  for (int r = 0; r < ROUNDS; r++) {
                    last = sequence(shared, a[kk], b[kk], rk, gk);
                  }
                  return last;
                }));
      }
      for (int k = 0; k < CALLERS; k++) {
        Ciphertext[] got = results.get(k).get();
        for (int i = 0; i < got.length; i++) {
          assertSame(got[i], expected[k][i], "caller " + k + ", result " + i);
        }
      }
    } finally {
      callers.shutdownNow();
      helpers.shutdownNow();
    }
  }

  /**
   * Each kernel path once: relinearize, fused relinearize+rescale, rescale, rotate, hoisted
   * rotations.
   */
  private static Ciphertext[] sequence(
      Evaluator ev, Ciphertext a, Ciphertext b, RelinKeys rk, GaloisKeys gk) {
    Ciphertext prod = ev.multiplyNew(a, b);
    Ciphertext relin = ev.relinearizeNew(prod, rk);
    Ciphertext fused = ev.relinearizeRescaleNew(prod, rk);
    Ciphertext rescaled = ev.rescaleNew(relin);
    Ciphertext rotated = ev.rotateNew(a, 1, gk);
    Ciphertext[] hoisted = ev.rotateHoisted(fused, new int[] {3, -2}, gk);
    return new Ciphertext[] {relin, fused, rescaled, rotated, hoisted[0], hoisted[1]};
  }

  private static void assertSame(Ciphertext got, Ciphertext want, String what) {
    assertThat(got.level()).as(what).isEqualTo(want.level());
    assertThat(got.size()).as(what).isEqualTo(want.size());
    for (int p = 0; p < want.size(); p++) {
      for (int j = 0; j <= want.level(); j++) {
        assertThat(got.poly(p).limb(j))
            .as(what + ", poly " + p + ", limb " + j)
            .isEqualTo(want.poly(p).limb(j));
      }
    }
  }
}
