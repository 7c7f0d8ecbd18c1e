package io.blindtuner.bench.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.config.ServiceSettings;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.hospital.EncryptedTrainingRun;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.pipeline.cli.DemoCommand;
import io.blindtuner.pipeline.cli.JsonReport;
import io.blindtuner.pipeline.cloud.TrainerService;
import io.blindtuner.pipeline.hospital.EdgeJob;
import io.blindtuner.pipeline.hospital.EdgeService;
import io.blindtuner.pipeline.hospital.LocalSchedule;
import io.blindtuner.pipeline.kafka.BlobStore;
import io.blindtuner.pipeline.kafka.EmbeddedKafka;
import io.blindtuner.pipeline.kafka.KafkaConnection;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.kafka.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;

/**
 * What Kafka costs a training step: the same job (the demo's parameters, N = 16384, random tokens)
 * trained on the overlapped actor graph in one process with the hospital's refresh as a call, and
 * through the in-process broker with the edge and the trainer as services (micro-batches,
 * refreshes, checkpoints at the configured interval {@code
 * blindtuner.services.trainer.checkpoint-every} and the model as records and claim checks),
 * interleaved round by round so both sample the same load. The per-step time is the steady state
 * between the first and the last step (setup and key bundle excluded on both sides), with the CPU
 * seconds the whole process spent over the same steps. Prints medians and the ratio; {@code
 * --report FILE} writes them as JSON.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.blindtuner.bench.pipeline.KafkaOverheadBenchmark [--steps 4] [--micro-batches 2] [--rounds 3]
 * [--warm-up 2] [--client k=v,k=v] [--report FILE]}
 */
public final class KafkaOverheadBenchmark {

  private KafkaOverheadBenchmark() {}

