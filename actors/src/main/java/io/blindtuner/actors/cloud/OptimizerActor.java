package io.blindtuner.actors.cloud;

import io.blindtuner.actors.Failures;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.cloud.EncryptedTrainer;
import io.blindtuner.model.cloud.Operand;
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
 * The optimizer stage: owns the encrypted weights (parameters and velocities) of the job, sums the
 * gradients of a version's micro-batches as they arrive, and applies Nesterov once per version. Its
 * {@link OptimizerState} is replaced whole in a {@link StateStore}, so weights are never
 * half-applied and a restart resumes from the last complete state. Duplicate deliveries are
 * recognised by step and micro-batch and change nothing. Holds no Galois keys and no
 * relinearization keys (its plan has neither).
 */
public final class OptimizerActor extends AbstractBehavior<OptimizerActor.Command> {

  /** What the optimizer accepts. */
  public sealed interface Command {}

  /**
   * Ask for the current weights.
   *
   * @param replyTo gets {@link StageReply.Done} whose outputs are the weights and whose step is
   *     their version
   */
  public record Current(String jobId, ActorRef<StageReply> replyTo) implements Command {}

  /**
   * Add one micro-batch's gradients ({@link Operand#GRADIENTS}) to those of its step.
   *
   * @param replyTo gets {@link StageReply.Done} (no outputs) or {@link StageReply.Failed}
   */
  public record Accumulate(
      String jobId,
      long step,
      int microBatch,
      Values<Ciphertext> gradients,
      ActorRef<StageReply> replyTo)
      implements Command {}

  /**
   * Apply the mean of step {@code step}'s accumulated gradients.
   *
   * @param microBatches how many micro-batches the step has (all must be accumulated)
   * @param learningRate the step's learning rate
   * @param weights the current weights, refreshed to the plan's levels where the last update left
   *     them low
   * @param replyTo gets {@link StageReply.Done} with the new weights, or {@link StageReply.Failed}
   */
  public record Apply(
      String jobId,
      long step,
      int microBatches,
      double learningRate,
      Values<Ciphertext> weights,
      ActorRef<StageReply> replyTo)
      implements Command {}

  private final String jobId;
  private final TrainingPlan plan;
  private final HeOps ops;
  private final Stages<Ciphertext> stages;
  private final StateStore<OptimizerState> store;
  private final FaultInjector faults;
  private final int attempt;

  /**
   * @param keys the optimizer's keys (none in practice: its plan has no rotations or products)
   * @param store holds the state across restarts; its current value is where the actor starts
   * @param starts counts the actor's starts across restarts
   * @throws IllegalArgumentException if the keys are another stage's
   */
  public static Behavior<Command> create(
      String jobId,
      TrainingPlan plan,
      StageKeys keys,
      CkksParameters params,
      CkksEncoder encoder,
      Parallelism parallelism,
      StateStore<OptimizerState> store,
      FaultInjector faults,
      AtomicInteger starts) {
    if (keys.stage() != StageKind.OPTIMIZER) {
      throw new IllegalArgumentException(
          "the optimizer actor needs the optimizer's keys, not " + keys.stage());
    }
    return Behaviors.setup(
        ctx ->
            new OptimizerActor(
                ctx,
                jobId,
                plan,
                keys.ops(params, encoder, parallelism),
                store,
                faults,
                starts.incrementAndGet()));
  }

  private OptimizerActor(
      ActorContext<Command> ctx,
      String jobId,
      TrainingPlan plan,
      HeOps ops,
      StateStore<OptimizerState> store,
      FaultInjector faults,
      int attempt) {
    super(ctx);
    this.jobId = jobId;
    this.plan = plan;
    this.ops = ops;
    this.stages =
        Stages.of(plan.spec(), plan.gradientLevel(), List.of(StageKind.OPTIMIZER), k -> ops);
    this.store = store;
    this.faults = faults;
    this.attempt = attempt;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Current.class, this::onCurrent)
        .onMessage(Accumulate.class, this::onAccumulate)
        .onMessage(Apply.class, this::onApply)
        .build();
  }

  private Behavior<Command> onCurrent(Current c) {
    checkJob(c.jobId());
    OptimizerState s = store.get();
    c.replyTo().tell(new StageReply.Done(jobId, s.version(), -1, s.weights(), 0, 0));
    return this;
  }

  private Behavior<Command> onAccumulate(Accumulate a) {
    return guarded(
        a.jobId(),
        a.step(),
        a.microBatch(),
        a.replyTo(),
        () -> {
          OptimizerState s = store.get();
          if (a.step() < s.version()
              || (a.step() == s.version() && s.accumulated().contains(a.microBatch()))) {
            getContext()
                .getLog()
                .info(
                    "job {}: duplicate gradients of step {} micro-batch {} ignored",
                    jobId,
                    a.step(),
                    a.microBatch());
          } else {
            checkStep(a.step(), s);
            faults.before(StageKind.OPTIMIZER.label(), a.step(), a.microBatch(), attempt);
            store.set(
                s.accumulate(a.microBatch(), Phase.accumulate(ops, s.gradients(), a.gradients())));
          }
          return Values.empty();
        });
  }

  private Behavior<Command> onApply(Apply a) {
    return guarded(
        a.jobId(),
        a.step(),
        -1,
        a.replyTo(),
        () -> {
          OptimizerState s = store.get();
          if (a.step() < s.version()) {
            getContext()
                .getLog()
                .info("job {}: update of step {} already applied", jobId, a.step());
            return s.weights();
          }
          checkStep(a.step(), s);
          if (s.accumulated().size() != a.microBatches()) {
            throw new IllegalStateException(
                "step "
                    + a.step()
                    + " has "
                    + s.accumulated().size()
                    + " of "
                    + a.microBatches()
                    + " micro-batches accumulated");
          }
          faults.before(StageKind.OPTIMIZER.label(), a.step(), -1, attempt);
          Values<Ciphertext> in = EncryptedTrainer.checkWeights(a.weights()).with(s.gradients());
          Values<Ciphertext> next =
              Phase.OPTIMIZER_UPDATE.run(
                  stages,
                  in,
                  plan.entryLevels(Phase.OPTIMIZER_UPDATE),
                  new Phase.Update(a.learningRate(), a.microBatches()));
          store.set(s.next(next));
          return next;
        });
  }

  private void checkStep(long step, OptimizerState s) {
    if (step != s.version()) {
      throw new IllegalStateException(
          "got step " + step + " but the weights are at version " + s.version());
    }
  }

  private void checkJob(String id) {
    if (!id.equals(jobId)) {
      throw new IllegalArgumentException(
          "the optimizer of job " + jobId + " got a command of job " + id);
    }
  }

  private Behavior<Command> guarded(
      String id,
      long step,
      int microBatch,
      ActorRef<StageReply> replyTo,
      java.util.function.Supplier<Values<Ciphertext>> work) {
    try {
      checkJob(id);
      Values<Ciphertext> out = work.get();
      replyTo.tell(new StageReply.Done(jobId, step, microBatch, out, 0, 0));
      return this;
    } catch (RuntimeException e) {
      // Answered, then rethrown for the parent's supervision (see StageActor).
      replyTo.tell(
          new StageReply.Failed(
              id,
              step,
              microBatch,
              StageKind.OPTIMIZER.label(),
              "stage 'optimizer' (step " + step + "): " + Failures.describe(e),
              Failures.isFatal(e)));
      throw e;
    }
  }
}
