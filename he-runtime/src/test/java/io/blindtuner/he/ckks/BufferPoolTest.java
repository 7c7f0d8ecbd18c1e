package io.blindtuner.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
  @Test
  void holdersGetDistinctBuffersAndAtMostCapacityAreKept() {
    AtomicInteger created = new AtomicInteger();
    BufferPool<long[]> pool =
        new BufferPool<>(
            2,
            () -> {
              created.incrementAndGet();
              return new long[4];
            });
    List<long[]> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(pool.acquire());
    }
    IdentityHashMap<long[], Boolean> distinct = new IdentityHashMap<>();
    held.forEach(b -> distinct.put(b, true));
    assertThat(distinct).hasSize(5);
    held.forEach(pool::release);
    assertThat(pool.kept()).isEqualTo(2);
    // Reuse: two check-outs come from the kept ones, the third is new.
    long[] x = pool.acquire();
    long[] y = pool.acquire();
    assertThat(held).anyMatch(b -> b == x).anyMatch(b -> b == y);
    assertThat(created.get()).isEqualTo(5);
    pool.acquire();
    assertThat(created.get()).isEqualTo(6);
    assertThatThrownBy(() -> new BufferPool<>(0, () -> new long[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }
}
