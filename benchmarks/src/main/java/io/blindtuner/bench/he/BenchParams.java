package io.blindtuner.bench.he;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameter sets of the benchmark, shared by the JMH suite and {@link HeVsSealRunner}
 * (and mirrored in bench/node/seal-bench.js): N=8192 with primes [60,40,40,60] and N=16384 with
 * [60,40x6,60], scale 2^40. Both are within the HE-standard 128-bit bound (log2 QP = 200 and 360
 * against 218 and 438).
 *
 * <p>The training path (keys our own clients make, so no SEAL compatibility needed) uses the hybrid
 * key-switching layout where it pays: at N=16384 the same data primes in 3 digits with special
 * primes [46, 46, 46] (log2 QP = 438, the bound), 50 NTTs against SEAL's 72 per key switch with the
 * noise at SEAL's level. [60, 60] needs 5 NTTs fewer but is slower where the NTT runs on vectors,
 * which takes primes below 2^50 only; two digits would need P of about 160 bits, past the bound
 * (see KeySwitchLayouts, bench/key-switch-layouts.md). At N=8192 the bound leaves 78 bits for P,
 * and no hybrid layout of [60,40,40] needs fewer NTTs than SEAL's 20, so training keeps SEAL's
 * layout.
 */
public final class BenchParams {
  public static final double SCALE = Math.pow(2, 40);

  private static final Map<Integer, int[]> BITS =
      Map.of(
          8192, new int[] {60, 40, 40, 60},
          16384, new int[] {60, 40, 40, 40, 40, 40, 40, 60});

  /** Hybrid digits and special-prime bits of the training path, by N (absent: SEAL's layout). */
  private static final Map<Integer, int[]> TRAINING_KEY_SWITCHING =
      Map.of(16384, new int[] {3, 46, 46, 46});

  private BenchParams() {}

  /** The supported ring degrees. */
  public static Set<Integer> degrees() {
    return new TreeSet<>(BITS.keySet());
  }

  /**
   * Prime bit sizes for N.
   *
   * @throws IllegalArgumentException if N is not one of {@link #degrees()}
   */
  public static int[] bits(int n) {
    int[] b = BITS.get(n);
    if (b == null) {
      throw new IllegalArgumentException("unsupported N=" + n + ": only " + degrees());
    }
    return b.clone();
  }

  /**
   * Validated parameters for N.
   *
   * @throws IllegalArgumentException if N is not one of {@link #degrees()}
   */
  public static CkksParameters parameters(int n) {
    return CkksParameters.create(CkksSpec.of(n, bits(n)));
  }

  /**
   * Validated parameters of the training path for N: the data primes of {@link #parameters(int)} in
   * the key-switching layout chosen for training.
   *
   * @throws IllegalArgumentException if N is not one of {@link #degrees()}
   */
  public static CkksParameters trainingParameters(int n) {
    CkksSpec spec = CkksSpec.of(n, bits(n));
    int[] hybrid = TRAINING_KEY_SWITCHING.get(n);
    return CkksParameters.create(
        hybrid == null
            ? spec
            : spec.withKeySwitching(hybrid[0], Arrays.copyOfRange(hybrid, 1, hybrid.length)));
  }
}
