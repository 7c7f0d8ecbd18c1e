package io.blindtuner.he.ring;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * How many threads an operation may use to work on independent RNS limbs, and the executor that runs the
 * extra ones (the caller's thread always takes a share). Passed explicitly; the engine owns no thread pool.
 *
 * @param executor runs the extra tasks; may be null only when threads == 1
 * @param threads total threads per operation, &ge; 1
 */
public record Parallelism(ExecutorService executor, int threads) {
    /** Element-wise work on fewer coefficients than this stays on the calling thread. */
    public static final int MIN_PARALLEL_COEFFICIENTS = 1 << 15;

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
     * cut into that many ranges, so e.g. 3 limbs still split evenly over 2 threads. Small jobs (fewer than
     * {@link #MIN_PARALLEL_COEFFICIENTS} coefficients in all) run on the calling thread.
     */
    public void forEachRange(int count, int length, RangeTask body) {
        // Below this many coefficients a hand-off to another thread costs more than it saves.
        int pieces = threads > 1 && (long) count * length >= MIN_PARALLEL_COEFFICIENTS ? threads : 1;
        forEach(count * pieces, t -> {
            int item = t / pieces;
            int p = t % pieces;
            body.run(item, (int) ((long) length * p / pieces), (int) ((long) length * (p + 1) / pieces));
        });
    }

    /**
     * Runs body(0..count-1) on up to {@code threads} threads and returns when all are done. Indices are claimed
     * dynamically by the calling thread and the helper tasks, so the call never waits for a helper that has not
     * started: if the executor is busy (or the caller is itself one of its threads) the caller does all the work,
     * and nesting cannot deadlock. The first exception thrown by body is rethrown.
     */
    public void forEach(int count, IntConsumer body) {
        int workers = Math.min(threads, count);
        if (workers <= 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable drain = () -> {
            int i;
            while ((i = next.getAndIncrement()) < count) {
                try {
                    if (failure.get() == null) {
                        body.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int w = 1; w < workers; w++) {
            executor.execute(drain);
        }
        drain.run();
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
