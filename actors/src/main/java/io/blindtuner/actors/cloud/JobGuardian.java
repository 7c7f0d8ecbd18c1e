package io.blindtuner.actors.cloud;

import io.blindtuner.actors.FaultInjector;
import io.blindtuner.config.ActorSettings;
import io.blindtuner.he.ckks.HeException;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.TrainingJob;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One per training job: spawns the job's stage actors on the HE dispatcher, each with only its own
 * keys, and declares their supervision — restart with backoff on a transient failure (keys and
 * state kept: the keys are arguments of the actors' factories, the optimizer's state lives in its
 * {@link StateStore}); stop on a fatal one (a homomorphic error such as a parameter mismatch or a
 * corrupted ciphertext, or a violated protocol; see {@link io.blindtuner.actors.Failures}) or after
 * too many restarts. When a stage stops, the guardian tells its watchers why and stops the job
 * (every stage).
 */
public final class JobGuardian extends AbstractBehavior<JobGuardian.Command> {

  /** What the guardian accepts. */
  public sealed interface Command {}

  /** Ask for the stage actors. */
  public record GetStages(ActorRef<StageRefs> replyTo) implements Command {}

  /** Be told if the job stops because a stage failed. */
  public record WatchFailure(ActorRef<JobFailed> replyTo) implements Command {}

  /** Ask how many times each stage actor has started (1 = never restarted). */
  public record GetStarts(ActorRef<Map<StageKind, Integer>> replyTo) implements Command {}

  /**
   * The job's stage actors.
   *
   * @param stages attention, MLP and loss
   * @param optimizer the optimizer
   */
  public record StageRefs(
      Map<StageKind, ActorRef<StageActor.Command>> stages,
      ActorRef<OptimizerActor.Command> optimizer) {}

  /**
   * The job stopped because a stage did.
   *
   * @param jobId the job
   * @param reason which stage and why
   */
  public record JobFailed(String jobId, String reason) {}

  private final String jobId;
  private final StageRefs refs;
  private final Map<ActorRef<?>, StageKind> kinds = new java.util.HashMap<>();
  private final EnumMap<StageKind, AtomicInteger> starts = new EnumMap<>(StageKind.class);
  private final List<ActorRef<JobFailed>> watchers = new ArrayList<>();

  /**
   * Spawns the stages on the HE dispatcher; an operation spreads its RNS limbs over {@code
   * he-threads-per-operation} threads of that same dispatcher (no threads of its own).
   *
   * @param store the optimizer's state (initially the job's initial weights)
   */
  public static Behavior<Command> create(
      TrainingJob job,
      ActorSettings settings,
      StateStore<OptimizerState> store,
      FaultInjector faults) {
    return Behaviors.setup(ctx -> new JobGuardian(ctx, job, settings, store, faults));
  }

  private JobGuardian(
      ActorContext<Command> ctx,
      TrainingJob job,
      ActorSettings settings,
      StateStore<OptimizerState> store,
      FaultInjector faults) {
    super(ctx);
    this.jobId = job.id();
    DispatcherSelector he = DispatcherSelector.fromConfig(settings.heDispatcher());
    Parallelism parallelism =
        settings.heThreadsPerOperation() == 1
            ? Parallelism.SERIAL
            : new Parallelism(
                ctx.getSystem().dispatchers().lookup(he), settings.heThreadsPerOperation());
    Map<StageKind, ActorRef<StageActor.Command>> stages = new EnumMap<>(StageKind.class);
    for (StageKind k : StageActor.KINDS) {
      AtomicInteger n = new AtomicInteger();
      starts.put(k, n);
      ActorRef<StageActor.Command> ref =
          ctx.spawn(
              supervised(
                  StageActor.create(
                      jobId,
                      job.plan(),
                      job.keys().get(k),
                      job.params(),
                      job.encoder(),
                      parallelism,
                      faults,
                      n),
                  settings),
              k.label(),
              he);
      stages.put(k, ref);
      watch(ref, k);
    }
    AtomicInteger n = new AtomicInteger();
    starts.put(StageKind.OPTIMIZER, n);
    ActorRef<OptimizerActor.Command> opt =
        ctx.spawn(
            supervised(
                OptimizerActor.create(
                    jobId,
                    job.plan(),
                    job.keys().get(StageKind.OPTIMIZER),
                    job.params(),
                    job.encoder(),
                    parallelism,
                    store,
                    faults,
                    n),
                settings),
            StageKind.OPTIMIZER.label(),
            he);
    watch(opt, StageKind.OPTIMIZER);
    this.refs = new StageRefs(Collections.unmodifiableMap(stages), opt);
  }

  private void watch(ActorRef<?> ref, StageKind k) {
    getContext().watch(ref);
    kinds.put(ref, k);
  }

  /** Fatal failures stop the actor (the default); any other exception restarts it with backoff. */
  static <T> Behavior<T> supervised(Behavior<T> b, ActorSettings s) {
    Behavior<T> stopOnFatal =
        Behaviors.supervise(
                Behaviors.supervise(
                        Behaviors.supervise(b)
                            .onFailure(HeException.class, SupervisorStrategy.stop()))
                    .onFailure(IllegalArgumentException.class, SupervisorStrategy.stop()))
            .onFailure(IllegalStateException.class, SupervisorStrategy.stop());
    return Behaviors.supervise(stopOnFatal)
        .onFailure(
            RuntimeException.class,
            SupervisorStrategy.restartWithBackoff(s.minBackoff(), s.maxBackoff(), s.randomFactor())
                .withMaxRestarts(s.maxRestarts())
                .withResetBackoffAfter(s.within()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(
            GetStages.class,
            g -> {
              g.replyTo().tell(refs);
              return this;
            })
        .onMessage(
            WatchFailure.class,
            w -> {
              watchers.add(w.replyTo());
              return this;
            })
        .onMessage(
            GetStarts.class,
            g -> {
              Map<StageKind, Integer> m = new EnumMap<>(StageKind.class);
              starts.forEach((k, v) -> m.put(k, v.get()));
              g.replyTo().tell(m);
              return this;
            })
        .onSignal(Terminated.class, this::onStageStopped)
        .build();
  }

  private Behavior<Command> onStageStopped(Terminated t) {
    StageKind k = kinds.get(t.getRef());
    String cause =
        t instanceof ChildFailed f
            ? io.blindtuner.actors.Failures.describe(f.getCause())
            : "stopped";
    String reason =
        "job "
            + jobId
            + " stopped: stage '"
            + (k == null ? t.getRef().path().name() : k.label())
            + "' failed: "
            + cause;
    getContext().getLog().error(reason);
    for (ActorRef<JobFailed> w : watchers) {
      w.tell(new JobFailed(jobId, reason));
    }
    return Behaviors.stopped();
  }
}
