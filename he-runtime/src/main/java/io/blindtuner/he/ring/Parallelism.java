package io.blindtuner.he.ring;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * How many threads an operation may use to work on independent RNS limbs, and the executor that
 * runs the extra ones (the caller's thread always takes a share). Passed explicitly; the engine
 * owns no static pool.
 *
 * <p>Two kinds, by who owns the executor:
 *
 * <ul>
 *   <li>{@link #withThreads}: its own helper threads. Waking a parked pool thread costs tens of
 *       microseconds, comparable to one limb NTT at N=8192, and an operation makes several {@link
 *       #forEach} calls in a row. So a helper, once started, polls for the next job for {@link
 *       #HELPER_SPIN_NANOS} after finishing one and only then returns its thread; a job given to a
 *       polling helper starts within a fraction of a microsecond.
 *   <li>{@link #Parallelism(Executor, int) on an executor} the caller shares with other work (e.g.
 *       an actor system's dispatcher, which is an {@link Executor} but not an {@link
 *       ExecutorService}): a helper returns its thread as soon as no job is waiting for it, so it
 *       never holds a thread that other tasks could use.
 * </ul>
 *
 * In both the caller polls for the helpers' last items before parking (its own thread, waiting for
 * its own work). Polling spins for 10 us, then yields, so that when the threads share one core (a
 * loaded machine) the poller does not hold up the thread it waits for. Thread-safe: concurrent and
 * nested calls only find fewer idle helpers and do more of the work themselves.
 */
public final class Parallelism implements AutoCloseable {
  /** Element-wise work on fewer coefficients than this stays on the calling thread. */
  public static final int MIN_PARALLEL_COEFFICIENTS = 1 << 15;

  /**
   * How long an idle helper of an owned executor polls for the next job before giving its thread
   * back.
   */
  static final long HELPER_SPIN_NANOS = 50_000;

  /**
   * How long the caller polls for the helpers' remaining items (about two limb NTTs) before
   * parking.
   */
  static final long CALLER_SPIN_NANOS = 500_000;

  /** Polling spins only this long, then yields between checks. */
  private static final long PURE_SPIN_NANOS = 10_000;

  /** Everything on the calling thread. */
  public static final Parallelism SERIAL = new Parallelism(null, 1, null);

  private final Executor executor;
  private final int threads;

  /** The executor when {@link #withThreads} created it (shut down by close), else null. */
  private final ExecutorService owned;

  /** How long an idle helper polls before returning its thread: 0 on a shared executor. */
  private final long helperSpinNanos;

  private final Helper[] helpers;
  private volatile boolean closed;

  /**
   * Runs the extra {@code threads - 1} shares as tasks on an executor shared with other work: a
   * helper task ends as soon as no job is waiting for it, so it holds none of the executor's
   * threads between operations.
   *
   * @param executor runs the extra tasks (stays owned by the caller); may be null only when threads
   *     == 1
   * @param threads total threads per operation, &ge; 1
   * @throws IllegalArgumentException if threads &lt; 1
   * @throws NullPointerException if executor is null and threads &gt; 1
   */
  public Parallelism(Executor executor, int threads) {
    this(executor, threads, null);
  }

  private Parallelism(Executor executor, int threads, ExecutorService owned) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (threads > 1) {
      Objects.requireNonNull(executor, "executor is required when threads > 1");
    }
    this.executor = executor;
    this.threads = threads;
    this.owned = owned;
    this.helperSpinNanos = owned != null ? HELPER_SPIN_NANOS : 0;
    this.helpers = new Helper[threads - 1];
    for (int i = 0; i < helpers.length; i++) {
      helpers[i] = new Helper();
    }
  }

  /**
   * A Parallelism with its own {@code threads - 1} daemon helper threads, shut down by {@link
   * #close()}. Its helpers poll briefly for the next job before parking (see the class comment):
   * with nothing else on those threads, that saves a thread wake-up per {@link #forEach}.
   *
   * @throws IllegalArgumentException if threads &lt; 1
   */
  public static Parallelism withThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (threads == 1) {
      return SERIAL;
    }
    AtomicInteger created = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads - 1,
            r -> {
              Thread t = new Thread(r, "he-parallelism-helper-" + created.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return new Parallelism(pool, threads, pool);
  }

  /** The executor running the helpers; null for a single thread. */
  public Executor executor() {
    return executor;
  }

  public int threads() {
    return threads;
  }

  /**
   * Stops using helper threads: idle helpers return their threads at once and later multi-threaded
   * calls throw. Shuts the executor down if {@link #withThreads} created it (an executor passed in
   * stays the caller's to shut down). No effect on a single-thread Parallelism such as {@link
   * #SERIAL}.
   */
  @Override
  public void close() {
    if (threads > 1) {
      closed = true;
      if (owned != null) {
        owned.shutdown();
      }
    }
  }

  /** A task over a coefficient range [from, to) of item {@code index} (e.g. one limb). */
  @FunctionalInterface
  public interface RangeTask {
    void run(int index, int from, int to);
  }

  /**
   * Runs body over {@code count} items of {@code length} coefficients each; with several threads
   * every item is cut into that many ranges, so e.g. 3 limbs still split evenly over 2 threads.
   * Small jobs (fewer than {@link #MIN_PARALLEL_COEFFICIENTS} coefficients in all) run on the
   * calling thread.
   *
   * @throws IllegalStateException if this Parallelism is closed (see {@link #forEach})
   */
  public void forEachRange(int count, int length, RangeTask body) {
    // Below this many coefficients a hand-off to another thread costs more than it saves.
    int pieces = threads > 1 && (long) count * length >= MIN_PARALLEL_COEFFICIENTS ? threads : 1;
    forEach(
        count * pieces,
        t -> {
          int item = t / pieces;
          int p = t % pieces;
          body.run(
              item, (int) ((long) length * p / pieces), (int) ((long) length * (p + 1) / pieces));
        });
  }

  /**
   * Runs body(0..count-1) on up to {@code threads} threads and returns when all are done. Indices
   * are claimed dynamically by the calling thread and the helpers, so the call never waits for a
   * helper that has not started: if the helpers are busy (e.g. the caller is one of them, or the
   * executor's threads are taken) the caller does the work itself, and nesting cannot deadlock. The
   * first exception thrown by body is rethrown (unchecked ones as they are, others wrapped in
   * IllegalStateException); items not yet started then do not run.
   *
   * @throws IllegalStateException if this multi-threaded Parallelism has been closed
   * @throws RejectedExecutionException if the executor refused a helper (e.g. it was shut down);
   *     the caller has then still run every item
   */
  public void forEach(int count, IntConsumer body) {
    if (closed) {
      throw new IllegalStateException("this Parallelism (" + threads + " threads) is closed");
    }
    int workers = Math.min(threads, count);
    if (workers <= 1) {
      for (int i = 0; i < count; i++) {
        body.accept(i);
      }
      return;
    }
    Job job = new Job(body, count);
    RejectedExecutionException rejected = null;
    for (int w = 0; w < workers - 1; w++) {
      Helper h = helpers[w];
      if (h.state.compareAndSet(Helper.POLLING, Helper.BUSY)) {
        h.job = job;
      } else if (h.state.compareAndSet(Helper.OFF, Helper.BUSY)) {
        h.job = job;
        try {
          executor.execute(h);
        } catch (RejectedExecutionException e) {
          h.job = null;
          h.state.set(Helper.OFF);
          rejected = e;
        }
      }
      // BUSY: that helper is running another job (a nested or concurrent call); go on without it.
    }
    job.drain();
    job.awaitAll();
    Throwable t = job.failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
    if (rejected != null) {
      throw rejected;
    }
  }

  /**
   * One step of a polling loop that has waited {@code waited} ns: a spin hint at first, then a
   * yield, so that a poller sharing a core with the thread it waits for (a loaded machine) lets
   * that thread run.
   */
  private static void pause(long waited) {
    if (waited < PURE_SPIN_NANOS) {
      Thread.onSpinWait();
    } else {
      Thread.yield();
    }
  }

  /**
   * One forEach call: items are claimed through {@code next}; the caller waits for {@code
   * completed}.
   */
  private static final class Job {
    final IntConsumer body;
    final int count;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger completed = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile Thread waiter;

    Job(IntConsumer body, int count) {
      this.body = body;
      this.count = count;
    }

    void drain() {
      int i;
      while ((i = next.getAndIncrement()) < count) {
        try {
          if (failure.get() == null) {
            body.accept(i);
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          if (completed.incrementAndGet() == count) {
            Thread w = waiter;
            if (w != null) {
              LockSupport.unpark(w);
            }
          }
        }
      }
    }

    /**
     * Polls, then parks, until every item is done (items still running are claimed by running
     * helpers).
     */
    void awaitAll() {
      long start = System.nanoTime();
      while (completed.get() < count) {
        long waited = System.nanoTime() - start;
        if (waited < CALLER_SPIN_NANOS) {
          pause(waited);
          continue;
        }
        waiter = Thread.currentThread();
        boolean interrupted = false;
        while (completed.get() < count) {
          LockSupport.park(this);
          // Keep waiting through interrupts (the items must finish), restoring the flag afterwards.
          interrupted |= Thread.interrupted();
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * One helper slot. OFF: no thread runs it; POLLING: a thread polls {@code job}; BUSY: a thread
   * runs a job or is about to receive one. Only the submitter that moves the state to BUSY writes
   * {@code job}.
   */
  private final class Helper implements Runnable {
    static final int OFF = 0;
    static final int POLLING = 1;
    static final int BUSY = 2;

    final AtomicInteger state = new AtomicInteger(OFF);
    volatile Job job;

    @Override
    public void run() {
      while (true) {
        Job j;
        while ((j = job) == null) {
          Thread.onSpinWait(); // BUSY: the submitter writes the job right after its CAS
        }
        job = null;
        j.drain();
        state.set(POLLING);
        long start = System.nanoTime();
        while (state.get() == POLLING) {
          long waited = System.nanoTime() - start;
          if (closed || waited >= helperSpinNanos) {
            if (state.compareAndSet(POLLING, OFF)) {
              return;
            }
            break; // a job arrived meanwhile
          }
          pause(waited);
        }
      }
    }
  }
}
