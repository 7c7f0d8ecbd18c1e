package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

class ParallelismTest {
  @Test
  void runsEveryIndexOnceAndPropagatesFailures() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Parallelism p = new Parallelism(pool, 3);
      for (int count : new int[] {0, 1, 2, 7, 100}) {
        AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(count, 1));
        p.forEach(count, hits::incrementAndGet);
        for (int i = 0; i < count; i++) {
          assertThat(hits.get(i)).isEqualTo(1);
        }
      }
      assertThatThrownBy(
              () ->
                  p.forEach(
                      10,
                      i -> {
                        if (i == 9) {
                          throw new IllegalStateException("boom " + i);
                        }
                      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("boom 9");
      // Nested use from inside the pool's only thread: the caller does the work itself instead of
      // waiting.
      AtomicIntegerArray nested = new AtomicIntegerArray(8);
      pool.submit(() -> p.forEach(8, i -> p.forEach(1, k -> nested.incrementAndGet(i)))).get();
      ExecutorService one = Executors.newSingleThreadExecutor();
      Parallelism single = new Parallelism(one, 2);
      one.submit(() -> single.forEach(8, nested::incrementAndGet)).get();
      one.shutdownNow();
      for (int i = 0; i < 8; i++) {
        assertThat(nested.get(i)).isEqualTo(2);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThatThrownBy(() -> new Parallelism(null, 2)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Parallelism(null, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void helpersJoinCallsAcrossManyReusesAndGiveTheirThreadBack() throws Exception {
    Set<Thread> helperThreads = ConcurrentHashMap.newKeySet();
    AtomicInteger sharedCalls = new AtomicInteger();
    try (Parallelism p = Parallelism.withThreads(2)) {
      for (int call = 0; call < 3000; call++) {
        if (call % 1000 == 999) {
          // once the helpers have stopped polling and given their threads back, the next call
          // starts
          // them on the executor again
          awaitParkedInPool(helperThreads);
        }
        AtomicIntegerArray hits = new AtomicIntegerArray(2);
        AtomicInteger started = new AtomicInteger();
        AtomicReferenceArray<Thread> ranOn = new AtomicReferenceArray<>(2);
        // Each item waits briefly for the other to start, so an idle helper gets to claim one. A
        // helper
        // still finishing the previous call may be skipped (forEach goes on without a busy helper),
        // so
        // not every call is shared; across 3000 calls some must be, or the helpers never join.
        p.forEach(
            2,
            i -> {
              hits.incrementAndGet(i);
              ranOn.set(i, Thread.currentThread());
              if (Thread.currentThread().getName().startsWith("he-parallelism-helper")) {
                helperThreads.add(Thread.currentThread());
              }
              started.incrementAndGet();
              long deadline = System.nanoTime() + 1_000_000;
              while (started.get() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
              }
            });
        if (ranOn.get(0) != ranOn.get(1)) {
          sharedCalls.incrementAndGet();
        }
        assertThat(hits.get(0)).isEqualTo(1);
        assertThat(hits.get(1)).isEqualTo(1);
      }
      assertThat(helperThreads).isNotEmpty().allMatch(Thread::isDaemon);
      assertThat(sharedCalls.get()).as("calls in which a helper ran an item").isPositive();
    }
    // A helper returns its thread to an executor it does not own: later tasks of that executor
    // still run.
    ExecutorService single = Executors.newSingleThreadExecutor();
    try {
      Parallelism p = new Parallelism(single, 2);
      AtomicIntegerArray hits = new AtomicIntegerArray(16);
      p.forEach(16, hits::incrementAndGet);
      assertThat(single.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
      p.close();
      assertThat(single.isShutdown()).isFalse();
    } finally {
      single.shutdownNow();
    }
  }

  /**
   * On a plain fixed pool seen only as an {@link java.util.concurrent.Executor} (as a Pekko
   * dispatcher is), the helpers join the work and then hand their threads back at once: between
   * calls the pool is idle, so the pool's other tasks run, and a helper never waits there for the
   * next call.
   */
  @Test
  void onASharedExecutorHelpersWorkAndReturnTheirThreadsAtOnce() throws Exception {
    ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(2);
    try {
      // Counted around each helper task rather than read from pool.getActiveCount(), which was seen
      // to report
      // a thread busy for seconds while both pool threads sat idle in getTask().
      Object idle = new Object();
      int[] helping = {0}; // guarded by idle
      Executor counted =
          r ->
              pool.execute(
                  () -> {
                    synchronized (idle) {
                      helping[0]++;
                    }
                    try {
                      r.run();
                    } finally {
                      synchronized (idle) {
                        helping[0]--;
                        idle.notifyAll();
                      }
                    }
                  });
      Parallelism p = new Parallelism(counted, 3);
      Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
      for (int call = 0; call < 200; call++) {
        AtomicIntegerArray hits = new AtomicIntegerArray(12);
        p.forEach(
            12,
            i -> {
              hits.incrementAndGet(i);
              ranOn.add(Thread.currentThread());
              long until =
                  System.nanoTime() + 20_000; // enough work per item for a helper to claim some
              while (System.nanoTime() < until) {
                Thread.onSpinWait();
              }
            });
        for (int i = 0; i < 12; i++) {
          assertThat(hits.get(i)).isEqualTo(1);
        }
        // Every item is done when forEach returns, so the helpers are only leaving: the pool must
        // go idle
        // (5 s is far beyond a helper's few remaining instructions, even on a loaded machine).
        synchronized (idle) {
          long deadline = System.nanoTime() + 5_000_000_000L;
          for (long left; helping[0] > 0 && (left = deadline - System.nanoTime()) > 0; ) {
            idle.wait(Math.max(1, left / 1_000_000));
          }
          assertThat(helping[0])
              .as("helpers still holding pool threads after call " + call)
              .isZero();
        }
      }
      assertThat(ranOn).as("threads that ran items").hasSizeGreaterThan(1);
      // The pool's own tasks still run: the helpers left no thread waiting in it.
      assertThat(pool.submit(() -> 7).get(10, TimeUnit.SECONDS)).isEqualTo(7);
      p.close();
      assertThat(pool.isShutdown()).isFalse();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeShutsDownOwnedThreadsAndRejectsLaterCalls() throws Exception {
    Parallelism p = Parallelism.withThreads(3);
    AtomicIntegerArray hits = new AtomicIntegerArray(5);
    p.forEach(5, hits::incrementAndGet);
    p.close();
    assertThat(((ExecutorService) p.executor()).awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> p.forEach(5, hits::incrementAndGet))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    for (int i = 0; i < 5; i++) {
      assertThat(hits.get(i)).isEqualTo(1);
    }
    // SERIAL is shared: closing it changes nothing.
    Parallelism.SERIAL.close();
    Parallelism.SERIAL.forEach(2, hits::incrementAndGet);
    assertThat(hits.get(1)).isEqualTo(2);
    assertThat(Parallelism.withThreads(1)).isSameAs(Parallelism.SERIAL);
    assertThatThrownBy(() -> Parallelism.withThreads(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Waits until each thread is parked in its pool waiting for a task: a helper that stopped polling
   * and returned its thread (a polling helper is runnable).
   */
  private static void awaitParkedInPool(Set<Thread> threads) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    for (Thread t : threads) {
      while (t.getState() != Thread.State.WAITING) {
        assertThat(System.nanoTime()).as(t.getName() + " parked in its pool").isLessThan(deadline);
        Thread.yield();
      }
    }
  }
}
