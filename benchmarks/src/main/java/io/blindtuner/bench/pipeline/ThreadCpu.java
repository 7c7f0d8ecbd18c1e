package io.blindtuner.bench.pipeline;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process by part (trainer, hospital, broker, Kafka clients, GC, JIT, other), from
 * Linux's per-thread counters: unlike the JVM's thread MXBean they include the collector's and the
 * compilers' threads. Empty where /proc is absent. Thread names are the kernel's (15 characters),
 * set by the JVM from the Java names.
 */
final class ThreadCpu {
  /** Linux reports thread times in clock ticks of 1/100 s on every architecture we run on. */
  private static final double TICK = 0.01;

  private static final Path TASKS = Path.of("/proc/self/task");

  private ThreadCpu() {}

  /** CPU seconds so far by part; threads that ended are gone from the counts. */
  static Map<String, Double> snapshot() {
    Map<String, Double> parts = new TreeMap<>();
    if (!Files.isDirectory(TASKS)) {
      return parts;
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (NoSuchFileException e) {
          continue; // the thread ended while we listed: its time is gone from both ends alike
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String[] rest = stat.substring(close + 2).split(" ");
        // after the name: state(0) ... utime(11) stime(12)
        double seconds = (Long.parseLong(rest[11]) + Long.parseLong(rest[12])) * TICK;
        parts.merge(part(stat.substring(open + 1, close)), seconds, Double::sum);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + TASKS, e);
    }
    return parts;
  }

  /** What {@code to} added to {@code from}, part by part. */
  static Map<String, Double> since(Map<String, Double> from, Map<String, Double> to) {
    Map<String, Double> d = new TreeMap<>();
    to.forEach((k, v) -> d.put(k, v - from.getOrDefault(k, 0.0)));
    return d;
  }

  private static String part(String name) {
    if (name.startsWith("blindtuner-hosp") || name.startsWith("blindtuner-edge")) {
      return "hospital";
    }
    if (name.startsWith("blindtuner-trai")) {
      return "trainer io";
    }
    if (name.startsWith("blindtuner-")) {
      return "trainer he";
    }
    if (name.startsWith("kafka-producer")
        || name.startsWith("consumer_backgr")
        || name.startsWith("reactive-kafka")
        || name.startsWith("reactor-kafka")
        || name.startsWith("kafka-admin")) {
      return "kafka clients";
    }
    if (name.startsWith("data-plane")
        || name.startsWith("kafka-")
        || name.startsWith("group-coordinat")
        || name.startsWith("share-")
        || name.startsWith("quorum-")
        || name.startsWith("raft-")
        || name.startsWith("broker-")
        || name.startsWith("controller-")
        || name.startsWith("ExpirationReape")
        || name.startsWith("executor-")) {
      return "broker";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
      return "gc";
    }
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
      return "jit";
    }
    return "other";
  }
}
