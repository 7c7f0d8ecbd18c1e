package io.blindtuner.he.ckks;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Reusable buffers checked out for one operation (or one task of it) and given back: a caller that
 * finds none free gets a new one, so concurrent callers never share a buffer; at most {@code
 * capacity} are kept between uses, so the memory held does not grow with the number of threads that
 * ever called. Lock-free: a check-out or return is a scan of {@code capacity} slots with one
 * compare-and-set.
 */
final class BufferPool<T> {
  private final AtomicReferenceArray<T> slots;
  private final Supplier<T> create;

  /**
   * @throws IllegalArgumentException if capacity &lt; 1
   */
  BufferPool(int capacity, Supplier<T> create) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.slots = new AtomicReferenceArray<>(capacity);
    this.create = create;
  }

  /** A buffer no one else holds until it is {@link #release released}: a kept one, or a new one. */
  T acquire() {
    for (int i = 0; i < slots.length(); i++) {
      T t = slots.get(i);
      if (t != null && slots.compareAndSet(i, t, null)) {
        return t;
      }
    }
    return create.get();
  }

  /** Gives a buffer back for reuse; it is dropped when {@code capacity} are already kept. */
  void release(T t) {
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) == null && slots.compareAndSet(i, null, t)) {
        return;
      }
    }
  }

  /** How many buffers are kept now (at most the capacity). */
  int kept() {
    int k = 0;
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) != null) {
        k++;
      }
    }
    return k;
  }
}
