package io.blindtuner.pipeline.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar on stderr for long-running commands: count, rate and ETA. Thread-safe: workers
 * call {@link #step(long)} concurrently. On a terminal the line is redrawn in place (at most 10
 * times a second); otherwise (logs, CI) a line is printed every 10% so logs stay short.
 */
public final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final String label;
  private final long total;
  private final String unit;
  private final PrintStream out;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private long lastDraw;
  private long lastDecile = -1;
  private long lastPrinted = -1;
  private boolean closed;

  /**
   * @param label what is being counted, shown first
   * @param total the count at completion (&gt; 0)
   * @param unit the unit, e.g. "img"
   * @throws IllegalArgumentException if total is negative
   */
  public ProgressBar(String label, long total, String unit) {
    this(label, total, unit, System.err, System.console() != null);
  }

  /**
   * @param terminal true to redraw one line in place, false for a line per 10%
   * @throws IllegalArgumentException if total is negative
   */
  public ProgressBar(String label, long total, String unit, PrintStream out, boolean terminal) {
    if (total < 0) {
      throw new IllegalArgumentException("progress total must be >= 0, got " + total);
    }
    this.label = label;
    this.total = total;
    this.unit = unit;
    this.out = out;
    this.terminal = terminal;
  }

  /** Records {@code n} more finished items and redraws if due. */
  public void step(long n) {
    long d = done.addAndGet(n);
    long now = System.nanoTime();
    synchronized (this) {
      if (closed) {
        return;
      }
      if (terminal) {
        if (now - lastDraw >= REDRAW_NANOS || d >= total) {
          lastDraw = now;
          out.print("\r" + line(d, now));
          out.flush();
        }
      } else {
        long decile = total == 0 ? 10 : d * 10 / total;
        if (decile != lastDecile) {
          lastDecile = decile;
          lastPrinted = d;
          out.println(line(d, now));
        }
      }
    }
  }

  /** Seconds since the bar was created. */
  public double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  /** Draws the final state and ends the line. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long d = done.get();
    if (terminal || d != lastPrinted) {
      String l = line(d, System.nanoTime());
      out.println(terminal ? "\r" + l : l);
    }
    out.flush();
  }

  /** The bar text for {@code d} items done at time {@code now}. */
  String line(long d, long now) {
    double secs = Math.max(1e-9, (now - start) / 1e9);
    double rate = d / secs;
    int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, d * WIDTH / total);
    String eta =
        d >= total
            ? "done in " + format(secs)
            : rate > 0 ? "ETA " + format((total - d) / rate) : "ETA --:--";
    return String.format(
        "%s [%s%s] %d/%d %s  %.1f %s/s  %s",
        label, "#".repeat(filled), ".".repeat(WIDTH - filled), d, total, unit, rate, unit, eta);
  }

  static String format(double seconds) {
    Duration t = Duration.ofMillis((long) (seconds * 1000));
    return t.toHours() > 0
        ? String.format("%d:%02d:%02d", t.toHours(), t.toMinutesPart(), t.toSecondsPart())
        : String.format("%d:%02d", t.toMinutesPart(), t.toSecondsPart());
  }
}
