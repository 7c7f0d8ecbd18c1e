package io.blindtuner.actors.cloud;

import io.blindtuner.actors.Failures;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.StageKeys;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.Stages;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.plan.TrainingPlan;
import io.blindtuner.model.stage.HeOps;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One cloud stage of the head (attention, MLP or loss) as an actor: it runs that stage's phases of
 * the step ({@link Phase#MICRO_BATCH}) on the micro-batches sent to it, with only that stage's
 * evaluation keys ({@link StageKeys}: the Galois keys of its planned steps, relinearization keys if
 * it multiplies). Stateless between messages apart from its encoded masks, so a restart loses
 * nothing; the keys are passed to {@link #create} and survive restarts. Runs on the HE dispatcher
 * (its parent spawns it there).
 *
 * <p>On a failure it first answers the sender with {@link StageReply.Failed} (fatal or not, see
 * {@link Failures}), then throws so that its parent's supervision restarts or stops it.
 */
public final class StageActor extends AbstractBehavior<StageActor.Command> {

  /** What a stage actor accepts. */
  public sealed interface Command {}

  /**
   * Run one phase of this stage on one micro-batch.
   *
   * @param jobId the job
   * @param step the weight version
   * @param microBatch the micro-batch within the version
   * @param phase one of this stage's phases
   * @param inputs at least the phase's {@link Phase#inputs()}
   * @param replyTo gets {@link StageReply.Done} with the outputs, or {@link StageReply.Failed}
   */
  public record Run(
      String jobId,
      long step,
      int microBatch,
      Phase phase,
      Values<Ciphertext> inputs,
      ActorRef<StageReply> replyTo)
      implements Command {}

  private final String jobId;
  private final StageKind kind;
  private final TrainingPlan plan;
  private final HeOps ops;
  private final Stages<Ciphertext> stages;
  private final FaultInjector faults;
  private final int attempt;

  /**
   * The stages one actor can run: the ones with per-micro-batch phases other than the optimizer's.
   */
  public static final List<StageKind> KINDS =
      List.of(StageKind.ATTENTION, StageKind.MLP, StageKind.LOSS);

  /**
   * @param keys this stage's keys (their {@link StageKeys#stage()} says which stage the actor runs)
   * @param starts counts the actor's starts across restarts (for the fault injector and tests)
   * @throws IllegalArgumentException if the keys are the optimizer's (see {@link OptimizerActor})
   */
  public static Behavior<Command> create(
      String jobId,
      TrainingPlan plan,
      StageKeys keys,
      CkksParameters params,
      CkksEncoder encoder,
      Parallelism parallelism,
      FaultInjector faults,
      AtomicInteger starts) {
    if (!KINDS.contains(keys.stage())) {
      throw new IllegalArgumentException("a stage actor runs " + KINDS + ", not " + keys.stage());
    }
    return Behaviors.setup(
        ctx ->
            new StageActor(
                ctx,
                jobId,
                plan,
                keys,
                keys.ops(params, encoder, parallelism),
                faults,
                starts.incrementAndGet()));
  }

  private StageActor(
      ActorContext<Command> ctx,
      String jobId,
      TrainingPlan plan,
      StageKeys keys,
      HeOps ops,
      FaultInjector faults,
      int attempt) {
    super(ctx);
    this.jobId = jobId;
    this.kind = keys.stage();
    this.plan = plan;
    this.ops = ops;
    this.stages = Stages.of(plan.spec(), plan.gradientLevel(), List.of(kind), k -> ops);
    this.faults = faults;
    this.attempt = attempt;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Run.class, this::onRun).build();
  }

  private Behavior<Command> onRun(Run r) {
    String misrouted =
        !r.jobId().equals(jobId)
            ? "stage '" + kind.label() + "' of job " + jobId + " got a command of job " + r.jobId()
            : r.phase().stage() != kind
                ? "stage '" + kind.label() + "' got the phase " + r.phase().label()
                : null;
    if (misrouted != null) {
      // The sender's mistake: refused to it, and this job's stage goes on serving.
      getContext().getLog().warn(misrouted);
      r.replyTo()
          .tell(
              new StageReply.Failed(
                  r.jobId(), r.step(), r.microBatch(), kind.label(), misrouted, true));
      return this;
    }
    try {
      faults.before(kind.label(), r.step(), r.microBatch(), attempt);
      long rotations = ops.counter().rotations();
      long products = ops.counter().products();
      Values<Ciphertext> out = r.phase().run(stages, r.inputs(), plan.entryLevels(r.phase()), null);
      r.replyTo()
          .tell(
              new StageReply.Done(
                  jobId,
                  r.step(),
                  r.microBatch(),
                  out,
                  ops.counter().rotations() - rotations,
                  ops.counter().products() - products));
      return this;
    } catch (RuntimeException e) {
      // Answered, then rethrown: the parent's supervision restarts (transient) or stops (fatal)
      // this actor.
      r.replyTo()
          .tell(
              new StageReply.Failed(
                  r.jobId(),
                  r.step(),
                  r.microBatch(),
                  kind.label(),
                  "stage '"
                      + kind.label()
                      + "' ("
                      + r.phase().pass()
                      + ", step "
                      + r.step()
                      + ", micro-batch "
                      + r.microBatch()
                      + "): "
                      + Failures.describe(e),
                  Failures.isFatal(e)));
      throw e;
    }
  }
}
