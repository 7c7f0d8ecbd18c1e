package io.blindtuner.pipeline.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.model.plain.PlainHead;
import io.blindtuner.model.plain.PlainTrainer;
import io.blindtuner.pipeline.hospital.EdgeJob;
import io.blindtuner.pipeline.hospital.EdgeService;
import io.blindtuner.pipeline.kafka.BlobStore;
import io.blindtuner.pipeline.kafka.EmbeddedKafka;
import io.blindtuner.pipeline.kafka.KafkaConnection;
import io.blindtuner.pipeline.kafka.KafkaPublisher;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.kafka.Topics;
import io.blindtuner.pipeline.stream.OverlappedScheduleTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
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
 * The hospital edge and the cloud trainer meeting only through a real in-process Kafka broker and a
 * blob store, on OverlappedScheduleTest's small INSECURE ring and data (4 steps of 2
 * micro-batches).
 */
class TrainerServiceTest {
  @TempDir static Path dir;
  static EmbeddedKafka broker;
  static KafkaConnection kafka;
  static BlobStore blobs;
  static final Config CONFIG = ConfigFactory.load();
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  @BeforeAll
  static void start() throws Exception {
    broker = EmbeddedKafka.start(dir.resolve("kafka"));
    kafka = new KafkaConnection(broker.bootstrapServers(), Map.of(), "test.");
    try (Admin admin = kafka.admin()) {
      Topics.ensure(admin, List.of(Topic.values()), Duration.ofSeconds(60));
    }
    blobs = new BlobStore(dir.resolve("blobs"), 1L << 30);
  }

  @AfterAll
  static void stop() {
    broker.close();
  }

  static EdgeJob edgeJob(String id, List<String> refusals) {
    return EdgeJob.create(
        id,
        OverlappedScheduleTest.HYBRID_SPEC,
        OverlappedScheduleTest.SHAPE,
        OverlappedScheduleTest.CONFIG,
        OverlappedScheduleTest.DATA,
        RefreshLedger::inMemory,
        (rid, why) -> refusals.add(rid + ": " + why),
        Topic.BATCHES.maxRecordBytes(),
        Parallelism.SERIAL);
  }

  static final HeadParameters TWIN =
      new PlainTrainer(OverlappedScheduleTest.CONFIG)
          .train(
              OverlappedScheduleTest.SHAPE,
              HeadFunctions.polynomial(2),
              OverlappedScheduleTest.DATA,
              s -> {});

  @Test
  void aJobTrainsThroughKafkaSurvivesATrainerCrashAndTheHospitalOpensAModelEqualToTheTwin()
      throws Exception {
    List<String> refusals = new CopyOnWriteArrayList<>();
    try (EdgeService edge = new EdgeService(CONFIG, kafka, blobs, new SimpleMeterRegistry());
        EdgeService.Run run = edge.start(edgeJob("kafka-1", refusals))) {
      run.publishBatches().toCompletableFuture().get();
      // a malformed record among the micro-batches goes to the dead letters and the job goes on
      try (KafkaPublisher p = new KafkaPublisher(kafka)) {
        p.publish(
                Topic.BATCHES,
                "kafka-1".getBytes(StandardCharsets.UTF_8),
                new byte[] {1, 2, 3},
                List.of())
            .toCompletableFuture()
            .get();
      }
      // the first trainer dies after its checkpoint of version 2
      try (TrainerService first =
          new TrainerService(
              CONFIG, kafka, blobs, new SimpleMeterRegistry(), 1, TIMEOUT, FaultInjector.NONE)) {
        assertThatThrownBy(
                () ->
                    first.trainNext(
                        step -> {
                          if (step == 1) {
                            throw new IllegalStateException("injected crash after step 1");
                          }
                        }))
            .hasMessageContaining("injected crash");
      }
      TrainerService.Report report;
      try (TrainerService second =
          new TrainerService(
              CONFIG, kafka, blobs, new SimpleMeterRegistry(), 1, TIMEOUT, FaultInjector.NONE)) {
        report = second.trainNext(step -> {});
      }
      assertThat(report.firstStep()).as("resumed from the checkpoint of version 2").isEqualTo(2);
      assertThat(report.batchRecords()).as("the micro-batches of steps 2 and 3 only").isEqualTo(4);
      assertThat(report.deadLetters()).isEqualTo(1);
      HospitalJob.Opened model = run.awaitModel(TIMEOUT);
      assertThat(OverlappedScheduleTest.maxDiff(model.parameters(), TWIN))
          .isLessThan(OverlappedScheduleTest.BOUND + 6 * model.floodingSigma());
      assertThat(refusals).isEmpty();
    }
  }

