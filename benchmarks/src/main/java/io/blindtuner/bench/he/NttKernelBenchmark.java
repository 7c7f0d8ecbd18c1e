package io.blindtuner.bench.he;

import io.blindtuner.he.ring.CoeffModulus;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.NttTables;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One NTT of one limb, forward and inverse, on the scalar kernels and on the vector ones
 * (ring.VectorNtt, primes below 2^50; a 60-bit prime always runs scalar): the kernel every other op
 * is built from. Compare with the C and HEXL figures in /work/shared/notes/PERFORMANCE.md (about
 * 120 µs in C, 180 µs in plain Java, 15 µs with HEXL at N=8192 on the reference machine).
 *
 * <p>Run the scalar-vs-vector ratio interleaved (both kernels timed in the same sweeps, so load
 * hits both alike): {@code java --add-modules jdk.incubator.vector -cp
 * benchmarks/target/benchmarks.jar io.blindtuner.bench.he.NttKernelBenchmark [--n 16384]}; or each
 * kernel alone under JMH: {@code java -jar benchmarks/target/benchmarks.jar NttKernelBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgs = {"-Xms1g", "-Xmx1g", "--add-modules", "jdk.incubator.vector"})
public class NttKernelBenchmark {
  /**
   * Prime sizes in use: 40-bit data primes, 46-bit special primes of the training path, the 60-bit
   * first one.
   */
  private static final int[] BITS = {40, 46, 60};

  @Param({"8192", "16384"})
  public int n;

  @Param({"40", "60"})
  public int bits;

  @Param({"scalar", "vector"})
  public String kernel;

  private NttTables tables;
  private long[] a;

  @Setup
  public void setup() {
    Modulus q = new Modulus(CoeffModulus.create(n, bits)[0]);
    tables = new NttTables(n, q, kernel.equals("vector"));
    a = randomLimb(n, q);
  }

  /** Output reduced to [0, q), so repeated calls stay valid inputs. */
  @Benchmark
  public long[] forward() {
    tables.forward(a);
    return a;
  }

  @Benchmark
  public long[] inverse() {
    tables.inverse(a);
    return a;
  }

  private static long[] randomLimb(int n, Modulus q) {
    SecureRandom random = new SecureRandom();
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = Math.floorMod(random.nextLong(), q.value());
    }
    return a;
  }

  /**
   * The scalar and the vector kernels as two sides of an {@link InterleavedTimer}, ops "forward 40"
   * etc.
   */
  private record Kernel(String name, Map<Integer, NttTables> tables, Map<Integer, long[]> limbs)
      implements InterleavedTimer.Side {
    @Override
    public boolean has(String op) {
      return true;
    }

    @Override
    public double[] run(String op, int reps) {
      String[] parts = op.split(" ");
      NttTables t = tables.get(Integer.parseInt(parts[1]));
      long[] a = limbs.get(Integer.parseInt(parts[1]));
      boolean forward = parts[0].equals("forward");
      double[] ms = new double[reps];
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        if (forward) {
          t.forward(a);
        } else {
          t.inverse(a);
        }
        ms[r] = (System.nanoTime() - t0) / 1e6;
      }
      return ms;
    }
  }

  /**
   * Prints, per prime size, the median µs of both kernels and their ratio.
   *
   * @throws Exception if an argument is unknown or not a supported N
   */
  public static void main(String[] args) throws Exception {
    int n = 16384;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--n") && i + 1 < args.length) {
        n = Integer.parseInt(args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument '" + args[i] + "' (expected --n N)");
      }
    }
    List<InterleavedTimer.Side> sides = new ArrayList<>();
    List<String> ops = new ArrayList<>();
    for (boolean vector : new boolean[] {false, true}) {
      Map<Integer, NttTables> tables = new HashMap<>();
      Map<Integer, long[]> limbs = new HashMap<>();
      for (int b : BITS) {
        Modulus q = new Modulus(CoeffModulus.create(n, b)[0]);
        tables.put(b, new NttTables(n, q, vector));
        limbs.put(b, randomLimb(n, q));
      }
      sides.add(new Kernel(vector ? "vector" : "scalar", tables, limbs));
    }
    for (int b : BITS) {
      ops.add("forward " + b);
      ops.add("inverse " + b);
    }
    InterleavedTimer timer = new InterleavedTimer(200, 2_000_000_000L, 15, 100_000_000L, 1);
    Map<String, Map<String, InterleavedTimer.Result>> results =
        timer.measure(ops, List.of(), sides, System.err::println);
    boolean vectorized = ((Kernel) sides.get(1)).tables().get(40).vectorized();
    System.out.println(
        "N="
            + n
            + ", one limb, median µs (vector kernels "
            + (vectorized
                ? "on"
                : "unavailable: JVM without --add-modules jdk.incubator.vector or no AVX-512")
            + ")");
    System.out.println("| op | prime bits | scalar µs | vector µs | scalar / vector |");
    System.out.println("|---|---|---|---|---|");
    for (String op : ops) {
      double s = results.get(op).get("scalar").medianMs() * 1e3;
      double v = results.get(op).get("vector").medianMs() * 1e3;
      String[] parts = op.split(" ");
      System.out.println(
          String.format(
              Locale.ROOT, "| %s | %s | %.1f | %.1f | %.2f |", parts[0], parts[1], s, v, s / v));
    }
  }
}
