package io.blindtuner.bench.quality;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's fidelity table, made from {@code train --report} files so that no figure is copied
 * by hand: one row per report, with the float reference, the plaintext twin, the encrypted run
 * (when the report has one, with its seconds per step and training time) and MedMNIST v2's
 * auto-sklearn baseline beside them.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.blindtuner.bench.quality.FidelityTable bench/quality/*.json}
 */
public final class FidelityTable {
  /**
   * auto-sklearn's test AUC (MedMNIST v2, 28x28) and the balanced accuracy issue 12 asks for beside
   * it.
   */
  private static final Map<String, double[]> TARGETS =
      Map.of(
          "breastmnist", new double[] {0.836, 0.70},
          "pneumoniamnist", new double[] {0.942, 0.85},
          "retinamnist", new double[] {0.690, 0.35});

  private FidelityTable() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: FidelityTable REPORT.json...");
      System.exit(2);
    }
    System.out.println(
        "| data set | featurizer | T × d (position values), hidden | epochs | λ | float acc / bal. acc / AUC | twin"
            + " | encrypted (s/step, training time) | encrypted − twin"
            + " | auto-sklearn AUC (bal. acc asked) | report |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    for (String a : args) {
      System.out.println(row(Path.of(a)));
    }
  }

  /**
   * One table row of a report.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and the field if a field the row needs is
   *     missing
   */
  static String row(Path file) throws IOException {
    String json = Files.readString(file);
    String dataset = text(file, json, "dataset");
    boolean encrypted = json.contains("\"encrypted_auc\"");
    double[] target = TARGETS.get(dataset);
    // judged on the encrypted model where the report has one, else on the twin (which it equals)
    String judged = encrypted ? "encrypted" : "twin";
    double auc = number(file, json, judged + "_auc");
    double bal = number(file, json, judged + "_balanced_accuracy");
    String enc =
        encrypted
            ? metrics(file, json, "encrypted")
                + String.format(
                    Locale.ROOT,
                    " (%.2f, %.0f min)",
                    number(file, json, "seconds_per_step"),
                    number(file, json, "encrypted") / 60)
            : "not run";
    String diff =
        encrypted
            ? String.format(
                Locale.ROOT,
                "%+.2f pp, %+.4f AUC",
                shown(number(file, json, "encrypted_vs_twin_accuracy_pp"), 0.005),
                shown(number(file, json, "encrypted_vs_twin_auc"), 0.00005))
            : "";
    String goal =
        target == null
            ? ""
            : String.format(
                Locale.ROOT,
                "%.3f (%.2f): AUC %s, bal. acc %s",
                target[0],
                target[1],
                auc >= target[0] ? "met" : "**not met**",
                bal >= target[1] ? "met" : "**not met**");
    // a report from before the position code has none in its token reduction
    Matcher pos =
        Pattern.compile("\\+ (\\d+) position values").matcher(text(file, json, "token_reduction"));
    return String.format(
        Locale.ROOT,
        "| %s | %s | %d × %d (%s), %d | %d | %.2g | %s | %s | %s | %s | %s | `%s` |",
        dataset,
        featurizer(text(file, json, "featurizer"), text(file, json, "tokens_source")),
        (int) number(file, json, "tokens"),
        (int) number(file, json, "dim"),
        pos.find() ? pos.group(1) : "0",
        (int) number(file, json, "hidden"),
        (int) number(file, json, "epochs"),
        number(file, json, "range_penalty"),
        metrics(file, json, "float"),
        metrics(file, json, "twin"),
        enc,
        diff,
        goal,
        file);
  }

  /**
   * The report's featurizer name in a word or two: its weight-free parts (the k-means dictionary's
   * size and patch side from the tokens' description), or the name itself.
   */
  private static String featurizer(String name, String source) {
    List<String> parts = new ArrayList<>();
    if (name.contains("k-means")) {
      Matcher k = Pattern.compile("(\\d+) centroids of (\\d+)x\\d+x").matcher(source);
      parts.add(
          k.find()
              ? "k-means (" + k.group(1) + " of " + k.group(2) + "×" + k.group(2) + ")"
              : "k-means");
    }
    if (name.contains("scattering")) {
      parts.add("scattering");
    }
    if (name.contains("patch featurizer")) {
      parts.add("patch");
    }
    return parts.isEmpty() ? name : String.join(" + ", parts);
  }

  /** {@code x}, or 0 where it rounds to zero at the printed precision (no "-0.0000"). */
  private static double shown(double x, double halfUnit) {
    return Math.abs(x) < halfUnit ? 0 : x;
  }

  private static String metrics(Path file, String json, String run) {
    return String.format(
        Locale.ROOT,
        "%.1f%% / %.1f%% / %.4f",
        100 * number(file, json, run + "_accuracy"),
        100 * number(file, json, run + "_balanced_accuracy"),
        number(file, json, run + "_auc"));
  }

  private static double number(Path file, String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(-?[0-9.eE+-]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalArgumentException(file + ": no number field '" + key + "'");
    }
    return Double.parseDouble(m.group(1));
  }

  private static String text(Path file, String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalArgumentException(file + ": no text field '" + key + "'");
    }
    return m.group(1);
  }
}