  @Test
  void aBrokerRestartInTheMiddleOfAJobIsSurvived() throws Exception {
    List<String> refusals = new CopyOnWriteArrayList<>();
    try (EdgeService edge = new EdgeService(CONFIG, kafka, blobs, new SimpleMeterRegistry());
        EdgeService.Run run = edge.start(edgeJob("kafka-3", refusals));
        TrainerService trainer =
            new TrainerService(
                CONFIG, kafka, blobs, new SimpleMeterRegistry(), 1, TIMEOUT, FaultInjector.NONE)) {
      run.publishBatches().toCompletableFuture().get();
      CountDownLatch firstStep = new CountDownLatch(1);
      CompletableFuture<TrainerService.Report> job =
          CompletableFuture.supplyAsync(
              () ->
                  trainer.trainNext(
                      step -> {
                        if (step == 0) {
                          firstStep.countDown();
                        }
                      }));
      assertThat(firstStep.await(2, TimeUnit.MINUTES)).isTrue();
      // down for as long as a restart takes: close() returns once the broker is gone, its clients
      // cut off
      broker.close();
      broker.start();
      TrainerService.Report report = job.get(5, TimeUnit.MINUTES);
      assertThat(report.jobId()).isEqualTo("kafka-3");
      HospitalJob.Opened model = run.awaitModel(TIMEOUT);
      assertThat(OverlappedScheduleTest.maxDiff(model.parameters(), TWIN))
          .isLessThan(OverlappedScheduleTest.BOUND + 6 * model.floodingSigma());
      assertThat(refusals).isEmpty();
    }
  }

  @Test
  void theTrainerServesEncryptedPredictionsThatOnlyTheHospitalReads() throws Exception {
    List<String> refusals = new CopyOnWriteArrayList<>();
    EdgeJob job = edgeJob("kafka-4", refusals);
    try (EdgeService edge = new EdgeService(CONFIG, kafka, blobs, new SimpleMeterRegistry());
        EdgeService.Run run = edge.start(job);
        TrainerService trainer =
            new TrainerService(
                CONFIG, kafka, blobs, new SimpleMeterRegistry(), 2, TIMEOUT, FaultInjector.NONE)) {
      run.publishBatches().toCompletableFuture().get();
      assertThatThrownBy(() -> trainer.serve("kafka-4"))
          .as("nothing to serve before training")
          .hasMessageContaining("has no checkpoint");
      TrainerService.Report report = trainer.trainNext(step -> {});
      HospitalJob.Opened model = run.awaitModel(TIMEOUT);
      try (AutoCloseable serving = trainer.serve("kafka-4")) {
        TokenSet images = OverlappedScheduleTest.DATA;
        int[] index = {0, 5, 9};
        HospitalJob.Predictions p =
            run.predict(images, index).toCompletableFuture().get(2, TimeUnit.MINUTES);
        // the released model's logits: the same weights, decrypted at the end of training
        double[][] want =
            new PlainHead(HeadFunctions.polynomial(2)).logits(model.parameters(), images);
        double worst = 0;
        for (int i = 0; i < index.length; i++) {
          for (int c = 0; c < 2; c++) {
            worst = Math.max(worst, Math.abs(p.logits()[i][c] - want[index[i]][c]));
          }
        }
        // the model's flooding moves each released weight by up to 6 sigma; the logits sum about 50
        // products of
        // weights of order 1 with standardised values, plus the forward stages' error and the
        // reply's flooding
        assertThat(worst)
            .isLessThan(2 * 0x1p-12 + 6 * p.floodingSigma() + 50 * 6 * model.floodingSigma());
        assertThat(p.logits()).hasDimensions(3, 2);
      }
      assertThat(report.steps()).isEqualTo(4);
      assertThat(refusals).isEmpty();
    }
  }
}
