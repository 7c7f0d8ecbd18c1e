package io.blindtuner.pipeline.stream;

import com.typesafe.config.Config;
import io.blindtuner.actors.ActorSystems;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.actors.cloud.JobGuardian;
import io.blindtuner.actors.cloud.OptimizerState;
import io.blindtuner.actors.cloud.StateStore;
import io.blindtuner.config.ActorSettings;
import io.blindtuner.config.PipelineSettings;
import io.blindtuner.config.SettingsException;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.TrainingJob;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Runs a job's cloud side through the actor graph ({@link TrainingGraph}): one actor system per job
 * whose guardian is the job's {@link JobGuardian}, HE work on the HE dispatcher. The hospital is
 * reached only through the job's {@link io.blindtuner.model.cloud.BatchFeed} and {@link
 * io.blindtuner.model.cloud.Refresher}. Micro-batches in flight are bounded by {@code
 * blindtuner.pipeline} (and so are the ciphertexts alive).
 */
public final class OverlappedSchedule implements TrainingSchedule {
  /**
   * Weights (parameters and velocities) and accumulated gradients: held once per job whatever is in
   * flight.
   */
  static final int FIXED_CIPHERTEXTS = 3 * Operand.PARAMETERS.size();

  private final Config config;
  private final ActorSettings actors;
  private final PipelineSettings pipeline;
  private final FaultInjector faults;
  private final CiphertextGauge gauge = new CiphertextGauge();
  private final MeterRegistry metrics;

  /**
   * @param config the whole configuration (reference.conf and overrides)
   * @throws SettingsException naming the key at fault
   */
  public OverlappedSchedule(Config config, FaultInjector faults) {
    this(config, faults, new SimpleMeterRegistry());
  }

  /**
   * @param metrics where the graph reports stage latencies, HE operations, refreshes, micro-batches
   *     in flight and ciphertexts alive
   * @throws SettingsException naming the key at fault
   */
  public OverlappedSchedule(Config config, FaultInjector faults, MeterRegistry metrics) {
    this.config = config;
    this.actors = ActorSettings.from(config);
    this.pipeline = PipelineSettings.from(config);
    this.faults = faults;
    this.metrics = metrics;
    Gauge.builder("blindtuner.ciphertexts.alive", gauge, CiphertextGauge::alive)
        .description(
            "ciphertexts held by training graphs (bounded by blindtuner.pipeline.max-ciphertexts-alive)")
        .register(metrics);
  }

  /** Ciphertexts alive right now (and the peak): the gauge metrics export. */
  public CiphertextGauge gauge() {
    return gauge;
  }

  /**
   * Micro-batches in flight for a job: the configured number, fewer if the ciphertext bound allows
   * fewer, never more than a version has.
   *
   * @throws SettingsException if the bound cannot hold even one micro-batch
   */
  public int inFlight(TrainingJob job) {
    // A micro-batch in flight holds its values; the next version's batches are encrypted ahead (3
    // each).
    int perMicroBatch = job.plan().peakCiphertextsPerMicroBatch() + 3;
    int room = pipeline.maxCiphertextsAlive() - FIXED_CIPHERTEXTS - 3 * job.microBatches();
    if (room < perMicroBatch) {
      throw new SettingsException(
          PipelineSettings.SECTION + ".max-ciphertexts-alive",
          "must be at least "
              + (FIXED_CIPHERTEXTS + 3 * job.microBatches() + perMicroBatch)
              + " for one micro-batch of this job, got "
              + pipeline.maxCiphertextsAlive());
    }
    return Math.max(
        1,
        Math.min(
            Math.min(pipeline.microBatchesInFlight(), room / perMicroBatch), job.microBatches()));
  }

  @Override
  public Result run(TrainingJob job) {
    int inFlight = inFlight(job);
    StateStore<OptimizerState> store =
        new StateStore<>(OptimizerState.initial(job.firstStep(), job.initialWeights()));
    ActorSystem<JobGuardian.Command> system =
        ActorSystem.create(
            JobGuardian.create(job, actors, store, faults),
            "blindtuner-" + job.id().replaceAll("[^A-Za-z0-9-]", "-"),
            config);
    try {
      CompletableFuture<Void> failure = new CompletableFuture<>();
      ActorRef<JobGuardian.JobFailed> watcher =
          system.systemActorOf(
              Behaviors.receiveMessage(
                  f -> {
                    failure.completeExceptionally(new IllegalStateException(f.reason()));
                    return Behaviors.stopped();
                  }),
              "job-watcher",
              org.apache.pekko.actor.typed.Props.empty());
      system.tell(new JobGuardian.WatchFailure(watcher));
      JobGuardian.StageRefs refs =
          AskPattern.<JobGuardian.Command, JobGuardian.StageRefs>ask(
                  system, JobGuardian.GetStages::new, actors.askTimeout(), system.scheduler())
              .toCompletableFuture()
              .join();
      TrainingGraph graph =
          new TrainingGraph(job, system, refs, actors, inFlight, gauge, metrics, failure);
      gauge.add(FIXED_CIPHERTEXTS);
      try {
        graph.run().toCompletableFuture().get();
      } catch (ExecutionException e) {
        Throwable c =
            e.getCause() instanceof CompletionException ce && ce.getCause() != null
                ? ce.getCause()
                : e.getCause();
        throw c instanceof RuntimeException r
            ? r
            : new IllegalStateException("job " + job.id() + " failed", c);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("job " + job.id() + " interrupted", e);
      } finally {
        gauge.add(-FIXED_CIPHERTEXTS);
      }
      return new Result(store.get().weights(), graph.rotations(), graph.products(), gauge.peak());
    } finally {
      ActorSystems.terminate(system, actors.askTimeout());
    }
  }
}
