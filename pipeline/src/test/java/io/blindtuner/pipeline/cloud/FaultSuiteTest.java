package io.blindtuner.pipeline.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.actors.FaultInjector;
import io.blindtuner.actors.TransientFault;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.pipeline.cli.JsonReport;
import io.blindtuner.pipeline.hospital.EdgeJob;
import io.blindtuner.pipeline.hospital.EdgeService;
import io.blindtuner.pipeline.kafka.BlobStore;
import io.blindtuner.pipeline.kafka.DeadLetters;
import io.blindtuner.pipeline.kafka.EmbeddedKafka;
import io.blindtuner.pipeline.kafka.KafkaConnection;
import io.blindtuner.pipeline.kafka.KafkaPublisher;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.kafka.Topics;
import io.blindtuner.pipeline.stream.OverlappedScheduleTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection suite: one job on a real in-process broker meets, in one run, every fault the
 * services are built to survive — every micro-batch delivered twice, 10,000 malformed records of
 * eight kinds among the micro-batches, a stage actor crash, a trainer crash after a checkpoint, a
 * broker restart under the second trainer — and finishes with the weights of an uninterrupted run
 * (the twin's, within the CKKS bound plus the release flooding): nothing lost, nothing applied
 * twice. A kill -9 of a trainer process is {@code ServiceProcessTest}'s. Writes {@code
 * target/fault-suite.json}, the README's fault table.
 */
class FaultSuiteTest {
  @TempDir static Path dir;
  static final Duration TIMEOUT = Duration.ofMinutes(3);
  static final int MALFORMED = 10_000;
  static final String JOB = "faults-1";

  /** A malformed micro-batch record and the words its dead letter's reason must hold. */
  record Bad(byte[] value, String reason) {}

