package io.blindtuner.pipeline.stream;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Ciphertexts alive in a training graph (micro-batch values in flight, the weights, accumulated
 * gradients), and the peak. Thread-safe; read by metrics and reports.
 */
public final class CiphertextGauge {
  private final AtomicLong alive = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();

  /** Adds {@code delta} (negative when ciphertexts are dropped). */
  public void add(long delta) {
    long now = alive.addAndGet(delta);
    peak.accumulateAndGet(now, Math::max);
  }

  public long alive() {
    return alive.get();
  }

  public long peak() {
    return peak.get();
  }
}
