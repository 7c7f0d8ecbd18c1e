package io.blindtuner.pipeline.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.RefreshRefusedException;
import io.blindtuner.model.cloud.Refresher;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The cloud's refresh round trip across a transport: sends each request as a record and completes
 * it when the reply record with its id arrives ({@link #onReply}); a refusal fails it with {@link
 * RefreshRefusedException}, and no reply within the timeout fails it too. Thread-safe.
 */
public final class RemoteRefresher implements Refresher {
  private final CloudJob job;
  private final Function<byte[], CompletionStage<?>> send;
  private final Duration timeout;
  private final Map<RefreshId, CompletableFuture<List<Ciphertext>>> pending =
      new ConcurrentHashMap<>();

  /**
   * @param send publishes a request record; completes once the transport has it
   * @param timeout how long a round trip may take
   */
  public RemoteRefresher(
      CloudJob job, Function<byte[], CompletionStage<?>> send, Duration timeout) {
    this.job = job;
    this.send = send;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<List<Ciphertext>> refresh(
      RefreshId id, List<Ciphertext> cts, int[] levels) {
    if (cts.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    CompletableFuture<List<Ciphertext>> reply = new CompletableFuture<>();
    if (pending.putIfAbsent(id, reply) != null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("refresh " + id + " is already in flight"));
    }
    reply
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((r, e) -> pending.remove(id, reply));
    send.apply(job.refreshRequest(id, cts, levels))
        .whenComplete(
            (sent, e) -> {
              if (e != null) {
                reply.completeExceptionally(e);
              }
            });
    return reply;
  }

  /**
   * Takes a reply record.
   *
   * @return false if no request with its id is waiting (a repeat delivered again after it was
   *     answered)
   * @throws io.blindtuner.pipeline.wire.MalformedRecordException if it is not a reply of this job
   */
  public boolean onReply(byte[] record) {
    CloudJob.Reply r = job.refreshReply(record);
    CompletableFuture<List<Ciphertext>> f = pending.get(r.id());
    if (f == null) {
      return false;
    }
    return r.refused()
        ? f.completeExceptionally(new RefreshRefusedException(r.id()))
        : f.complete(r.fresh());
  }

  /** Requests sent and not yet answered. */
  public int inFlight() {
    return pending.size();
  }
}
