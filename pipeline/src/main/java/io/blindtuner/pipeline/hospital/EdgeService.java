package io.blindtuner.pipeline.hospital;

import com.typesafe.config.Config;
import io.blindtuner.actors.ActorSystems;
import io.blindtuner.config.ActorSettings;
import io.blindtuner.config.ServiceSettings;
import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.hospital.HospitalJob;
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
import io.blindtuner.pipeline.wire.ClaimCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hospital edge: announces a job (its spec, and its evaluation keys and initial weights as a
 * blob), publishes its encrypted micro-batches, answers the cloud's refresh requests through the
 * job's guard (a refusal is logged here with its reason; the cloud gets one opaque reply), and
 * opens the encrypted model when it comes back. The only service that holds a secret key.
 */
public final class EdgeService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeService.class);

  private final Config config;
  private final KafkaConnection kafka;
  private final BlobStore blobs;
  private final MeterRegistry metrics;
  private final ActorSystem<Void> io;
  private final KafkaPublisher publisher;
  private final DeadLetters deadLetters;
  private final Counter deadLettered;
  private final Counter refreshes;
  private final Duration timeout;

  public EdgeService(Config config, KafkaConnection kafka, BlobStore blobs, MeterRegistry metrics) {
    this.config = config;
    this.kafka = kafka;
    this.blobs = blobs;
    this.metrics = metrics;
    this.io = ActorSystem.create(Behaviors.empty(), "blindtuner-edge-io", config);
    this.publisher = new KafkaPublisher(kafka);
    this.deadLetters = new DeadLetters(publisher);
    this.deadLettered = metrics.counter("blindtuner.dead.letters", "service", "edge");
    this.refreshes = metrics.counter("blindtuner.refresh.answered");
    this.timeout = ServiceSettings.from(config).timeout();
  }

  /** A job the edge serves: its refresh responder runs until {@link #close()}. */
  public final class Run implements AutoCloseable {
    private final EdgeJob job;
    private final byte[] key;
    private final UniqueKillSwitch responder;
    private final AtomicLong batchBytes = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    // numbers from a random start, so that a restarted edge never reuses one the cloud has seen
    private final AtomicLong nextRequest =
        new AtomicLong(new SecureRandom().nextLong() & ((1L << 40) - 1));
    private final Map<Long, CompletableFuture<Ciphertext>> pending = new ConcurrentHashMap<>();
    private UniqueKillSwitch inferenceReplies;

    private Run(EdgeJob job, byte[] key, UniqueKillSwitch responder) {
      this.job = job;
      this.key = key;
      this.responder = responder;
    }

    /**
     * Classifies images with the job's trained model in the cloud: encrypts them, sends one
     * inference request, answers its one refresh (and no other) and decrypts the reply, flooded.
     * The cloud sees ciphertexts only.
     *
     * @param index the images of {@code data}, 1 to {@link HospitalJob#imagesPerRequest()} of them
     * @return completes with the predictions, or exceptionally if the request could not be sent
     * @throws IllegalArgumentException if the images do not fit one request or the data is not the
     *     job's shape
     */
    public CompletionStage<HospitalJob.Predictions> predict(TokenSet data, int[] index) {
      synchronized (this) {
        if (inferenceReplies == null) {
          inferenceReplies =
              KafkaIngest.source(
                      kafka,
                      "edge." + job.spec().jobId() + ".inference",
                      List.of(Topic.INFERENCE_REPLIES),
                      metrics)
                  .viaMat(KillSwitches.single(), Keep.right())
                  .mapAsync(1, this::onInferenceReply)
                  .toMat(Sink.ignore(), Keep.left())
                  .run(io);
        }
      }
      long request = nextRequest.getAndIncrement();
      byte[] record = job.inferenceRequest(request, data, index);
      CompletableFuture<Ciphertext> reply = new CompletableFuture<>();
      pending.put(request, reply);
      publisher
          .publish(Topic.INFERENCE_REQUESTS, key, record, List.of())
          .whenComplete(
              (p, e) -> {
                if (e != null) {
                  reply.completeExceptionally(e);
                }
              });
      return reply
          .whenComplete((c, e) -> pending.remove(request))
          .thenApply(logits -> job.hospital().predictions(logits, index.length));
    }

    private CompletionStage<Done> onInferenceReply(IngestRecord r) {
      if (!Arrays.equals(r.key(), key)) {
        return r.commit();
      }
      EdgeJob.InferenceReply reply;
      try {
        reply = job.inferenceReply(r.value());
      } catch (MalformedRecordException e) {
        deadLettered.increment();
        return deadLetters.send(r, e);
      }
      CompletableFuture<Ciphertext> f = pending.get(reply.request());
      if (f != null) {
        f.complete(reply.logits());
      }
      return r.commit();
    }

    /**
     * Publishes every micro-batch of the job in order (encrypting each as it goes, a few in
     * flight).
     *
     * @return completes when the broker has them all
     */
    public CompletionStage<Done> publishBatches() {
      int mbs = job.spec().microBatchesPerStep();
      return Source.range(0, Math.toIntExact(job.spec().steps() * mbs) - 1)
          .mapAsync(2, i -> CompletableFuture.supplyAsync(() -> job.batch(i / mbs, i % mbs)))
          .mapAsync(
              4,
              v -> {
                batchBytes.addAndGet(v.length);
                records.incrementAndGet();
                return publisher.publish(Topic.BATCHES, key, v, List.of());
              })
          .runWith(Sink.ignore(), io);
    }

    /**
     * Waits for the job's model and opens it.
     *
     * @throws java.util.concurrent.CompletionException wrapping a timeout or an unreadable model
     */
    public HospitalJob.Opened awaitModel(Duration timeout) {
      if (job.resumed()) {
        // the model may have come back, and been taken, before the restart
        Optional<byte[]> model = CompactedTopics.latest(kafka, Topic.MODELS, key, timeout);
        if (model.isPresent()) {
          return job.open(read(ClaimCheck.parse(model.get()).blob()));
        }
      }
      // opened and committed inside the stream, while its consumer still owns the partition
      AtomicBoolean opened = new AtomicBoolean();
      return KafkaIngest.source(
              kafka, "edge." + job.spec().jobId() + ".models", List.of(Topic.MODELS), metrics)
          .mapAsync(
              1,
              rec ->
                  Arrays.equals(rec.key(), key)
                      ? CompletableFuture.completedFuture(rec)
                      : rec.commit().thenApply(d -> (IngestRecord) null))
          .filter(rec -> rec != null && opened.compareAndSet(false, true))
          .mapAsync(
              1,
              rec -> {
                HospitalJob.Opened model = job.open(read(ClaimCheck.parse(rec.value()).blob()));
                return rec.commit().thenApply(d -> model);
              })
          .take(1) // last: cancelling earlier would lose the partition before the commit
          .runWith(Sink.head(), io)
          .toCompletableFuture()
          .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .join();
    }

    /** Bytes of micro-batch records published. */
    public long batchBytes() {
      return batchBytes.get();
    }

    /** Records published (micro-batches). */
    public long records() {
      return records.get();
    }

    /** Stops answering refreshes and taking inference replies. */
    @Override
    public synchronized void close() {
      responder.shutdown();
      if (inferenceReplies != null) {
        inferenceReplies.shutdown();
      }
    }
  }

  /**
   * Announces the job (unless it is a resumed job already announced) and starts answering its
   * refresh requests.
   *
   * @throws IllegalStateException if a job of this id was announced before and this edge does not
   *     hold its key (a new job would meet the old job's checkpoints, encrypted under a key that is
   *     gone): choose another id
   * @throws UncheckedIOException if the bundle cannot be stored
   */
  public Run start(EdgeJob job) {
    String id = job.spec().jobId();
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    boolean announced = CompactedTopics.latest(kafka, Topic.JOBS, key, timeout).isPresent();
    if (announced && !job.resumed()) {
      throw new IllegalStateException(
          "job "
              + id
              + " was announced before and this edge does not hold its key: give"
              + " the new job another id (or keep keys on disk to resume a job after a restart)");
    }
    if (announced) {
      LOG.info(
          "job {}: resumed with its kept key; the cloud has its announcement, the micro-batches are sent again"
              + " (the trainer takes the first copy of each)",
          id);
    }
    Pair<UniqueKillSwitch, CompletionStage<Done>> responder =
        KafkaIngest.source(
                kafka, "edge." + id + ".refresh", List.of(Topic.REFRESH_REQUESTS), metrics)
            .viaMat(KillSwitches.single(), Keep.right())
            // Two at once: the next request is answered while this reply is on its way.
            .mapAsync(2, r -> answer(job, key, r))
            .toMat(Sink.ignore(), Keep.both())
            .run(io);
    responder
        .second()
        .whenComplete(
            (d, e) -> {
              if (e != null) {
                LOG.error("job {}: the refresh responder stopped: {}", id, e.toString());
              }
            });
    if (!announced) {
      BlobRef bundle;
      try {
        bundle = blobs.put(job.bundle());
      } catch (IOException e) {
        responder.first().shutdown();
        throw new UncheckedIOException("cannot store the key bundle of job " + id, e);
      }
      publisher
          .publish(Topic.JOBS, key, ClaimCheck.announce(job.spec(), bundle).toBytes(), List.of())
          .toCompletableFuture()
          .join();
    }
    return new Run(job, key, responder.first());
  }

  private CompletionStage<Done> answer(EdgeJob job, byte[] key, IngestRecord r) {
    if (!Arrays.equals(r.key(), key)) {
      Commits.request(r);
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    CompletionStage<byte[]> reply;
    try {
      reply = job.answer(r.value());
    } catch (MalformedRecordException e) {
      deadLettered.increment();
      return deadLetters.send(r, e);
    }
    return reply
        .thenCompose(v -> publisher.publish(Topic.REFRESH_REPLIES, key, v, List.of()))
        .thenApply(
            p -> {
              refreshes.increment();
              // The reply is durable: the request's commit need not hold the next one up.
              Commits.request(r);
              return Done.getInstance();
            });
  }

  private byte[] read(BlobRef ref) {
    try {
      return blobs.get(ref);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read blob " + ref.uri(), e);
    }
  }

  @Override
  public void close() {
    publisher.close();
    ActorSystems.terminate(io, ActorSettings.from(config).askTimeout());
  }
}
