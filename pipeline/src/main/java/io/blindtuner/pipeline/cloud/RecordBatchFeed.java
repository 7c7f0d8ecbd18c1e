package io.blindtuner.pipeline.cloud;

import io.blindtuner.model.cloud.BatchFeed;
import io.blindtuner.model.cloud.EncryptedTrainer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micro-batches as records deliver them, handed to the training graph as it asks for them.
 * Backpressure: the completion {@link #offer} returns is the graph taking that micro-batch, so a
 * consumer that offers one record at a time never reads further ahead than the graph (one version
 * ahead). Thread-safe.
 */
public final class RecordBatchFeed implements BatchFeed {
  private final Map<Long, CompletableFuture<EncryptedTrainer.Batch>> batches =
      new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<Void>> taken = new ConcurrentHashMap<>();
  private final Set<Long> done = ConcurrentHashMap.newKeySet();
  private final int microBatches;

  /**
   * @param microBatches micro-batches per step
   */
  public RecordBatchFeed(int microBatches) {
    this.microBatches = microBatches;
  }

  /**
   * Offers a record's micro-batch; completes when the graph has taken it. A repeat is taken at
   * once.
   */
  public CompletionStage<Void> offer(CloudJob.Batch b) {
    long key = key(b.step(), b.microBatch());
    if (done.contains(key)) {
      return CompletableFuture.completedFuture(null); // delivered again after it was taken
    }
    // the taken signal exists before the slot completes: completing it may hand the batch over at
    // once
    CompletableFuture<Void> t = taken.computeIfAbsent(key, k -> new CompletableFuture<>());
    CompletableFuture<EncryptedTrainer.Batch> slot =
        batches.computeIfAbsent(key, k -> new CompletableFuture<>());
    if (!slot.complete(b.batch())) {
      return CompletableFuture.completedFuture(
          null); // delivered again while waiting: the first copy stands
    }
    return t;
  }

  @Override
  public CompletionStage<EncryptedTrainer.Batch> batch(int step, int microBatch) {
    long key = key(step, microBatch);
    CompletableFuture<EncryptedTrainer.Batch> slot =
        batches.computeIfAbsent(key, k -> new CompletableFuture<>());
    return slot.thenApply(
        b -> {
          done.add(key);
          batches.remove(key);
          CompletableFuture<Void> t = taken.remove(key);
          if (t != null) {
            t.complete(null);
          }
          return b;
        });
  }

  /** Fails every micro-batch still awaited (the input ended or broke). */
  public void fail(Throwable why) {
    batches.values().forEach(f -> f.completeExceptionally(why));
  }

  private long key(int step, int microBatch) {
    return (long) step * microBatches + microBatch;
  }
}
