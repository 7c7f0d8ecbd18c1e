package io.blindtuner.pipeline.cli;

import io.blindtuner.model.eval.Metrics;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The float / twin / encrypted comparison as the commands print it and as their reports record it.
 */
final class ModelTable {
  private ModelTable() {}

  static void header(PrintWriter o) {
    o.println("model                  accuracy  balanced acc     AUC");
  }

  static void row(PrintWriter o, String name, Metrics m) {
    o.printf(
        Locale.ROOT,
        "%-20s %9.2f%% %12.2f%% %8.4f%n",
        name,
        100 * m.accuracy(),
        100 * m.balancedAccuracy(),
        m.auc());
  }

  /**
   * Says so plainly when a model's balanced accuracy is within 2 pp of chance (1 / classes): it has
   * not learned, whatever its accuracy (which a majority-class answer makes look good on an
   * unbalanced split).
   */
  static void chanceNote(PrintWriter o, String name, Metrics m, int classes) {
    if (Math.abs(m.balancedAccuracy() - 1.0 / classes) < 0.02) {
      o.printf(
          Locale.ROOT,
          "note      the %s has NOT learned: balanced accuracy %.1f%% is within 2 pp of chance"
              + " (%.1f%%); train longer (--epochs) or see the README on model quality%n",
          name,
          100 * m.balancedAccuracy(),
          100.0 / classes);
    }
  }
}