  private static double median(List<Double> v) {
    return BenchSupport.median(v.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** The parts Kafka adds, for a round's line. */
  private static String brief(Map<String, Double> parts) {
    return String.format(
        Locale.ROOT,
        "broker %.2f, clients %.2f, jit %.2f",
        parts.getOrDefault("broker", 0.0),
        parts.getOrDefault("kafka clients", 0.0),
        parts.getOrDefault("jit", 0.0));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = BenchSupport.options(args);
    int steps = Integer.parseInt(opt.getOrDefault("--steps", "4"));
    int microBatches = Integer.parseInt(opt.getOrDefault("--micro-batches", "2"));
    int rounds = Integer.parseInt(opt.getOrDefault("--rounds", "3"));
    // the JIT compiles the broker's and the clients' code for a few rounds: a service is past that
    int warmUp = Integer.parseInt(opt.getOrDefault("--warm-up", "2"));
    if (steps < 2 || microBatches < 1 || rounds < 1 || warmUp < 1) {
      throw new IllegalArgumentException(
          "--steps must be >= 2, --micro-batches, --rounds and --warm-up >= 1");
    }
    CkksSpec ckks = DemoCommand.ckks();
    CkksParameters params = CkksParameters.create(ckks);
    HeadShape shape = new HeadShape(16, DemoCommand.DIM, DemoCommand.HIDDEN, 2);
    int batch = microBatches * params.slots() / (shape.tokens() * shape.dim());
    TrainingConfig cfg = new TrainingConfig(1, batch, 0.1, 0.1, 0.9, 1e-3, 7);
    TokenSet data = BenchSupport.randomTokens(shape, steps * batch);
    Config config =
        ConfigFactory.parseString("blindtuner.pipeline.micro-batches-in-flight = " + microBatches)
            .withFallback(ConfigFactory.load())
            .resolve();
    int checkpointEvery = ServiceSettings.from(config).checkpointEvery();
    Path work = Files.createTempDirectory("blindtuner-kafka-bench");
    List<Double> local = new ArrayList<>();
    List<Double> kafka = new ArrayList<>();
    List<Double> localCpu = new ArrayList<>();
    List<Double> kafkaCpu = new ArrayList<>();
    Map<String, List<Double>> localParts = new TreeMap<>();
    Map<String, List<Double>> kafkaParts = new TreeMap<>();
    long batchBytes = 0;
    System.out.printf(
        Locale.ROOT,
        "kafka overhead benchmark: %d steps x %d micro-batches of %d images, %d rounds after"
            + " %d of warm-up, a checkpoint every %d steps, %d cores%n",
        steps,
        microBatches,
        batch / microBatches,
        rounds,
        warmUp,
        checkpointEvery,
        Runtime.getRuntime().availableProcessors());
    try (EmbeddedKafka broker = EmbeddedKafka.start(work.resolve("kafka"))) {
      // --client k=v,k=v: client properties to compare (group.protocol=classic, buffer sizes...)
      Map<String, String> clients = new LinkedHashMap<>();
      for (String kv : opt.getOrDefault("--client", "").split(",")) {
        if (!kv.isEmpty()) {
          String[] p = kv.split("=", 2);
          if (p.length != 2) {
            throw new IllegalArgumentException("--client expects k=v,k=v, got " + kv);
          }
          clients.put(p[0], p[1]);
        }
      }
      KafkaConnection conn = new KafkaConnection(broker.bootstrapServers(), clients, "bench.");
      try (Admin admin = conn.admin()) {
        Topics.ensure(admin, List.of(Topic.values()), Duration.ofSeconds(60));
      }
      BlobStore blobs = new BlobStore(work.resolve("blobs"), 8L << 30);
      for (int round = 1 - warmUp; round <= rounds; round++) {
        BenchSupport.StepClock inProcess = new BenchSupport.StepClock();
        EncryptedTrainingRun.run(
            params,
            shape,
            cfg,
            data,
            new LocalSchedule(config, FaultInjector.NONE),
            Parallelism.SERIAL,
            r -> r,
            inProcess);
        BenchSupport.StepClock viaKafka = new BenchSupport.StepClock();
        EdgeJob job =
            EdgeJob.create(
                "bench-" + (round + warmUp),
                ckks,
                shape,
                cfg,
                data,
                RefreshLedger::inMemory,
                (id, why) -> {
                  throw new IllegalStateException("refused " + id + ": " + why);
                },
                Topic.BATCHES.maxRecordBytes(),
                Parallelism.SERIAL);
        try (EdgeService edge = new EdgeService(config, conn, blobs, new SimpleMeterRegistry());
            EdgeService.Run run = edge.start(job);
            TrainerService trainer =
                new TrainerService(
                    config,
                    conn,
                    blobs,
                    new SimpleMeterRegistry(),
                    checkpointEvery,
                    Duration.ofMinutes(10),
                    FaultInjector.NONE)) {
          run.publishBatches();
          trainer.trainNext(viaKafka);
          run.awaitModel(Duration.ofMinutes(10));
          batchBytes = run.batchBytes();
        }
        if (round > 0) {
          local.add(inProcess.secondsPerStep());
          kafka.add(viaKafka.secondsPerStep());
          localCpu.add(inProcess.cpuSecondsPerStep());
          kafkaCpu.add(viaKafka.cpuSecondsPerStep());
          inProcess
              .cpuSecondsPerStepByPart()
              .forEach((k, v) -> localParts.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
          viaKafka
              .cpuSecondsPerStepByPart()
              .forEach((k, v) -> kafkaParts.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        System.out.printf(
            Locale.ROOT,
            "  %s in-process %.2f s/step (%.2f CPU s), Kafka %.2f s/step (%.2f CPU s: %s)%n",
            round <= 0 ? "warm-up" : "round " + round,
            inProcess.secondsPerStep(),
            inProcess.cpuSecondsPerStep(),
            viaKafka.secondsPerStep(),
            viaKafka.cpuSecondsPerStep(),
            brief(viaKafka.cpuSecondsPerStepByPart()));
      }
    }
    double l = median(local);
    double k = median(kafka);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("steps", steps);
    report.put("micro_batches", microBatches);
    report.put("images_per_step", batch);
    report.put("rounds", rounds);
    report.put("warm_up_rounds", warmUp);
    report.put("checkpoint_every", checkpointEvery);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("in_process_seconds_per_step", l);
    report.put("kafka_seconds_per_step", k);
    report.put("in_process_steps_per_second", 1 / l);
    report.put("kafka_steps_per_second", 1 / k);
    report.put("kafka_micro_batch_bytes_per_step", (double) batchBytes / steps);
    report.put("kafka_added_per_step", k / l - 1);
    // CPU seconds of the whole process per step: what the Kafka path adds that latency hiding
    // cannot
    report.put("in_process_cpu_seconds_per_step", median(localCpu));
    report.put("kafka_cpu_seconds_per_step", median(kafkaCpu));
    // where they go: the threads of each part (Linux), medians over the rounds
    Map<String, Object> byPart = new LinkedHashMap<>();
    System.out.printf(Locale.ROOT, "%nCPU s per step by part   in process   Kafka%n");
    Set<String> parts = new TreeSet<>(localParts.keySet());
    parts.addAll(kafkaParts.keySet());
    for (String part : parts) {
      double a = localParts.containsKey(part) ? median(localParts.get(part)) : 0;
      double b = kafkaParts.containsKey(part) ? median(kafkaParts.get(part)) : 0;
      byPart.put(part, Map.of("in_process", a, "kafka", b));
      System.out.printf(Locale.ROOT, "  %-20s %10.3f %8.3f%n", part, a, b);
    }
    report.put("cpu_seconds_per_step_by_part", byPart);
    System.out.printf(
        Locale.ROOT,
        "%nBENCH kafka_vs_in_process %.3fx per step (%.2f vs %.2f s; target <= 1.15x),"
            + " %.1f MB of micro-batches per step%n",
        k / l,
        k,
        l,
        batchBytes / 1e6 / steps);
    if (opt.containsKey("--report")) {
      JsonReport.write(Path.of(opt.get("--report")), report);
      System.out.println("report " + opt.get("--report"));
    }
  }
}
