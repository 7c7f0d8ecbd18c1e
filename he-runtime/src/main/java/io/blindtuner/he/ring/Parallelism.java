package io.blindtuner.he.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * How many threads an operation may use to work on independent RNS limbs, and the executor that runs the
 * extra ones (the caller's thread always takes a share). Passed explicitly; the engine owns no thread pool.
 *
 * @param executor runs the extra tasks; may be null only when threads == 1
 * @param threads total threads per operation, &ge; 1
 */
public record Parallelism(ExecutorService executor, int threads) {
    /** Everything on the calling thread. */
    public static final Parallelism SERIAL = new Parallelism(null, 1);

    public Parallelism {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (threads > 1) {
            Objects.requireNonNull(executor, "executor is required when threads > 1");
        }
    }

    /** A task over a coefficient range [from, to) of item {@code index} (e.g. one limb). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int index, int from, int to);
    }

    /**
     * Runs body over {@code count} items of {@code length} coefficients each; with several threads every item is
     * cut into that many ranges, so e.g. 3 limbs still split evenly over 2 threads.
     */
    public void forEachRange(int count, int length, RangeTask body) {
        int pieces = threads > 1 ? threads : 1;
        forEach(count * pieces, t -> {
            int item = t / pieces;
            int p = t % pieces;
            body.run(item, (int) ((long) length * p / pieces), (int) ((long) length * (p + 1) / pieces));
        });
    }

    /**
     * Runs body(0..count-1), split into contiguous chunks over up to {@code threads} threads; returns when all
     * are done. Exceptions from any chunk are rethrown.
     */
    public void forEach(int count, IntConsumer body) {
        int workers = Math.min(threads, count);
        if (workers <= 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        List<Future<?>> futures = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            int from = (int) ((long) count * w / workers);
            int to = (int) ((long) count * (w + 1) / workers);
            futures.add(executor.submit(() -> {
                for (int i = from; i < to; i++) {
                    body.accept(i);
                }
            }));
        }
        int to0 = count / workers;
        RuntimeException failure = null;
        try {
            for (int i = 0; i < to0; i++) {
                body.accept(i);
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new IllegalStateException("interrupted while waiting for limb tasks", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
