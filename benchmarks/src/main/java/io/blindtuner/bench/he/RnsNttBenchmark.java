package io.blindtuner.bench.he;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ring.NttTables;
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

/**
 * Forward and inverse NTT of every limb of a key-level polynomial (4 limbs at N=8192, 8 at
 * N=16384), spread over limbs with {@link Parallelism} as the engine does: shows how the NTT scales
 * from 1 to 2 threads.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RnsNttBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g", "--add-modules", "jdk.incubator.vector"})
public class RnsNttBenchmark {
  @Param({"8192", "16384"})
  public int n;

  @Param({"1", "2"})
  public int threads;

  private Parallelism parallelism;
  private NttTables[] tables;
  private long[][] limbs;

  @Setup
  public void setup() {
    CkksParameters params = BenchParams.parameters(n);
    parallelism = Parallelism.withThreads(threads);
    int count = params.keyLimbCount();
    tables = new NttTables[count];
    limbs = new long[count][n];
    SecureRandom random = new SecureRandom();
    for (int j = 0; j < count; j++) {
      tables[j] = params.nttTables(j);
      long q = params.prime(j);
      for (int i = 0; i < n; i++) {
        limbs[j][i] = Math.floorMod(random.nextLong(), q);
      }
    }
  }

  @TearDown
  public void tearDown() {
    parallelism.close();
  }

  /** Outputs are reduced to [0, q), so repeated calls stay valid inputs. */
  @Benchmark
  public long[][] forward() {
    parallelism.forEach(limbs.length, j -> tables[j].forward(limbs[j]));
    return limbs;
  }

  @Benchmark
  public long[][] inverse() {
    parallelism.forEach(limbs.length, j -> tables[j].inverse(limbs[j]));
    return limbs;
  }
}
