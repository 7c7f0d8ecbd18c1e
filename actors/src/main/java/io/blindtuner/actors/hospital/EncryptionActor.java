package io.blindtuner.actors.hospital;

import io.blindtuner.actors.Failures;
import io.blindtuner.model.cloud.BatchSource;
import io.blindtuner.model.cloud.EncryptedTrainer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The hospital's encryption stage: encrypts the micro-batches of a job on request, on the HE dispatcher. Holds the
 * job's {@link BatchSource} (the hospital's data and key, behind that interface); the cloud gets only ciphertexts.
 */
public final class EncryptionActor extends AbstractBehavior<EncryptionActor.Command> {

  /** What the encryption actor accepts. */
  public sealed interface Command {}

  /** Encrypt micro-batch {@code microBatch} of step {@code step}. */
  public record Encrypt(String jobId, long step, int microBatch, ActorRef<Reply> replyTo) implements Command {}

  /** What it answers. */
  public sealed interface Reply {}

  /** The encrypted micro-batch. */
  public record Encrypted(String jobId, long step, int microBatch, EncryptedTrainer.Batch batch) implements Reply {}

  /** Encryption failed (e.g. a step out of range); the reason says why. */
  public record EncryptionFailed(String jobId, long step, int microBatch, String reason) implements Reply {}

  private final String jobId;
  private final BatchSource batches;

  public static Behavior<Command> create(String jobId, BatchSource batches) {
    return Behaviors.setup(ctx -> new EncryptionActor(ctx, jobId, batches));
  }

  private EncryptionActor(ActorContext<Command> ctx, String jobId, BatchSource batches) {
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
      e.replyTo().tell(new EncryptionFailed(e.jobId(), e.step(), e.microBatch(), "this encryption actor serves job "
          + jobId));
      return this;
    }
    try {
      e.replyTo().tell(new Encrypted(jobId, e.step(), e.microBatch(), batches.batch(Math.toIntExact(e.step()),
          e.microBatch())));
    } catch (RuntimeException ex) {
      // The hospital keeps serving other requests; the requester fails the job with this reason.
      getContext().getLog().warn("job {}: encryption of step {} micro-batch {} failed: {}", jobId, e.step(),
          e.microBatch(), Failures.describe(ex));
      e.replyTo().tell(new EncryptionFailed(jobId, e.step(), e.microBatch(), Failures.describe(ex)));
    }
    return this;
  }
}
