package io.blindtuner.pipeline.stream;

import io.blindtuner.actors.cloud.JobGuardian;
import io.blindtuner.actors.cloud.OptimizerActor;
import io.blindtuner.actors.cloud.StageActor;
import io.blindtuner.actors.cloud.StageReply;
import io.blindtuner.config.ActorSettings;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.cloud.EncryptedTrainer;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.Phase;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.Refresher;
import io.blindtuner.model.cloud.TrainingJob;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.plan.TrainingPlan;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The overlapped training graph of one job. Per weight version: the optimizer's current weights and
 * the refresh of those the last update left low, sent in parts ({@link
 * TrainingPlan#weightRefreshParts}: the attention's weights, the MLP's, the velocities) so that the
 * first phase starts as soon as its own part is back while the others travel; meanwhile the
 * version's micro-batches go through the stage actors — attention forward, refresh, MLP forward,
 * refresh, loss, refresh, MLP backward, refresh, attention backward, gradients to the optimizer —
 * with up to {@code inFlight} micro-batches at once (each at a different stage while the others
 * compute), then one update. The next version's micro-batches are encrypted by the hospital while
 * this one computes. Asks are bounded by the ask timeout; a transient stage failure is retried
 * after the restart backoff, a fatal one or a job failure fails the run with its reason.
 */
final class TrainingGraph {
  private final TrainingJob job;
  private final TrainingPlan plan;
  private final ActorSystem<?> system;
  private final JobGuardian.StageRefs stages;
  private final Refresher refresher;
  private final ActorSettings settings;
  private final int inFlight;
  private final CiphertextGauge gauge;

  /** Asks and round trips not yet answered: failed at once if the job stops. */
  private final java.util.Set<CompletableFuture<?>> pending =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final AtomicLong rotations = new AtomicLong();
  private final AtomicLong products = new AtomicLong();
  private final AtomicInteger microBatchesInFlight = new AtomicInteger();
  private final MeterRegistry metrics;
  private final Timer roundTrips;

  /** A micro-batch's values in flight, with the count the gauge holds for it. */
  private record MicroBatch(long step, int index, Values<Ciphertext> values) {}

  /** A version's encrypted micro-batches. */
  private record StepBatches(int step, List<EncryptedTrainer.Batch> batches) {}

  TrainingGraph(
      TrainingJob job,
      ActorSystem<?> system,
      JobGuardian.StageRefs stages,
      ActorSettings settings,
      int inFlight,
      CiphertextGauge gauge,
      MeterRegistry metrics,
      CompletableFuture<Void> jobFailure) {
    this.job = job;
    this.plan = job.plan();
    this.system = system;
    this.stages = stages;
    this.refresher = job.refresher();
    this.settings = settings;
    this.inFlight = inFlight;
    this.gauge = gauge;
    this.metrics = metrics;
    this.roundTrips =
        Timer.builder("blindtuner.refresh.round.trips")
            .description("refresh round trips to the key holder")
            .tag("job", job.id())
            .register(metrics);
    Gauge.builder("blindtuner.microbatches.in.flight", microBatchesInFlight, AtomicInteger::get)
        .tag("job", job.id())
        .register(metrics);
    jobFailure.whenComplete(
        (v, e) -> {
          Throwable why = e != null ? e : new IllegalStateException("job " + job.id() + " stopped");
          pending.forEach(f -> f.completeExceptionally(why));
        });
  }

  long rotations() {
    return rotations.get();
  }

  long products() {
    return products.get();
  }

  /** Runs every step; completes when the last update is applied. */
  CompletionStage<Done> run() {
    return Source.range(job.firstStep(), job.steps() - 1)
        .mapAsync(
            2, this::encrypt) // one version ahead: the hospital encrypts while the cloud computes
        .mapAsync(1, this::version)
        .runWith(Sink.ignore(), system);
  }

  private CompletionStage<StepBatches> encrypt(int step) {
    List<CompletableFuture<EncryptedTrainer.Batch>> parts = new ArrayList<>();
    for (int mb = 0; mb < job.microBatches(); mb++) {
      parts.add(guard(job.batches().batch(step, mb)));
    }
    gauge.add(3L * job.microBatches());
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> new StepBatches(step, parts.stream().map(CompletableFuture::join).toList()));
  }

  private CompletionStage<Done> version(StepBatches sb) {
    int step = sb.step();
    return askOptimizer(to -> new OptimizerActor.Current(job.id(), to))
        .thenCompose(
            current -> {
              VersionWeights w = refreshWeights(step, current.outputs());
              List<MicroBatch> mbs = new ArrayList<>();
              for (int m = 0; m < sb.batches().size(); m++) {
                mbs.add(new MicroBatch(step, m, sb.batches().get(m).values()));
              }
              gauge.add(-3L * mbs.size()); // now held by the micro-batches
              return Source.from(mbs)
                  .mapAsyncUnordered(inFlight, mb -> microBatch(mb, w))
                  .runWith(Sink.ignore(), system)
                  .thenCompose(done -> w.all())
                  .thenCompose(
                      all ->
                          askOptimizer(
                              to ->
                                  new OptimizerActor.Apply(
                                      job.id(),
                                      step,
                                      mbs.size(),
                                      job.learningRate().applyAsDouble(step),
                                      all,
                                      to)));
            })
        .thenCompose(applied -> job.checkpoints().after(step + 1, applied.outputs()))
        .thenApply(
            kept -> {
              job.onStep().accept(step);
              return Done.getInstance();
            });
  }

  /**
   * Sends every part of the weights' refresh at once (the plan's order: the attention's first), so
   * each phase waits only for the part holding its own weights while the rest are on their way.
   */
  private VersionWeights refreshWeights(int step, Values<Ciphertext> current) {
    Map<Operand, CompletableFuture<Ciphertext>> weights = new EnumMap<>(Operand.class);
    current
        .operands()
        .forEach(op -> weights.put(op, CompletableFuture.completedFuture(current.get(op))));
    List<List<Operand>> parts = plan.belowPlanByPart(current, Ciphertext::level);
    for (int part = 0; part < parts.size(); part++) {
      List<Operand> ops = parts.get(part);
      if (ops.isEmpty()) {
        continue;
      }
      CompletableFuture<Values<Ciphertext>> f =
          refresh(RefreshId.weights(step, part), current, ops, plan.inputLevels(ops))
              .toCompletableFuture();
      ops.forEach(op -> weights.put(op, f.thenApply(v -> v.get(op))));
    }
    return new VersionWeights(weights);
  }

  /**
   * A version's weights, each arriving with its part's round trip (or at once if not refreshed).
   */
  private record VersionWeights(Map<Operand, CompletableFuture<Ciphertext>> weights) {
    /** The weights among {@code ops}, once they have all arrived. */
    CompletableFuture<Values<Ciphertext>> of(Collection<Operand> ops) {
      List<Operand> mine = ops.stream().filter(weights::containsKey).toList();
      return CompletableFuture.allOf(
              mine.stream().map(weights::get).toArray(CompletableFuture[]::new))
          .thenApply(
              v -> {
                Values<Ciphertext> out = Values.empty();
                for (Operand op : mine) {
                  out = out.with(op, weights.get(op).join());
                }
                return out;
              });
    }

    /** Every weight, refreshed where planned. */
    CompletableFuture<Values<Ciphertext>> all() {
      return of(weights.keySet());
    }
  }

  /**
   * One micro-batch through every phase (each once its weights have arrived) and its refresh, then
   * its gradients to the optimizer.
   */
  private CompletionStage<Done> microBatch(MicroBatch start, VersionWeights w) {
    gauge.add(owned(start.values()));
    microBatchesInFlight.incrementAndGet();
    CompletionStage<MicroBatch> s = CompletableFuture.completedFuture(start);
    for (Phase p : Phase.MICRO_BATCH) {
      s =
          s.thenCombine(
                  w.of(p.inputs()),
                  (mb, weights) -> new MicroBatch(mb.step(), mb.index(), mb.values().with(weights)))
              .thenCompose(mb -> phase(p, mb))
              .thenCompose(mb -> refreshAfter(p, mb));
    }
    return s.thenCompose(
        mb ->
            askOptimizer(
                    to ->
                        new OptimizerActor.Accumulate(
                            job.id(),
                            mb.step(),
                            mb.index(),
                            mb.values().only(Operand.GRADIENTS),
                            to))
                .thenApply(
                    d -> {
                      gauge.add(-owned(mb.values()));
                      microBatchesInFlight.decrementAndGet();
                      return Done.getInstance();
                    }));
  }

  /** The phase on its stage's actor; then only what later phases need is kept. */
  private CompletionStage<MicroBatch> phase(Phase p, MicroBatch mb) {
    ActorRef<StageActor.Command> actor = stages.stages().get(p.stage());
    long started = System.nanoTime();
    return askWithRetry(
            attempt ->
                AskPattern.<StageActor.Command, StageReply>ask(
                    actor,
                    to -> new StageActor.Run(job.id(), mb.step(), mb.index(), p, mb.values(), to),
                    settings.askTimeout(),
                    system.scheduler()),
            0)
        .thenApply(
            done -> {
              rotations.addAndGet(done.rotations());
              products.addAndGet(done.products());
              Timer.builder("blindtuner.stage.latency")
                  .description("one phase of one micro-batch on its stage actor")
                  .tags("stage", p.stage().label(), "pass", p.label())
                  .register(metrics)
                  .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
              metrics
                  .counter(
                      "blindtuner.he.operations", "kind", "rotation", "stage", p.stage().label())
                  .increment(done.rotations());
              metrics
                  .counter(
                      "blindtuner.he.operations", "kind", "product", "stage", p.stage().label())
                  .increment(done.products());
              Values<Ciphertext> next = mb.values().with(done.outputs());
              if (p.refreshed().isEmpty()) {
                next = live(p, next);
              }
              gauge.add(owned(next) - owned(mb.values()));
              return new MicroBatch(mb.step(), mb.index(), next);
            });
  }

  /** Ciphertexts a micro-batch holds of its own (the parameters are the version's, shared). */
  private static int owned(Values<Ciphertext> v) {
    return v.size() - (int) Operand.PARAMETERS.stream().filter(v::has).count();
  }

  private CompletionStage<MicroBatch> refreshAfter(Phase p, MicroBatch mb) {
    if (p.refreshed().isEmpty()) {
      return CompletableFuture.completedFuture(mb);
    }
    return refresh(
            new RefreshId(mb.step(), mb.index(), p),
            mb.values(),
            p.refreshed(),
            plan.refreshLevels(p))
        .thenApply(
            fresh -> {
              Values<Ciphertext> next = live(p, mb.values().with(fresh));
              gauge.add(owned(next) - owned(mb.values()));
              return new MicroBatch(mb.step(), mb.index(), next);
            });
  }

  private static Values<Ciphertext> live(Phase p, Values<Ciphertext> v) {
    return v.only(Phase.liveAfter(p)).with(v.only(Operand.PARAMETERS));
  }

  private CompletionStage<Values<Ciphertext>> refresh(
      RefreshId id, Values<Ciphertext> v, List<Operand> ops, int[] levels) {
    if (ops.isEmpty()) {
      return CompletableFuture.completedFuture(v);
    }
    long started = System.nanoTime();
    return guard(refresher.refresh(id, Refresher.request(v, ops), levels))
        .thenApply(
            out -> {
              roundTrips.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
              Values<Ciphertext> r = v;
              for (int i = 0; i < ops.size(); i++) {
                r = r.with(ops.get(i), out.get(i));
              }
              return r;
            });
  }

  private CompletionStage<StageReply.Done> askOptimizer(
      org.apache.pekko.japi.function.Function<ActorRef<StageReply>, OptimizerActor.Command>
          message) {
    return askWithRetry(
        attempt ->
            AskPattern.ask(stages.optimizer(), message, settings.askTimeout(), system.scheduler()),
        0);
  }

  /**
   * Asks, and on a transient failure (the actor restarted) asks again after the restart backoff, at
   * most the configured number of restarts.
   */
  private CompletionStage<StageReply.Done> askWithRetry(
      Function<Integer, CompletionStage<StageReply>> ask, int attempt) {
    return guard(ask.apply(attempt))
        .thenCompose(
            r -> {
              if (r instanceof StageReply.Done d) {
                return CompletableFuture.completedFuture(d);
              }
              StageReply.Failed f = (StageReply.Failed) r;
              if (f.fatal() || attempt >= settings.maxRestarts()) {
                return CompletableFuture.failedFuture(new IllegalStateException(f.reason()));
              }
              Executor later =
                  CompletableFuture.delayedExecutor(
                      backoff(attempt).toMillis(), TimeUnit.MILLISECONDS);
              return CompletableFuture.supplyAsync(() -> attempt + 1, later)
                  .thenCompose(a -> askWithRetry(ask, a));
            });
  }

  private Duration backoff(int attempt) {
    Duration d = settings.minBackoff().multipliedBy(1L << Math.min(attempt, 20));
    // Past the actor's own backoff, so the retry finds it restarted.
    return (d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d).plusMillis(50);
  }

  /** The stage's result, or the job's failure if a stage stopped first. */
  private <T> CompletableFuture<T> guard(CompletionStage<T> s) {
    CompletableFuture<T> out = new CompletableFuture<>();
    pending.add(out);
    s.whenComplete(
        (v, e) -> {
          if (e != null) {
            out.completeExceptionally(e);
          } else {
            out.complete(v);
          }
          pending.remove(out);
        });
    return out;
  }
}
