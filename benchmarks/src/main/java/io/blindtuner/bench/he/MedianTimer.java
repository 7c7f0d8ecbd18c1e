package io.blindtuner.bench.he;

import java.util.Arrays;

/**
 * Times one operation the way bench/node/seal-bench.js times node-seal, so the two columns of
 * bench/he-vs-seal.sh are comparable: warm-up runs until both a count and a time are reached (lets the JIT
 * compile the hot paths), then repetitions until both a minimum count and a minimum total measured time are
 * reached (capped), and the median, which the shared machine's noise moves least.
 *
 * @param warmup     minimum runs before measuring
 * @param warmupNs   minimum warm-up time
 * @param minReps    minimum measured runs
 * @param minTotalNs keep measuring until this much measured time has passed (or maxReps)
 * @param maxReps    cap on measured runs
 */
public record MedianTimer(int warmup, long warmupNs, int minReps, long minTotalNs, int maxReps) {

    /** An operation whose run returns its own elapsed nanoseconds, so setup stays outside the timing. */
    @FunctionalInterface
    public interface TimedRun {
        long runNanos() throws Exception;
    }

    /** A median and the number of measured runs it was taken over. */
    public record Result(double medianMs, int reps) {}

    /**
     * @throws IllegalArgumentException if a count or time is negative, minReps is below 1 or maxReps below minReps
     */
    public MedianTimer {
        if (warmup < 0 || warmupNs < 0 || minReps < 1 || maxReps < minReps || minTotalNs < 0) {
            throw new IllegalArgumentException("invalid MedianTimer(warmup=" + warmup + ", warmupNs=" + warmupNs
                    + ", minReps=" + minReps
                    + ", minTotalNs=" + minTotalNs + ", maxReps=" + maxReps + ")");
        }
    }

    /** Times a plain action (all of it is measured). */
    public static TimedRun whole(ThrowingAction action) {
        return () -> {
            long t0 = System.nanoTime();
            action.run();
            return System.nanoTime() - t0;
        };
    }

    /** An action that may throw. */
    @FunctionalInterface
    public interface ThrowingAction {
        void run() throws Exception;
    }

    /**
     * Runs the warm-up, then the measured runs.
     *
     * @throws Exception whatever the operation throws
     */
    public Result measure(TimedRun op) throws Exception {
        long warm = 0;
        for (int i = 0; i < warmup || warm < warmupNs; i++) {
            warm += op.runNanos();
        }
        long[] times = new long[maxReps];
        int n = 0;
        long total = 0;
        while (n < minReps || (total < minTotalNs && n < maxReps)) {
            long t = op.runNanos();
            times[n++] = t;
            total += t;
        }
        long[] s = Arrays.copyOf(times, n);
        Arrays.sort(s);
        double medianNs = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
        return new Result(medianNs / 1e6, n);
    }
}
