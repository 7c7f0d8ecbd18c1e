package io.blindtuner.bench.pipeline;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.Refresher;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A refresh whose round trip takes {@code delayMs} longer, as when the hospital is across a
 * network. The delay holds no thread: the answer is completed later by the JDK's delayed executor.
 */
final class DelayedRefresher implements Refresher {
  private final Refresher inner;
  private final long delayMs;

  DelayedRefresher(Refresher inner, long delayMs) {
    this.inner = inner;
    this.delayMs = delayMs;
  }

  @Override
  public CompletionStage<List<Ciphertext>> refresh(
      RefreshId id, List<Ciphertext> cts, int[] levels) {
    return inner
        .refresh(id, cts, levels)
        .thenCompose(
            out ->
                CompletableFuture.supplyAsync(
                    () -> out, CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS)));
  }
}