  @Test
  void aJobSurvivesEveryInjectedFaultWithNothingLostOrAppliedTwice() throws Exception {
    Map<String, Object> rep = new LinkedHashMap<>();
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"))) {
      KafkaConnection kafka = new KafkaConnection(broker.bootstrapServers(), Map.of(), "faults.");
      try (Admin admin = kafka.admin()) {
        Topics.ensure(admin, List.of(Topic.values()), Duration.ofSeconds(60));
      }
      BlobStore blobs = new BlobStore(dir.resolve("blobs"), 1L << 30);
      List<String> refusals = new CopyOnWriteArrayList<>();
      EdgeJob edgeJob = TrainerServiceTest.edgeJob(JOB, refusals);
      int batches = Math.toIntExact(edgeJob.spec().steps() * edgeJob.spec().microBatchesPerStep());
      try (EdgeService edge =
              new EdgeService(TrainerServiceTest.CONFIG, kafka, blobs, new SimpleMeterRegistry());
          EdgeService.Run run = edge.start(edgeJob);
          KafkaPublisher publisher = new KafkaPublisher(kafka)) {
        // the edge's micro-batches in order, each delivered twice byte for byte and followed by its
        // share of the
        // malformed records; the last comes alone, so that everything before it is read before the
        // job can end
        List<CompletionStage<?>> sent = new ArrayList<>();
        byte[] key = JOB.getBytes(StandardCharsets.UTF_8);
        Random random = new Random(42);
        Map<String, Integer> kinds = new LinkedHashMap<>();
        int mbs = edgeJob.spec().microBatchesPerStep();
        int malformed = 0;
        int duplicates = 0;
        for (int i = 0; i < batches; i++) {
          byte[] v = edgeJob.batch(i / mbs, i % mbs);
          sent.add(publisher.publish(Topic.BATCHES, key, v, List.of()));
          if (i == batches - 1) {
            break;
          }
          sent.add(publisher.publish(Topic.BATCHES, key, v, List.of()));
          duplicates++;
          for (int end = MALFORMED * (i + 1) / (batches - 1); malformed < end; malformed++) {
            Bad b = malformed(malformed, v, random);
            kinds.merge(b.reason(), 1, Integer::sum);
            sent.add(publisher.publish(Topic.BATCHES, key, b.value(), List.of()));
          }
          for (CompletionStage<?> s : sent) {
            s.toCompletableFuture().get(1, TimeUnit.MINUTES);
          }
          sent.clear();
        }
        for (CompletionStage<?> s : sent) {
          s.toCompletableFuture().get(1, TimeUnit.MINUTES);
        }

        // a stage actor crashes once (a transient fault: restarted with its keys and state), then
        // the trainer
        // crashes after its checkpoint of version 2
        AtomicInteger actorCrashes = new AtomicInteger();
        FaultInjector crashOnce =
            (stage, step, mb, attempt) -> {
              if (stage.startsWith("mlp") && step == 1 && mb == 1 && attempt == 1) {
                actorCrashes.incrementAndGet();
                throw new TransientFault(
                    "injected: " + stage + " crashes at step 1, micro-batch 1");
              }
            };
        try (TrainerService first =
            new TrainerService(
                TrainerServiceTest.CONFIG,
                kafka,
                blobs,
                new SimpleMeterRegistry(),
                1,
                TIMEOUT,
                crashOnce)) {
          assertThatThrownBy(
                  () ->
                      first.trainNext(
                          step -> {
                            if (step == 1) {
                              throw new IllegalStateException(
                                  "injected: the trainer crashes after step 1");
                            }
                          }))
              .hasMessageContaining("injected: the trainer crashes");
        }
        assertThat(actorCrashes).as("the stage actor crash was injected").hasValue(1);

        // the second trainer resumes; the broker restarts under it after its first step
        TrainerService.Report report;
        try (TrainerService second =
            new TrainerService(
                TrainerServiceTest.CONFIG,
                kafka,
                blobs,
                new SimpleMeterRegistry(),
                1,
                TIMEOUT,
                FaultInjector.NONE)) {
          CountDownLatch firstStep = new CountDownLatch(1);
          CompletableFuture<TrainerService.Report> job =
              CompletableFuture.supplyAsync(
                  () ->
                      second.trainNext(
                          s -> {
                            firstStep.countDown();
                          }));
          assertThat(firstStep.await(3, TimeUnit.MINUTES)).isTrue();
          // down for as long as a restart takes: close() returns once the broker is gone, its
          // clients cut off
          broker.close();
          broker.start();
          report = job.get(5, TimeUnit.MINUTES);
        }
        assertThat(report.firstStep()).as("resumed from the checkpoint of version 2").isEqualTo(2);

        HospitalJob.Opened model = run.awaitModel(TIMEOUT);
        double diff = OverlappedScheduleTest.maxDiff(model.parameters(), TrainerServiceTest.TWIN);
        double bound = OverlappedScheduleTest.BOUND + 6 * model.floodingSigma();
        // a micro-batch lost or applied twice moves the weights by a whole gradient step, far above
        // the bound
        assertThat(diff).isLessThan(bound);
        assertThat(refusals).as("every refresh the trainers asked for was in the plan").isEmpty();

        // every malformed record dead-lettered once or more (a crash may resend), with its reason;
        // none lost
        Map<String, Set<String>> reasons = deadLetterReasons(kafka, MALFORMED);
        assertThat(malformed).isEqualTo(MALFORMED);
        assertThat(reasons).hasSize(MALFORMED);
        Map<String, Integer> found = new LinkedHashMap<>();
        for (Set<String> r : reasons.values()) {
          String kind =
              kinds.keySet().stream()
                  .filter(k -> r.stream().allMatch(x -> x.contains(k)))
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new AssertionError(
                              "a dead letter's reason matches no injected kind: " + r));
          found.merge(kind, 1, Integer::sum);
        }
        assertThat(found).isEqualTo(kinds);

        Map<String, Object> injected = new LinkedHashMap<>();
        injected.put("duplicate_micro_batches", duplicates);
        injected.put("malformed_records", malformed);
        injected.put("stage_actor_crashes", actorCrashes.get());
        injected.put("trainer_crashes", 1);
        injected.put("broker_restarts", 1);
        rep.put("faults_injected", injected);
        rep.put("faults_survived", duplicates + malformed + actorCrashes.get() + 2);
        rep.put("malformed_kinds", kinds);
        rep.put("dead_lettered_records", reasons.size());
        rep.put("records_lost", 0);
        rep.put("micro_batches_applied_twice", 0);
        rep.put("max_weight_diff_vs_uninterrupted", diff);
        rep.put("bound", bound);
        rep.put("resumed_from_version", report.firstStep());
        rep.put("steps", report.steps());
      }
    }
    JsonReport.write(Path.of("target", "fault-suite.json"), rep);
  }

  /**
   * A malformed micro-batch record of one of eight kinds, made from a valid one; each is refused
   * for its own reason. Most are small (a valid record is about 450 kB at this ring), so 10,000 of
   * them stay cheap.
   */
  static Bad malformed(int i, byte[] good, Random random) {
    int idAt = 4 + 1; // magic, kind
    int stepAt = idAt + 2 + JOB.length();
    int kind = i % 8;
    if (kind >= 4 && i % 200 != kind) {
      // the four kinds below need a whole record (about 450 kB): one in 25 of them is one, the rest
      // truncated
      return new Bad(Arrays.copyOf(good, 64 + random.nextInt(1024)), "truncated");
    }
    switch (kind) {
      case 0:
        {
          byte[] junk = new byte[8 + random.nextInt(200)];
          random.nextBytes(junk);
          junk[0] = 0x00; // never the magic
          return new Bad(junk, "(bad magic)");
        }
      case 1:
        return new Bad(null, "empty");
      case 2:
        return new Bad(Arrays.copyOf(good, stepAt + 12 + random.nextInt(64)), "truncated");
      case 3:
        {
          byte[] v = Arrays.copyOf(good, 256);
          v[idAt - 1] = (byte) 200; // a kind no record has
          return new Bad(v, "unknown record kind 200");
        }
      case 4:
        {
          byte[] v = good.clone();
          v[idAt + 2] ^= 0x20; // another job's id
          return new Bad(v, "of job F");
        }
      case 5:
        {
          byte[] v = good.clone();
          ByteBuffer.wrap(v).putLong(stepAt, 1_000); // a step the job does not have
          return new Bad(v, "of step 1000 is outside the job");
        }
      case 6:
        {
          byte[] v = good.clone();
          ByteBuffer.wrap(v).putInt(stepAt + 8, 99); // a micro-batch the step does not have
          return new Bad(v, "micro-batch 99 of step");
        }
      default:
        {
          byte[] v = good.clone();
          int firstCiphertext =
              stepAt + 8 + 4 + 1 + 1 + 1 + 4; // step, micro-batch, phase, levels, count, length
          v[firstCiphertext] ^= 0x5a; // its SEAL magic
          return new Bad(v, "ciphertext 0: ");
        }
    }
  }

  private static Properties consumer(KafkaConnection kafka, String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topic.DEAD_LETTERS.maxRecordBytes());
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topic.DEAD_LETTERS.maxRecordBytes());
    return p;
  }

  /**
   * The reasons of the dead letters of this job's batch records, by origin partition and offset.
   */
  private static Map<String, Set<String>> deadLetterReasons(KafkaConnection kafka, int atLeast) {
    Map<String, Set<String>> reasons = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            consumer(kafka, "faults.dead-letters"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topic.DEAD_LETTERS.topicName()));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      long quietSince = System.nanoTime();
      while (System.nanoTime() < deadline
          && (reasons.size() < atLeast
              || System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3))) {
        var records = c.poll(Duration.ofMillis(500));
        if (!records.isEmpty()) {
          quietSince = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (!Topic.BATCHES.topicName().equals(header(r, DeadLetters.ORIGIN_TOPIC))) {
            continue;
          }
          String origin =
              header(r, DeadLetters.ORIGIN_PARTITION) + "@" + header(r, DeadLetters.ORIGIN_OFFSET);
          reasons.computeIfAbsent(origin, o -> new HashSet<>()).add(header(r, DeadLetters.REASON));
        }
      }
    }
    return reasons;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
