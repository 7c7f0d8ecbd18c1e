package io.blindtuner.bench.pipeline;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.hospital.EncryptedTrainingRun;
import io.blindtuner.pipeline.cli.DemoCommand;
import io.blindtuner.pipeline.cli.JsonReport;
import io.blindtuner.pipeline.hospital.LocalSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Encrypted training seconds per step by key-switching layout: the same job (BreastMNIST's head: 16
 * tokens of 16 values, 16 hidden units, 2 classes, batch 32 = one micro-batch per step at N =
 * 16384; random tokens) trained in one process with SEAL's layout ([60, 40×7, 60]) and with the
 * default hybrid layout (the same data primes, 4 digits, special primes 49 + 49: {@link
 * DemoCommand#ckks()}), interleaved round by round (the order alternating) so both sample the same
 * load. Per-step time is the steady state between the first and the last step. Prints medians and
 * the ratio; {@code --report FILE} writes them as JSON.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.blindtuner.bench.pipeline.TrainingStepBenchmark [--steps 4] [--rounds 3] [--threads 1]
 * [--report FILE]}
 */
public final class TrainingStepBenchmark {

  private TrainingStepBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = BenchSupport.options(args);
    int steps = Integer.parseInt(opt.getOrDefault("--steps", "4"));
    int rounds = Integer.parseInt(opt.getOrDefault("--rounds", "3"));
    int threads = Integer.parseInt(opt.getOrDefault("--threads", "1"));
    if (steps < 2 || rounds < 1 || threads < 1) {
      throw new IllegalArgumentException("--steps must be >= 2, --rounds and --threads >= 1");
    }
    CkksSpec hybridSpec = DemoCommand.ckks();
    int[] data = hybridSpec.coeffModulusBits();
    int dataPrimes = data.length - hybridSpec.specialPrimes();
    int[] sealBits = Arrays.copyOf(data, dataPrimes + 1);
    sealBits[dataPrimes] = 60;
    Map<String, CkksParameters> layouts = new LinkedHashMap<>();
    layouts.put("seal", CkksParameters.create(CkksSpec.of(16384, sealBits)));
    layouts.put("hybrid", CkksParameters.create(hybridSpec));
    HeadShape shape = new HeadShape(16, 16, 16, 2);
    int batch = layouts.get("seal").slots() / (shape.tokens() * shape.dim());
    TrainingConfig cfg = new TrainingConfig(1, batch, 0.1, 0.1, 0.9, 1e-3, 7);
    TokenSet tokens = BenchSupport.randomTokens(shape, steps * batch);
    Config config = ConfigFactory.load();
    Map<String, List<Double>> times = new LinkedHashMap<>();
    layouts.keySet().forEach(k -> times.put(k, new ArrayList<>()));
    System.out.printf(
        Locale.ROOT,
        "training step benchmark: %d steps of %d images, %d rounds + warm-up, %d"
            + " thread(s), %d cores%n",
        steps,
        batch,
        rounds,
        threads,
        Runtime.getRuntime().availableProcessors());
    try (Parallelism parallelism = Parallelism.withThreads(threads)) {
      for (int round = 0; round <= rounds; round++) {
        List<String> order = new ArrayList<>(layouts.keySet());
        if (round % 2 == 1) {
          Collections.reverse(order);
        }
        StringBuilder line = new StringBuilder(round == 0 ? "  warm-up" : "  round " + round);
        for (String layout : order) {
          BenchSupport.StepClock clock = new BenchSupport.StepClock();
          EncryptedTrainingRun.run(
              layouts.get(layout),
              shape,
              cfg,
              tokens,
              new LocalSchedule(config, FaultInjector.NONE),
              parallelism,
              r -> r,
              clock);
          if (round > 0) {
            times.get(layout).add(clock.secondsPerStep());
          }
          line.append(
              String.format(Locale.ROOT, "  %s %.2f s/step", layout, clock.secondsPerStep()));
        }
        System.out.println(line);
      }
    }
    double seal =
        BenchSupport.median(times.get("seal").stream().mapToDouble(Double::doubleValue).toArray());
    double hybrid =
        BenchSupport.median(
            times.get("hybrid").stream().mapToDouble(Double::doubleValue).toArray());
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("steps", steps);
    report.put("images_per_step", batch);
    report.put("rounds", rounds);
    report.put("threads", threads);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("seal_layout", layouts.get("seal").toString());
    report.put("hybrid_layout", layouts.get("hybrid").toString());
    report.put("seal_seconds_per_step", seal);
    report.put("hybrid_seconds_per_step", hybrid);
    report.put("hybrid_speedup", seal / hybrid);
    System.out.printf(
        Locale.ROOT,
        "%nBENCH training_step hybrid %.2f s vs SEAL layout %.2f s per step: %.2fx%n",
        hybrid,
        seal,
        seal / hybrid);
    if (opt.containsKey("--report")) {
      JsonReport.write(Path.of(opt.get("--report")), report);
      System.out.println("report " + opt.get("--report"));
    }
  }
}
