package io.blindtuner.actors.hospital;

import io.blindtuner.actors.Failures;
import io.blindtuner.model.cloud.BatchFeed;
import io.blindtuner.model.cloud.EncryptedTrainer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
 * The hospital's encryption stage: encrypts the micro-batches of a job on request, on the HE
 * dispatcher. Holds the job's {@link BatchFeed} (the hospital's data and key, behind that
 * interface); the cloud gets only ciphertexts. Never blocks on the feed: its completion is sent to
 * the requester when it happens.
 */
public final class EncryptionActor extends AbstractBehavior<EncryptionActor.Command> {
  /** Completions may arrive on other threads, where the actor's context must not be used. */
  private static final Logger LOG = LoggerFactory.getLogger(EncryptionActor.class);

  /** What the encryption actor accepts. */
  public sealed interface Command {}

  /** Encrypt micro-batch {@code microBatch} of step {@code step}. */
  public record Encrypt(String jobId, long step, int microBatch, ActorRef<Reply> replyTo)
      implements Command {}

  /** What it answers. */
  public sealed interface Reply {}

  /** The encrypted micro-batch. */
  public record Encrypted(String jobId, long step, int microBatch, EncryptedTrainer.Batch batch)
      implements Reply {}

  /** Encryption failed (e.g. a step out of range); the reason says why. */
  public record EncryptionFailed(String jobId, long step, int microBatch, String reason)
      implements Reply {}

  private final String jobId;
  private final BatchFeed batches;

  public static Behavior<Command> create(String jobId, BatchFeed batches) {
    return Behaviors.setup(ctx -> new EncryptionActor(ctx, jobId, batches));
  }

  private EncryptionActor(ActorContext<Command> ctx, String jobId, BatchFeed batches) {
    super(ctx);
    this.jobId = jobId;
    this.batches = batches;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Encrypt.class, this::onEncrypt).build();
  }

  private Behavior<Command> onEncrypt(Encrypt e) {
    if (!e.jobId().equals(jobId)) {
      e.replyTo()
          .tell(
              new EncryptionFailed(
                  e.jobId(),
                  e.step(),
                  e.microBatch(),
                  "this encryption actor serves job " + jobId));
      return this;
    }
    batches
        .batch(Math.toIntExact(e.step()), e.microBatch())
        .whenComplete(
            (b, ex) -> {
              if (ex != null) {
                // The hospital keeps serving other requests; the requester fails the job with this
                // reason.
                LOG.warn(
                    "job {}: encryption of step {} micro-batch {} failed: {}",
                    jobId,
                    e.step(),
                    e.microBatch(),
                    Failures.describe(ex));
                e.replyTo()
                    .tell(
                        new EncryptionFailed(
                            jobId, e.step(), e.microBatch(), Failures.describe(ex)));
              } else {
                e.replyTo().tell(new Encrypted(jobId, e.step(), e.microBatch(), b));
              }
            });
    return this;
  }

  /**
   * The cloud's view of an encryption actor: a {@link BatchFeed} whose every batch is an ask.
   *
   * @param timeout how long one micro-batch may take
   */
  public static BatchFeed asFeed(
      String jobId, ActorRef<Command> actor, ActorSystem<?> system, Duration timeout) {
    return (step, microBatch) ->
        AskPattern.<Command, Reply>ask(
                actor, to -> new Encrypt(jobId, step, microBatch, to), timeout, system.scheduler())
            .thenCompose(
                r ->
                    r instanceof Encrypted e
                        ? CompletableFuture.completedFuture(e.batch())
                        : CompletableFuture.failedFuture(
                            new IllegalStateException(
                                "hospital encryption failed: " + ((EncryptionFailed) r).reason())));
  }
}
