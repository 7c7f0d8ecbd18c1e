package io.blindtuner.pipeline.cloud;

import com.typesafe.config.Config;
import io.blindtuner.actors.ActorSystems;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.config.ActorSettings;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.cloud.Checkpointer;
import io.blindtuner.model.cloud.EncryptedPredictor;
import io.blindtuner.model.cloud.RefreshRefusedException;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.pipeline.kafka.BlobRef;
import io.blindtuner.pipeline.kafka.BlobStore;
import io.blindtuner.pipeline.kafka.Commits;
import io.blindtuner.pipeline.kafka.CompactedTopics;
import io.blindtuner.pipeline.kafka.DeadLetters;
import io.blindtuner.pipeline.kafka.IngestRecord;
import io.blindtuner.pipeline.kafka.KafkaConnection;
import io.blindtuner.pipeline.kafka.KafkaIngest;
import io.blindtuner.pipeline.kafka.KafkaPublisher;
import io.blindtuner.pipeline.kafka.MalformedRecordException;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.stream.OverlappedSchedule;
import io.blindtuner.pipeline.wire.CipherMessage;
import io.blindtuner.pipeline.wire.ClaimCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cloud trainer: takes a job's announcement, fetches its bundle, and trains it on the
 * overlapped actor graph with micro-batches read from Kafka and refreshes as Kafka round trips;
 * checkpoints its weights every {@code checkpointEvery} steps (blob, then the checkpoint record,
 * then the commit of the micro-batch records the checkpoint covers) and resumes from the latest
 * checkpoint, so a crash loses nothing and applies nothing twice; publishes the final encrypted
 * model. Holds no secret key and never sees a plaintext.
 */
