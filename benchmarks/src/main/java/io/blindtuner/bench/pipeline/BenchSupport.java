package io.blindtuner.bench.pipeline;

import io.blindtuner.model.HeadShape;
import io.blindtuner.model.data.TokenSet;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/** What the pipeline benchmarks share: option parsing, medians and their random inputs. */
final class BenchSupport {
  private BenchSupport() {}

  static Map<String, String> options(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException(
            "expected --option value pairs, got " + Arrays.toString(args));
      }
      m.put(args[i], args[++i]);
    }
    return m;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Random tokens and labels: throughput does not depend on what is learned. */
  static TokenSet randomTokens(HeadShape s, int n) {
    SplittableRandom r = new SplittableRandom(11);
    double[][] mean = new double[n][s.dim()];
    double[][][] centred = new double[n][s.tokens()][s.dim()];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(s.classes());
      for (int k = 0; k < s.dim(); k++) {
        mean[i][k] = r.nextGaussian() * 0.5;
        for (int t = 0; t < s.tokens(); t++) {
          centred[i][t][k] = r.nextGaussian() * 0.5;
        }
      }
    }
    return new TokenSet(mean, centred, labels, s.classes());
  }

  /** The time between the first and the last step's end: the steady state, setup excluded. */
  static final class StepClock implements IntConsumer {
    /** The process's CPU time (all its threads, the in-process broker's too). */
    private static final com.sun.management.OperatingSystemMXBean OS =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long first;
    private long last;
    private long cpuFirst;
    private long cpuLast;
    private Map<String, Double> partsFirst = Map.of();
    private Map<String, Double> partsLast = Map.of();
    private int count;

    @Override
    public synchronized void accept(int step) {
      long now = System.nanoTime();
      long cpu = OS.getProcessCpuTime();
      Map<String, Double> parts = ThreadCpu.snapshot();
      if (count++ == 0) {
        first = now;
        cpuFirst = cpu;
        partsFirst = parts;
      }
      last = now;
      cpuLast = cpu;
      partsLast = parts;
    }

    synchronized double secondsPerStep() {
      return (last - first) / 1e9 / (count - 1);
    }

    /** CPU seconds the whole process spent per step, over the same steps. */
    synchronized double cpuSecondsPerStep() {
      return (cpuLast - cpuFirst) / 1e9 / (count - 1);
    }

    /** The same by part of the process ({@link ThreadCpu}), over the same steps. */
    synchronized Map<String, Double> cpuSecondsPerStepByPart() {
      Map<String, Double> d = ThreadCpu.since(partsFirst, partsLast);
      d.replaceAll((k, v) -> v / (count - 1));
      return d;
    }
  }
}
