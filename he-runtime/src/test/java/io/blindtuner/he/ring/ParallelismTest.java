package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
            assertThatThrownBy(() -> p.forEach(10, i -> {
                if (i == 9) {
                    throw new IllegalStateException("boom " + i);
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("boom 9");
            // Nested use from inside the pool's only thread: the caller does the work itself instead of waiting.
            AtomicIntegerArray nested = new AtomicIntegerArray(8);
            pool.submit(() -> p.forEach(8, i -> p.forEach(1, k -> nested.incrementAndGet(i)))).get();
            Parallelism single = new Parallelism(Executors.newSingleThreadExecutor(), 2);
            single.executor().submit(() -> single.forEach(8, nested::incrementAndGet)).get();
            single.executor().shutdownNow();
            for (int i = 0; i < 8; i++) {
                assertThat(nested.get(i)).isEqualTo(2);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThatThrownBy(() -> new Parallelism(null, 2)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Parallelism(null, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
