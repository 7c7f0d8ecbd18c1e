package io.blindtuner.bench.he;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Times the same operations on several "sides" (our engine with 1 thread, with 2 threads,
 * node-seal) so that their ratios survive a shared, noisy machine: after a warm-up, it sweeps
 * round-robin over ops and sides, giving each (op, side) a short slice per sweep, and reports the
 * median of all runs of each pair. Every side thus samples the same stretch of time and load,
 * instead of each op being timed in its own window.
 *
 * @param warmupReps minimum warm-up runs per (op, side) (lets the JIT and V8 compile the hot paths)
 * @param warmupNs minimum warm-up time per (op, side)
 * @param sweeps sweeps over the fast ops
 * @param sliceNs target time of one slice (runs of one op on one side within a sweep)
 * @param slowSweeps sweeps over the slow ops, one run per slice
 */
public record InterleavedTimer(
    int warmupReps, long warmupNs, int sweeps, long sliceNs, int slowSweeps) {

  /** One engine configuration that can time named ops. */
  public interface Side {
    String name();

    boolean has(String op);

    /**
     * Runs the op {@code reps} times.
     *
     * @return the milliseconds of each run
     * @throws Exception whatever the op or the engine's process throws
     */
    double[] run(String op, int reps) throws Exception;
  }

  /** The median of {@code reps} runs. */
  public record Result(double medianMs, int reps) {}

  /**
   * @throws IllegalArgumentException if a count or time is negative, or there are no sweeps
   */
  public InterleavedTimer {
    if (warmupReps < 0 || warmupNs < 0 || sweeps < 1 || sliceNs < 1 || slowSweeps < 1) {
      throw new IllegalArgumentException(
          "invalid InterleavedTimer(warmupReps="
              + warmupReps
              + ", warmupNs="
              + warmupNs
              + ", sweeps="
              + sweeps
              + ", sliceNs="
              + sliceNs
              + ", slowSweeps="
              + slowSweeps
              + ")");
    }
  }

  /**
   * Measures every op on every side that has it.
   *
   * @param fastOps ops run many times per slice
   * @param slowOps ops taking a large fraction of a second or more (key generation): one warm-up
   *     run, then one run per sweep
   * @param progress receives one line per finished phase
   * @return op -&gt; side name -&gt; result, in the given orders
   * @throws Exception whatever a side throws
   */
  public Map<String, Map<String, Result>> measure(
      List<String> fastOps, List<String> slowOps, List<Side> sides, Consumer<String> progress)
      throws Exception {
    Map<String, Map<String, List<Double>>> samples = new LinkedHashMap<>();
    Map<String, Map<String, Double>> estimateMs = new LinkedHashMap<>();
    for (String op : fastOps) {
      for (Side side : sides) {
        if (side.has(op)) {
          estimateMs
              .computeIfAbsent(op, k -> new LinkedHashMap<>())
              .put(side.name(), warmUp(side, op));
          samples
              .computeIfAbsent(op, k -> new LinkedHashMap<>())
              .put(side.name(), new ArrayList<>());
        }
      }
      progress.accept("warmed up " + op);
    }
    double sliceMs = sliceNs / 1e6;
    for (int s = 1; s <= sweeps; s++) {
      for (String op : fastOps) {
        for (Side side : sides) {
          if (side.has(op)) {
            double est = estimateMs.get(op).get(side.name());
            int reps =
                (int) Math.max(1, Math.min(10_000, Math.round(sliceMs / Math.max(est, 1e-6))));
            add(samples, op, side, side.run(op, reps));
          }
        }
      }
      progress.accept("sweep " + s + "/" + sweeps);
    }
    for (String op : slowOps) {
      for (Side side : sides) {
        if (side.has(op)) {
          side.run(op, 1);
          samples
              .computeIfAbsent(op, k -> new LinkedHashMap<>())
              .put(side.name(), new ArrayList<>());
        }
      }
    }
    for (int s = 1; s <= slowSweeps; s++) {
      for (String op : slowOps) {
        for (Side side : sides) {
          if (side.has(op)) {
            add(samples, op, side, side.run(op, 1));
          }
        }
      }
      progress.accept("slow sweep " + s + "/" + slowSweeps);
    }
    Map<String, Map<String, Result>> results = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, List<Double>>> op : samples.entrySet()) {
      Map<String, Result> bySide = new LinkedHashMap<>();
      for (Map.Entry<String, List<Double>> side : op.getValue().entrySet()) {
        bySide.put(side.getKey(), new Result(median(side.getValue()), side.getValue().size()));
      }
      results.put(op.getKey(), bySide);
    }
    return results;
  }

  /**
   * Runs the op in doubling batches until the warm-up count and time are reached; returns ms per
   * run.
   */
  private double warmUp(Side side, String op) throws Exception {
    int count = 0;
    double totalMs = 0;
    int batch = 1;
    double[] last = null;
    while (count < warmupReps || totalMs * 1e6 < warmupNs) {
      last = side.run(op, batch);
      count += batch;
      for (double t : last) {
        totalMs += t;
      }
      batch = Math.min(batch * 2, 1000);
    }
    return last == null ? sliceNs / 1e6 : median(Arrays.stream(last).boxed().toList());
  }

  private static void add(
      Map<String, Map<String, List<Double>>> samples, String op, Side side, double[] ms) {
    List<Double> list = samples.get(op).get(side.name());
    for (double t : ms) {
      list.add(t);
    }
  }

  private static double median(List<Double> values) {
    double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = s.length;
    if (n == 0) {
      throw new IllegalStateException("no samples");
    }
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