public final class TrainerService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);

  /**
   * The role of the consumer group that takes job announcements (its id is the configured prefix +
   * this). An announcement is committed once its model is published, so this group's lag counts
   * unfinished jobs: what the trainer's autoscaler in k8s/ measures.
   */
  public static final String JOBS_ROLE = "trainer.jobs";

  private final Config config;
  private final KafkaConnection kafka;
  private final BlobStore blobs;
  private final MeterRegistry metrics;
  private final int checkpointEvery;
  private final Duration timeout;
  private final FaultInjector faults;
  private final ActorSystem<Void> io;
  private final KafkaPublisher publisher;
  private final DeadLetters deadLetters;
  private final ExecutorService blobIo =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "blindtuner-trainer-blobs");
            t.setDaemon(true);
            return t;
          });
  private final Counter checkpoints;
  private final Counter deadLettered;

  /**
   * What a job's run did.
   *
   * @param jobId the job
   * @param firstStep where it started (0, or the checkpoint it resumed from)
   * @param steps the job's steps
   * @param checkpoints checkpoints written
   * @param batchRecords micro-batch records trained on
   * @param deadLetters records dead-lettered
   * @param seconds wall time of the run
   * @param model the claim check of the published model
   */
  public record Report(
      String jobId,
      int firstStep,
      int steps,
      long checkpoints,
      long batchRecords,
      long deadLetters,
      double seconds,
      BlobRef model) {}

  /**
   * @param checkpointEvery write a checkpoint after every this many steps (and after the last)
   * @param timeout the longest wait for the cluster or a refresh round trip
   * @param faults failures to inject into the stage actors ({@link FaultInjector#NONE} but in the
   *     fault suite)
   */
  public TrainerService(
      Config config,
      KafkaConnection kafka,
      BlobStore blobs,
      MeterRegistry metrics,
      int checkpointEvery,
      Duration timeout,
      FaultInjector faults) {
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException(
          "checkpoint interval must be >= 1 step, got " + checkpointEvery);
    }
    this.config = config;
    this.kafka = kafka;
    this.blobs = blobs;
    this.metrics = metrics;
    this.checkpointEvery = checkpointEvery;
    this.timeout = timeout;
    this.faults = faults;
    this.io = ActorSystem.create(Behaviors.empty(), "blindtuner-trainer-io", config);
    this.publisher = new KafkaPublisher(kafka);
    this.deadLetters = new DeadLetters(publisher);
    this.checkpoints = metrics.counter("blindtuner.checkpoints");
    this.deadLettered = metrics.counter("blindtuner.dead.letters", "service", "trainer");
  }

  /**
   * Waits for the next job announcement, trains the job and commits the announcement once its model
   * is published. A malformed announcement is dead-lettered and the next one awaited.
   *
   * @throws UncheckedIOException if a blob cannot be read or written
   * @throws RuntimeException from the job (its stage, a refusal, a timeout) with the reason
   */
  public Report trainNext(IntConsumer onStep) {
    // the announcement is committed inside the stream, while its consumer still owns the partition
    // (take(1) comes last: cancelling earlier would close the consumer and lose the partition
    // before the commit)
    ExecutorService runner =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "blindtuner-trainer-job"));
    AtomicBoolean started = new AtomicBoolean();
    try {
      return KafkaIngest.source(kafka, JOBS_ROLE, List.of(Topic.JOBS), metrics)
          .mapAsync(1, r -> usable(r).thenApply(ok -> ok ? r : null))
          .filter(r -> r != null && started.compareAndSet(false, true))
          .mapAsync(
              1,
              r ->
                  CompletableFuture.supplyAsync(
                          () -> train(ClaimCheck.parse(r.value()), onStep), runner)
                      .thenCompose(report -> r.commit().thenApply(d -> report)))
          .take(1)
          .runWith(Sink.head(), io)
          .toCompletableFuture()
          .join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    } finally {
      runner.shutdown();
    }
  }

  /**
   * Completes true if the announcement parses; else dead-letters it (and commits it) and completes
   * false.
   */
  private CompletionStage<Boolean> usable(IngestRecord r) {
    try {
      ClaimCheck.parse(r.value()).spec();
      return CompletableFuture.completedFuture(true);
    } catch (MalformedRecordException e) {
      deadLettered.increment();
      return deadLetters.send(r, e).thenApply(d -> false);
    }
  }

  /**
   * Trains an announced job to its end, resuming from its latest checkpoint if there is one.
   *
   * @throws MalformedRecordException if the announcement's job or bundle cannot be used
   * @throws UncheckedIOException if a blob cannot be read or written
   * @throws RuntimeException from the job with the reason
   */
  public Report train(ClaimCheck announcement, IntConsumer onStep) {
    long t0 = System.nanoTime();
    String id = announcement.spec().jobId();
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    CloudJob cloud =
        CloudJob.create(
            announcement.spec(), read(announcement.blob()), Topic.BATCHES.maxRecordBytes());
    int steps = Math.toIntExact(cloud.spec().steps());
    int firstStep = 0;
    Values<Ciphertext> weights = cloud.initialWeights();
    Optional<byte[]> latest = CompactedTopics.latest(kafka, Topic.CHECKPOINTS, key, timeout);
    if (latest.isPresent()) {
      ClaimCheck c = ClaimCheck.parse(latest.get());
      firstStep = Math.toIntExact(c.version());
      weights = cloud.weights(read(c.blob()), CipherMessage.Kind.WEIGHTS, firstStep);
    }
    int start = firstStep;
    RecordBatchFeed feed = new RecordBatchFeed(cloud.spec().microBatchesPerStep());
    RemoteRefresher refresher =
        new RemoteRefresher(
            cloud,
            request -> publisher.publish(Topic.REFRESH_REQUESTS, key, request, List.of()),
            timeout);
    ConcurrentSkipListMap<Integer, List<IngestRecord>> uncommitted = new ConcurrentSkipListMap<>();
    AtomicLong batchRecords = new AtomicLong();
    AtomicLong written = new AtomicLong();
    List<UniqueKillSwitch> streams = new CopyOnWriteArrayList<>();
    try {
      Pair<UniqueKillSwitch, CompletionStage<Done>> batches =
          KafkaIngest.source(kafka, "trainer." + id + ".batches", List.of(Topic.BATCHES), metrics)
              .viaMat(KillSwitches.single(), Keep.right())
              .mapAsync(
                  1,
                  r -> {
                    if (!Arrays.equals(r.key(), key)) {
                      return passed(r); // another job's: not this group's work
                    }
                    CloudJob.Batch b;
                    try {
                      b = cloud.batch(r.value());
                    } catch (MalformedRecordException e) {
                      deadLettered.increment();
                      return deadLetters.send(r, e);
                    }
                    if (b.step() < start) {
                      return passed(r); // covered by the checkpoint resumed from
                    }
                    uncommitted.computeIfAbsent(b.step(), s -> new CopyOnWriteArrayList<>()).add(r);
                    batchRecords.incrementAndGet();
                    return feed.offer(b).thenApply(taken -> Done.getInstance());
                  })
              .toMat(Sink.ignore(), Keep.both())
              .run(io);
      streams.add(batches.first());
      batches
          .second()
          .whenComplete(
              (d, e) ->
                  feed.fail(
                      e != null
                          ? e
                          : new IllegalStateException(
                              "the micro-batch stream of job " + id + " ended")));
      streams.add(replies(id, key, refresher, "replies"));
      Checkpointer checkpointer =
          (next, w) -> {
            if (next % checkpointEvery != 0 && next != steps) {
              return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.supplyAsync(
                    () -> write(cloud.weightsRecord(CipherMessage.Kind.WEIGHTS, next, w)), blobIo)
                .thenCompose(
                    ref ->
                        publisher.publish(
                            Topic.CHECKPOINTS,
                            key,
                            new ClaimCheck(null, next, ref).toBytes(),
                            List.of()))
                .thenAccept(
                    p -> {
                      written.incrementAndGet();
                      checkpoints.increment();
                      List<Integer> covered = new ArrayList<>(uncommitted.headMap(next).keySet());
                      for (int s : covered) {
                        uncommitted.remove(s).forEach(IngestRecord::commit);
                      }
                    });
          };
      TrainingSchedule.Result result =
          new OverlappedSchedule(config, faults, metrics)
              .run(cloud.job(feed, refresher, firstStep, weights, onStep, checkpointer));
      BlobRef model = write(cloud.weightsRecord(CipherMessage.Kind.MODEL, steps, result.weights()));
      publisher
          .publish(Topic.MODELS, key, new ClaimCheck(null, steps, model).toBytes(), List.of())
          .toCompletableFuture()
          .join();
      return new Report(
          id,
          firstStep,
          steps,
          written.get(),
          batchRecords.get(),
          deadLetters.sent(),
          (System.nanoTime() - t0) / 1e9,
          model);
    } finally {
      streams.forEach(UniqueKillSwitch::shutdown);
    }
  }

  /**
   * A record the batch stream passes over: its commit is requested, not awaited ({@link Commits}).
   */
  private static CompletionStage<Done> passed(IngestRecord r) {
    Commits.request(r);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /**
   * Takes the job's refresh replies for {@code refresher} until the returned switch is shut down.
   */
  private UniqueKillSwitch replies(String id, byte[] key, RemoteRefresher refresher, String role) {
    return KafkaIngest.source(
            kafka, "trainer." + id + "." + role, List.of(Topic.REFRESH_REPLIES), metrics)
        .viaMat(KillSwitches.single(), Keep.right())
        .mapAsync(
            1,
            r -> {
              if (Arrays.equals(r.key(), key)) {
                try {
                  refresher.onReply(r.value());
                } catch (MalformedRecordException e) {
                  deadLettered.increment();
                  return deadLetters.send(r, e);
                }
              }
              // A reply is done once handed over: its commit need not hold the next one up.
              Commits.request(r);
              return CompletableFuture.completedFuture(Done.getInstance());
            })
        .toMat(Sink.ignore(), Keep.left())
        .run(io);
  }

  /**
   * Serves encrypted predictions with a trained job's final weights (its last checkpoint): each
   * inference request of the job runs through the attention and MLP stages, with the one planned
   * refresh round trip to the hospital, and its encrypted logits are published to {@link
   * Topic#INFERENCE_REPLIES}; the request is committed after its reply is acknowledged. A malformed
   * request, or one whose refresh the hospital refused, is dead-lettered with the reason. Runs
   * until the returned handle is closed.
   *
   * @param id the job, as announced on {@link Topic#JOBS}
   * @throws IllegalStateException if the job was never announced or has not finished training (no
   *     checkpoint of its last version)
   * @throws MalformedRecordException if the announcement's job or bundle cannot be used
   * @throws UncheckedIOException if a blob cannot be read
   */
  public AutoCloseable serve(String id) {
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    ClaimCheck announcement =
        ClaimCheck.parse(
            CompactedTopics.latest(kafka, Topic.JOBS, key, timeout)
                .orElseThrow(
                    () -> new IllegalStateException("job " + id + " was never announced")));
    CloudJob cloud =
        CloudJob.create(
            announcement.spec(), read(announcement.blob()), Topic.BATCHES.maxRecordBytes());
    long steps = cloud.spec().steps();
    ClaimCheck last =
        ClaimCheck.parse(
            CompactedTopics.latest(kafka, Topic.CHECKPOINTS, key, timeout)
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "job " + id + " has no checkpoint: train it first")));
    if (last.version() != steps) {
      throw new IllegalStateException(
          "job "
              + id
              + " is at version "
              + last.version()
              + " of "
              + steps
              + ": train it to the end first");
    }
    RemoteRefresher refresher =
        new RemoteRefresher(
            cloud,
            request -> publisher.publish(Topic.REFRESH_REQUESTS, key, request, List.of()),
            timeout);
    EncryptedPredictor predictor =
        cloud.predictor(
            refresher, cloud.weights(read(last.blob()), CipherMessage.Kind.WEIGHTS, steps));
    ExecutorService runner =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "blindtuner-inference-" + id));
    UniqueKillSwitch replies = replies(id, key, refresher, "inference-replies");
    Pair<UniqueKillSwitch, CompletionStage<Done>> requests =
        KafkaIngest.source(
                kafka, "trainer." + id + ".inference", List.of(Topic.INFERENCE_REQUESTS), metrics)
            .viaMat(KillSwitches.single(), Keep.right())
            .mapAsync(
                1,
                r -> {
                  if (!Arrays.equals(r.key(), key)) {
                    return r.commit();
                  }
                  CloudJob.Inference in;
                  try {
                    in = cloud.inference(r.value());
                  } catch (MalformedRecordException e) {
                    deadLettered.increment();
                    return deadLetters.send(r, e);
                  }
                  return CompletableFuture.supplyAsync(
                          () ->
                              cloud.inferenceReply(
                                  in.request(),
                                  predictor.logits(in.request(), in.tokens(), in.means())),
                          runner)
                      .thenCompose(
                          v -> publisher.publish(Topic.INFERENCE_REPLIES, key, v, List.of()))
                      .thenCompose(p -> r.commit())
                      .exceptionallyCompose(
                          e -> {
                            Throwable cause =
                                e instanceof CompletionException && e.getCause() != null
                                    ? e.getCause()
                                    : e;
                            if (!(cause instanceof RefreshRefusedException)) {
                              return CompletableFuture.failedFuture(cause);
                            }
                            deadLettered.increment();
                            return deadLetters.send(
                                r, "inference request " + in.request() + ": " + cause.getMessage());
                          });
                })
            .toMat(Sink.ignore(), Keep.both())
            .run(io);
    AtomicBoolean closed = new AtomicBoolean();
    requests
        .second()
        .whenComplete(
            (d, e) -> {
              // after close, the stream may end abruptly with the actor system: that is the
              // shutdown, not a failure
              if (e != null && !closed.get()) {
                LOG.error("job {}: inference stopped: {}", id, e.toString());
              }
            });
    return () -> {
      closed.set(true);
      requests.first().shutdown();
      replies.shutdown();
      runner.shutdown();
    };
  }

  private byte[] read(BlobRef ref) {
    try {
      return blobs.get(ref);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + ref.uri(), e);
    }
  }

  private BlobRef write(byte[] bytes) {
    try {
      return blobs.put(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a blob to the blob store", e);
    }
  }

  @Override
  public void close() {
    publisher.close();
    blobIo.shutdown();
    ActorSystems.terminate(io, ActorSettings.from(config).askTimeout());
  }
}
