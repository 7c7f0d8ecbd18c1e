package io.blindtuner.bench.he;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The parameter sets of the benchmark, shared by the JMH suite and {@link HeVsSealRunner} (and mirrored
 * in bench/node/seal-bench.js): N=8192 with primes [60,40,40,60] and N=16384 with [60,40x6,60], scale 2^40.
 * Both are within the HE-standard 128-bit bound (log2 QP = 200 and 360 against 218 and 438).
 */
public final class BenchParams {
    public static final double SCALE = Math.pow(2, 40);

    private static final Map<Integer, int[]> BITS = Map.of(
            8192, new int[] {60, 40, 40, 60},
            16384, new int[] {60, 40, 40, 40, 40, 40, 40, 60});

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
}
