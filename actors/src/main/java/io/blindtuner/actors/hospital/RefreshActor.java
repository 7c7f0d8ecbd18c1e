package io.blindtuner.actors.hospital;

import io.blindtuner.actors.Failures;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.Refresher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hospital's refresh stage: decrypts and re-encrypts what the cloud sends, through the job's
 * {@link Refresher} (the key holder's), on the HE dispatcher. Never blocks: the refresher's
 * completion (which may come later, e.g. after a network round trip) is sent to the requester when
 * it happens, and the actor takes the next request meanwhile.
 */
public final class RefreshActor extends AbstractBehavior<RefreshActor.Command> {
  /** Completions arrive on other threads, where the actor's context must not be used. */
  private static final Logger LOG = LoggerFactory.getLogger(RefreshActor.class);

  /** What the refresh actor accepts. */
  public sealed interface Command {}

  /** Refresh {@code ciphertexts} to {@code levels}, as refresh {@code id} of the job. */
  public record Refresh(
      String jobId,
      RefreshId id,
      List<Ciphertext> ciphertexts,
      int[] levels,
      ActorRef<Reply> replyTo)
      implements Command {}

  /** What it answers. */
  public sealed interface Reply {}

  /** The fresh ciphertexts, same order. */
  public record Refreshed(List<Ciphertext> ciphertexts) implements Reply {}

  /** The refresh was refused or failed; the reason says why. */
  public record RefreshFailed(String reason) implements Reply {}

  private final String jobId;
  private final Refresher refresher;

  public static Behavior<Command> create(String jobId, Refresher refresher) {
    return Behaviors.setup(ctx -> new RefreshActor(ctx, jobId, refresher));
  }

  private RefreshActor(ActorContext<Command> ctx, String jobId, Refresher refresher) {
    super(ctx);
    this.jobId = jobId;
    this.refresher = refresher;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Refresh.class, this::onRefresh).build();
  }

  private Behavior<Command> onRefresh(Refresh r) {
    if (!r.jobId().equals(jobId)) {
      r.replyTo().tell(new RefreshFailed("this refresh actor serves job " + jobId));
      return this;
    }
    refresher
        .refresh(r.id(), r.ciphertexts(), r.levels())
        .whenComplete(
            (out, e) -> {
              if (e != null) {
                LOG.warn("job {}: refresh {} failed: {}", jobId, r.id(), Failures.describe(e));
                r.replyTo().tell(new RefreshFailed(Failures.describe(e)));
              } else {
                r.replyTo().tell(new Refreshed(out));
              }
            });
    return this;
  }

  /**
   * The cloud's view of a refresh actor: a {@link Refresher} whose round trip is an ask.
   *
   * @param timeout how long one round trip may take
   */
  public static Refresher asRefresher(
      String jobId, ActorRef<Command> actor, ActorSystem<?> system, Duration timeout) {
    return (id, cts, levels) -> {
      if (cts.isEmpty()) {
        return CompletableFuture.completedFuture(List.of());
      }
      CompletionStage<Reply> reply =
          AskPattern.ask(
              actor, to -> new Refresh(jobId, id, cts, levels, to), timeout, system.scheduler());
      return reply.thenCompose(
          r ->
              r instanceof Refreshed f
                  ? CompletableFuture.completedFuture(f.ciphertexts())
                  : CompletableFuture.failedFuture(
                      new IllegalStateException(
                          "refresh failed at the hospital: " + ((RefreshFailed) r).reason())));
    };
  }
}
