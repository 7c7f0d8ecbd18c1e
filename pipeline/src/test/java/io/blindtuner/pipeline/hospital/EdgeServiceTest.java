package io.blindtuner.pipeline.hospital;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.model.hospital.KeyFileException;
import io.blindtuner.model.hospital.Passphrase;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.model.plain.PlainTrainer;
import io.blindtuner.pipeline.cloud.TrainerService;
import io.blindtuner.pipeline.kafka.BlobStore;
import io.blindtuner.pipeline.kafka.EmbeddedKafka;
import io.blindtuner.pipeline.kafka.KafkaConnection;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.kafka.Topics;
import io.blindtuner.pipeline.stream.OverlappedScheduleTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hospital edge as a service that can stop mid-job: with its keys kept on disk a restarted edge
 * takes the job up again and the cloud's trainer, which waited on a refresh, finishes it; without
 * them a job id cannot be reused. OverlappedScheduleTest's small INSECURE ring and data (4 steps of
 * 2 micro-batches), hybrid key switching.
 */
class EdgeServiceTest {
  @TempDir static Path dir;
  static EmbeddedKafka broker;
  static KafkaConnection kafka;
  static BlobStore blobs;
  static final Config CONFIG = ConfigFactory.load();
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final String PHRASE = "correct horse battery staple";

  @BeforeAll
  static void start() throws Exception {
    broker = EmbeddedKafka.start(dir.resolve("kafka"));
    kafka = new KafkaConnection(broker.bootstrapServers(), Map.of(), "edge-test.");
    try (Admin admin = kafka.admin()) {
      Topics.ensure(admin, List.of(Topic.values()), Duration.ofSeconds(60));
    }
    blobs = new BlobStore(dir.resolve("blobs"), 1L << 30);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  static EdgeKeys keys(String phrase) throws IOException {
    Path file = Files.writeString(Files.createTempFile(dir, "passphrase", ""), phrase);
    return EdgeKeys.onDisk(dir.resolve("keys"), () -> Passphrase.fromFile(file));
  }

  static EdgeJob job(String id, EdgeKeys keys, List<String> refusals) throws IOException {
    return EdgeJob.create(
        id,
        OverlappedScheduleTest.HYBRID_SPEC,
        OverlappedScheduleTest.SHAPE,
        OverlappedScheduleTest.CONFIG,
        OverlappedScheduleTest.DATA,
        HeadParameters.initial(OverlappedScheduleTest.SHAPE, OverlappedScheduleTest.CONFIG.seed()),
        keys,
        budget -> {
          try {
            return RefreshLedger.open(dir.resolve(id + ".ledger"), budget);
          } catch (KeyFileException e) {
            throw new IllegalStateException(e);
          }
        },
        (rid, why) -> refusals.add(rid + ": " + why),
        Topic.BATCHES.maxRecordBytes(),
        Parallelism.SERIAL);
  }

  @Test
  void anEdgeRestartedMidJobWithItsKeptKeyLetsTheTrainerFinishAndOpensTheModel() throws Exception {
    List<String> refusals = new CopyOnWriteArrayList<>();
    EdgeKeys keys = keys(PHRASE);
    EdgeJob first = job("restart-1", keys, refusals);
    assertThat(first.resumed()).isFalse();
    assertThat(keys.file("restart-1")).exists();
    try (TrainerService trainer =
        new TrainerService(
            CONFIG, kafka, blobs, new SimpleMeterRegistry(), 1, TIMEOUT, FaultInjector.NONE)) {
      CountDownLatch firstStep = new CountDownLatch(1);
      CompletableFuture<TrainerService.Report> training;
      try (EdgeService edge = new EdgeService(CONFIG, kafka, blobs, new SimpleMeterRegistry());
          EdgeService.Run run = edge.start(first)) {
        run.publishBatches().toCompletableFuture().get(2, TimeUnit.MINUTES);
        training =
            CompletableFuture.supplyAsync(
                () ->
                    trainer.trainNext(
                        step -> {
                          if (step == 0) {
                            firstStep.countDown();
                          }
                        }));
        assertThat(firstStep.await(2, TimeUnit.MINUTES)).isTrue();
      } // the edge stops: the trainer's next refresh request waits for an edge
      assertThat(training).isNotDone();

      // a fresh edge without the key may not take the job's id...
      assertThatThrownBy(
              () -> {
                try (EdgeService edge =
                    new EdgeService(CONFIG, kafka, blobs, new SimpleMeterRegistry())) {
                  edge.start(job("restart-1", EdgeKeys.inMemory(), refusals));
                }
              })
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("was announced before");
      // ...nor one with the wrong passphrase, which is told so naming the file
      assertThatThrownBy(() -> job("restart-1", keys("correct horse battery stapler"), refusals))
          .isInstanceOf(KeyFileException.class)
          .hasMessageContaining("restart-1.key")
          .hasMessageContaining("wrong passphrase");

      EdgeJob again = job("restart-1", keys(PHRASE), refusals);
      assertThat(again.resumed()).isTrue();
      try (EdgeService edge = new EdgeService(CONFIG, kafka, blobs, new SimpleMeterRegistry());
          EdgeService.Run run = edge.start(again)) {
        run.publishBatches().toCompletableFuture().get(2, TimeUnit.MINUTES);
        TrainerService.Report report = training.get(5, TimeUnit.MINUTES);
        assertThat(report.jobId()).isEqualTo("restart-1");
        assertThat(report.steps()).isEqualTo(4);
        HospitalJob.Opened model = run.awaitModel(TIMEOUT);
        HeadParameters twin =
            new PlainTrainer(OverlappedScheduleTest.CONFIG)
                .train(
                    OverlappedScheduleTest.SHAPE,
                    HeadFunctions.polynomial(2),
                    OverlappedScheduleTest.DATA,
                    s -> {});
        assertThat(OverlappedScheduleTest.maxDiff(model.parameters(), twin))
            .isLessThan(OverlappedScheduleTest.BOUND + 6 * model.floodingSigma());
      }
      // restarted once more after the model came back: it is opened again from the compacted models
      // topic
      try (EdgeService edge = new EdgeService(CONFIG, kafka, blobs, new SimpleMeterRegistry());
          EdgeService.Run run = edge.start(job("restart-1", keys(PHRASE), refusals))) {
        assertThat(run.awaitModel(TIMEOUT).parameters().shape())
            .isEqualTo(OverlappedScheduleTest.SHAPE);
      }
    }
    assertThat(refusals).isEmpty();
    assertThat(
            new String(Files.readAllBytes(keys.file("restart-1")), 0, 4, StandardCharsets.US_ASCII))
        .as("the key file is sealed, not the key's bytes")
        .isEqualTo("BTSK");
  }
}
