package io.blindtuner.pipeline.cli;

import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.eval.Metrics;
import io.blindtuner.pipeline.hospital.HospitalModel;
import io.blindtuner.pipeline.hospital.ModelFile;
import io.blindtuner.pipeline.hospital.TrainingService;
import io.blindtuner.vision.MalformedFileException;
import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.features.FeatureSet;
import io.blindtuner.vision.features.TokenFile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blindtuner predict}: the hospital uses its model. Featurizes a split's images with the
 * featurizer stored in the model file (or takes a token file's split), applies the stored PCA and
 * scaling, runs the plaintext head and writes each image's class probabilities; prints accuracy,
 * balanced accuracy and AUC against the labels.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Classify images with a model file from 'train --save-model' (plaintext, at the hospital): per-image class "
          + "probabilities, and accuracy / balanced accuracy / AUC against the split's labels."
    })
public final class PredictCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "FILE",
      required = true,
      description = "A model file from 'train'.")
  Path model;

  @Option(
      names = "--data",
      paramLabel = "PATH",
      description =
          "A MedMNIST-format .npz, or a folder holding DATASET.npz (the model's data set).")
  Path data;

  @Option(
      names = "--tokens",
      paramLabel = "FILE",
      description = "A token file from 'featurize' instead of --data (for a model trained on one).")
  Path tokens;

  @Option(
      names = "--split",
      paramLabel = "NAME",
      defaultValue = "test",
      description = "Which split to classify: test, val or train (default ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write index, label, predicted class and each class probability as CSV.")
  Path out;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the metrics as JSON.")
  Path report;

  @Override
  public Integer call() throws IOException {
    PrintWriter o = spec.commandLine().getOut();
    if (!split.equals("test") && !split.equals("val") && !split.equals("train")) {
      throw new IllegalArgumentException("--split must be test, val or train, got '" + split + "'");
    }
    if ((data == null) == (tokens == null)) {
      throw new IllegalArgumentException(
          "give exactly one of --data (images) and --tokens (a token file)");
    }
    OptionChecks.readableFile("--model", model);
    if (tokens != null) {
      OptionChecks.readableFile("--tokens", tokens);
    }
    if (out != null) {
      OptionChecks.writableFile("--out", out, true);
    }
    if (report != null) {
      OptionChecks.writableFile("--report", report, true);
    }
    HospitalModel m = ModelFile.read(model);
    FeatureSet features = features(m);
    TokenSet set = m.tokens(features);
    double[][] probs = m.probabilities(set);
    Metrics metrics = HospitalModel.metrics(probs, set);
    double loss = TrainingService.crossEntropy(probs, set.labels());
    o.printf(
        Locale.ROOT,
        "model     %s: %s head trained by the %s run, %d classes %s%n",
        model,
        m.functions(),
        m.trainedBy(),
        m.shape().classes(),
        m.classNames());
    o.printf(Locale.ROOT, "data      %s split of %s: %d images%n", split, m.dataset(), set.size());
    o.printf(
        Locale.ROOT,
        "metrics   accuracy %.2f%%, balanced accuracy %.2f%%, AUC %.4f, cross-entropy %.4f%n",
        100 * metrics.accuracy(),
        100 * metrics.balancedAccuracy(),
        metrics.auc(),
        loss);
    if (out != null) {
      writeCsv(out, m, set, probs);
      o.println("wrote     " + out);
    }
    if (report != null) {
      Map<String, Object> rep = new LinkedHashMap<>();
      rep.put("model", model.toString());
      rep.put("dataset", m.dataset());
      rep.put("trained_by", m.trainedBy());
      rep.put("split", split);
      rep.put("images", set.size());
      rep.put("accuracy", metrics.accuracy());
      rep.put("balanced_accuracy", metrics.balancedAccuracy());
      rep.put("auc", metrics.auc());
      rep.put("cross_entropy", loss);
      JsonReport.write(report, rep);
      o.println("report    " + report);
    }
    o.flush();
    return 0;
  }

  private FeatureSet features(HospitalModel m) throws IOException {
    if (tokens != null) {
      TokenFile tf = TokenFile.read(tokens);
      if (!tf.dataset().equalsIgnoreCase(m.dataset())) {
        throw new IllegalArgumentException(
            "--tokens "
                + tokens
                + " holds "
                + tf.dataset()
                + ", the model was"
                + " trained on "
                + m.dataset());
      }
      return tf.split(split);
    }
    Path file =
        Files.isDirectory(data)
            ? data.resolve(m.dataset().toLowerCase(Locale.ROOT).replaceAll("\\.npz$", "") + ".npz")
            : data;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--data " + file + ": no such file");
    }
    MedMnistDataset ds;
    try {
      ds = MedMnistDataset.load(file, m.dataset());
    } catch (MalformedFileException e) {
      // the loader names the file; the option is what the user can act on
      throw new MalformedFileException("--data " + e.getMessage(), e);
    }
    try {
      ImageSplit images =
          switch (split) {
            case "train" -> ds.train();
            case "val" -> ds.val();
            default -> ds.test();
          };
      return m.featurize(images);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--data " + file + ": " + e.getMessage(), e);
    }
  }

  private static void writeCsv(Path file, HospitalModel m, TokenSet set, double[][] probs)
      throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder h = new StringBuilder("index,label,predicted");
      for (String n : m.classNames()) {
        h.append(",p_").append(n);
      }
      w.write(h.append('\n').toString());
      for (int i = 0; i < probs.length; i++) {
        int best = Metrics.argmax(probs[i]);
        StringBuilder r =
            new StringBuilder()
                .append(i)
                .append(',')
                .append(m.classNames().get(set.labels()[i]))
                .append(',')
                .append(m.classNames().get(best));
        for (double p : probs[i]) {
          r.append(',').append(String.format(Locale.ROOT, "%.6g", p));
        }
        w.write(r.append('\n').toString());
      }
    }
  }
}
