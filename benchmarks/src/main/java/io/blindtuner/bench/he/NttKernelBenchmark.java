package io.blindtuner.bench.he;

import io.blindtuner.he.ring.CoeffModulus;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.NttTables;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One NTT of one limb (a 60-bit prime), forward and inverse, plain and lazy: the kernel every other op is
 * built from. Compare with the C and Java figures in /work/shared/notes/PERFORMANCE.md (about 120 µs in C and
 * 180 µs in plain Java at N=8192 on the reference machine).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar NttKernelBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class NttKernelBenchmark {
    @Param({"8192", "16384"})
    public int n;

    private NttTables tables;
    private long[] a;

    @Setup
    public void setup() {
        Modulus q = new Modulus(CoeffModulus.create(n, 60)[0]);
        tables = new NttTables(n, q);
        SecureRandom random = new SecureRandom();
        a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = Math.floorMod(random.nextLong(), q.value());
        }
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
}
