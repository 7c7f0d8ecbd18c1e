package io.blindtuner.bench.he;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.Encryptor;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.KeyGenerator;
import io.blindtuner.he.ckks.Plaintext;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ring.Parallelism;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The evaluator's costly operations at the parameter sets, with 1 and 2 threads:
 * multiply_plain, multiply + relinearize + rescale (fused and as three calls), rotate by 1, and
 * {@value #HOISTED} rotations of one ciphertext, hoisted (one shared decomposition) against one by
 * one.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EvaluatorBenchmark} (add {@code -p
 * n=8192 -p threads=1} to narrow it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xms3g", "-Xmx3g", "-XX:+UseParallelGC", "--add-modules", "jdk.incubator.vector"})
public class EvaluatorBenchmark {
  /**
   * Number of rotations in the hoisted-rotation benchmarks (steps 1..HOISTED, as in a baby-step
   * loop).
   */
  public static final int HOISTED = 8;

  @Param({"8192", "16384"})
  public int n;

  @Param({"1", "2"})
  public int threads;

  private Parallelism parallelism;
  private Evaluator evaluator;
  private RelinKeys relinKeys;
  private GaloisKeys galoisKeys;
  private Ciphertext x;
  private Ciphertext y;
  private Plaintext p;
  private Ciphertext out;
  private int[] steps;

  @Setup
  public void setup() {
    CkksParameters params = BenchParams.parameters(n);
    parallelism = Parallelism.withThreads(threads);
    KeyGenerator keygen = new KeyGenerator(params, null, parallelism);
    relinKeys = keygen.createRelinKeys();
    steps = new int[HOISTED];
    for (int i = 0; i < HOISTED; i++) {
      steps[i] = i + 1;
    }
    galoisKeys = keygen.createGaloisKeys(steps, false);
    CkksEncoder encoder = new CkksEncoder(params, parallelism);
    Encryptor encryptor = new Encryptor(params, keygen.createPublicKey());
    evaluator = new Evaluator(params, parallelism);
    SecureRandom random = new SecureRandom();
    double[] a = new double[params.slots()];
    double[] b = new double[params.slots()];
    for (int i = 0; i < a.length; i++) {
      a[i] = random.nextDouble() * 2 - 1;
      b[i] = random.nextDouble() * 2 - 1;
    }
    int top = params.maxLevel();
    x = encryptor.encryptNew(encoder.encode(a, top, BenchParams.SCALE));
    y = encryptor.encryptNew(encoder.encode(b, top, BenchParams.SCALE));
    p = encoder.encode(b, top, BenchParams.SCALE);
    out = new Ciphertext(params);
  }

  @TearDown
  public void tearDown() {
    parallelism.close();
  }

  @Benchmark
  public Ciphertext multiplyPlain() {
    evaluator.multiplyPlain(x, p, out);
    return out;
  }

  /** The fused call: one rounding division by P*q_level for relinearization and rescale. */
  @Benchmark
  public Ciphertext multiplyRelinRescale() {
    evaluator.multiplyRelinRescale(x, y, relinKeys, out);
    return out;
  }

  /** The same result as three calls, as SEAL (and node-seal) computes it. */
  @Benchmark
  public Ciphertext multiplyRelinRescale3Calls() {
    evaluator.multiply(x, y, out);
    evaluator.relinearize(out, relinKeys, out);
    evaluator.rescale(out, out);
    return out;
  }

  @Benchmark
  public Ciphertext rotate() {
    evaluator.rotate(x, 1, galoisKeys, out);
    return out;
  }

  @Benchmark
  public Ciphertext[] rotateHoisted() {
    return evaluator.rotateHoisted(x, steps, galoisKeys);
  }

  /**
   * The baseline for {@link #rotateHoisted()}: the same rotations, each with its own decomposition.
   */
  @Benchmark
  public void rotateOneByOne(Blackhole bh) {
    for (int step : steps) {
      bh.consume(evaluator.rotateNew(x, step, galoisKeys));
    }
  }
}
