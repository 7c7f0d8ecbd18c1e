package io.blindtuner.bench.pipeline;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.Refresher;
import io.blindtuner.model.cloud.SequentialSchedule;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.hospital.EncryptedTrainingRun;
import io.blindtuner.pipeline.cli.JsonReport;
import io.blindtuner.pipeline.hospital.LocalSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Samples per second of encrypted training, overlapped actor graph against the sequential schedule,
 * on the same inputs in one interleaved run (each round runs every side once, so both sample the
 * same load), at the training parameters (N = 16384, [60, 40 x 7, 60]), every HE operation on one
 * thread. A second pair of rows adds a refresh round trip of {@code --delay-ms} (the hospital
 * across a network) and reports the share of the added delay the overlapped graph hides. Prints
 * medians and ratios; {@code --report FILE} writes them as JSON.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.blindtuner.bench.pipeline.PipelineBenchmark [--steps 2] [--micro-batches 4] [--rounds 3]
 * [--delay-ms 100] [--report FILE]}
 */
public final class PipelineBenchmark {

  private PipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = BenchSupport.options(args);
    int steps = Integer.parseInt(opt.getOrDefault("--steps", "2"));
    int microBatches = Integer.parseInt(opt.getOrDefault("--micro-batches", "4"));
    int rounds = Integer.parseInt(opt.getOrDefault("--rounds", "3"));
    long delayMs = Long.parseLong(opt.getOrDefault("--delay-ms", "100"));
    if (steps < 1 || microBatches < 1 || rounds < 1 || delayMs < 0) {
      throw new IllegalArgumentException(
          "--steps, --micro-batches and --rounds must be >= 1, --delay-ms >= 0");
    }
    CkksParameters params =
        CkksParameters.create(CkksSpec.of(16384, 60, 40, 40, 40, 40, 40, 40, 40, 60));
    HeadShape shape = new HeadShape(16, 16, 16, 2);
    int perCiphertext = params.slots() / (shape.tokens() * shape.dim());
    int batch = microBatches * perCiphertext;
    TrainingConfig cfg = new TrainingConfig(1, batch, 0.1, 0.1, 0.9, 1e-3, 7);
    TokenSet data = BenchSupport.randomTokens(shape, steps * batch);
    Supplier<TrainingSchedule> sequential = () -> new SequentialSchedule(Parallelism.SERIAL);
    Supplier<TrainingSchedule> overlapped =
        () ->
            new LocalSchedule(
                ConfigFactory.parseString(
                        "blindtuner.pipeline.micro-batches-in-flight = " + microBatches)
                    .withFallback(ConfigFactory.load())
                    .resolve(),
                FaultInjector.NONE);
    UnaryOperator<Refresher> none = r -> r;
    UnaryOperator<Refresher> delayed = r -> new DelayedRefresher(r, delayMs);
    String[] sides = {"sequential", "overlapped", "sequential+delay", "overlapped+delay"};
    Map<String, List<EncryptedTrainingRun.Result>> runs = new LinkedHashMap<>();
    for (String s : sides) {
      runs.put(s, new ArrayList<>());
    }
    System.out.printf(
        Locale.ROOT,
        "pipeline benchmark: %d steps x %d micro-batches of %d images, %d rounds + warm-up,"
            + " refresh delay %d ms, %d cores%n",
        steps,
        microBatches,
        perCiphertext,
        rounds,
        delayMs,
        Runtime.getRuntime().availableProcessors());
    for (int round = 0; round <= rounds; round++) {
      for (String s : sides) {
        TrainingSchedule schedule = (s.startsWith("sequential") ? sequential : overlapped).get();
        EncryptedTrainingRun.Result r =
            EncryptedTrainingRun.run(
                params,
                shape,
                cfg,
                data,
                schedule,
                Parallelism.SERIAL,
                s.endsWith("delay") ? delayed : none,
                x -> {});
        if (round > 0) {
          runs.get(s).add(r);
        }
        System.out.printf(
            Locale.ROOT,
            "  %s %-17s %6.2f s/step, %6.1f samples/s, peak %d ciphertexts alive%n",
            round == 0 ? "warm-up" : "round " + round,
            s,
            r.secondsPerStep(),
            batch / r.secondsPerStep(),
            r.peakCiphertextsAlive());
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("steps", steps);
    report.put("micro_batches", microBatches);
    report.put("images_per_micro_batch", perCiphertext);
    report.put("rounds", rounds);
    report.put("delay_ms", delayMs);
    report.put("cores", Runtime.getRuntime().availableProcessors());
    Map<String, Double> stepSeconds = new LinkedHashMap<>();
    for (String s : sides) {
      stepSeconds.put(
          s,
          BenchSupport.median(
              runs.get(s).stream()
                  .mapToDouble(EncryptedTrainingRun.Result::secondsPerStep)
                  .toArray()));
      report.put(s.replace('+', '_') + "_samples_per_second", batch / stepSeconds.get(s));
      report.put(
          s.replace('+', '_') + "_peak_ciphertexts_alive",
          runs.get(s).stream()
              .mapToLong(EncryptedTrainingRun.Result::peakCiphertextsAlive)
              .max()
              .orElse(0));
    }
    double speedup = stepSeconds.get("sequential") / stepSeconds.get("overlapped");
    double speedupDelay = stepSeconds.get("sequential+delay") / stepSeconds.get("overlapped+delay");
    double roundTripsPerStep =
        (double) runs.get("overlapped+delay").get(0).refreshRoundTrips()
            / runs.get("overlapped+delay").get(0).steps();
    double addedSeq = stepSeconds.get("sequential+delay") - stepSeconds.get("sequential");
    double addedOv = stepSeconds.get("overlapped+delay") - stepSeconds.get("overlapped");
    double injected = roundTripsPerStep * delayMs / 1000.0;
    double hidden = 1 - addedOv / injected;
    report.put("overlapped_vs_sequential", speedup);
    report.put("overlapped_vs_sequential_with_delay", speedupDelay);
    report.put("refresh_round_trips_per_step", roundTripsPerStep);
    report.put("injected_delay_seconds_per_step", injected);
    report.put("added_seconds_per_step_sequential", addedSeq);
    report.put("added_seconds_per_step_overlapped", addedOv);
    report.put("delay_hidden_by_overlapped", hidden);
    System.out.printf(
        Locale.ROOT,
        "%nBENCH overlapped_vs_sequential %.2fx (%.1f vs %.1f samples/s; target 1.6x)%n",
        speedup,
        batch / stepSeconds.get("overlapped"),
        batch / stepSeconds.get("sequential"));
    System.out.printf(
        Locale.ROOT,
        "BENCH overlapped_vs_sequential_with_%dms_refresh %.2fx (%.1f vs %.1f samples/s)%n",
        delayMs,
        speedupDelay,
        batch / stepSeconds.get("overlapped+delay"),
        batch / stepSeconds.get("sequential+delay"));
    System.out.printf(
        Locale.ROOT,
        "BENCH delay_hidden %.0f%% (%.1f round trips x %d ms = %.2f s injected per step;"
            + " sequential +%.2f s, overlapped +%.2f s; target 80%%)%n",
        100 * hidden,
        roundTripsPerStep,
        delayMs,
        injected,
        addedSeq,
        addedOv);
    if (opt.containsKey("--report")) {
      JsonReport.write(Path.of(opt.get("--report")), report);
      System.out.println("report " + opt.get("--report"));
    }
  }
}
