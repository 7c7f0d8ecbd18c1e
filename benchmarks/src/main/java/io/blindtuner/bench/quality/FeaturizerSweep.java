package io.blindtuner.bench.quality;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.eval.Metrics;
import io.blindtuner.pipeline.hospital.FeaturizerKind;
import io.blindtuner.pipeline.hospital.TrainingData;
import io.blindtuner.pipeline.hospital.TrainingListener;
import io.blindtuner.pipeline.hospital.TrainingReport;
import io.blindtuner.pipeline.hospital.TrainingRequest;
import io.blindtuner.pipeline.hospital.TrainingService;
import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.features.FeatureSet;
import io.blindtuner.vision.features.Featurizer;
import io.blindtuner.vision.features.KMeansPatchFeaturizer;
import io.blindtuner.vision.features.KMeansSettings;
import io.blindtuner.vision.features.PatchFeaturizer;
import io.blindtuner.vision.features.PositionCode;
import io.blindtuner.vision.features.ScatteringFeaturizer;
import io.blindtuner.vision.features.StackedFeaturizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Chooses the featurizer and the head's hyper-parameters on the official validation split, never
 * the test split (or, with {@code --folds K}, on K stratified folds of train and val pooled): for
 * each data set and featurizer it fits the featurizer on the train images, featurizes train and
 * val, and for every point of the grid trains the float reference and the plaintext twin on train
 * (the same {@link TrainingService} path as {@code blindtuner train}, PCA and scaling fitted on
 * train) and scores them on val. Prints one row per run: val AUC and balanced accuracy of both
 * heads, and the largest |h| and centred logit the twin reaches on train (against the GELU fit's
 * [-3, 3] and the softmax fit's domain).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.blindtuner.bench.quality.FeaturizerSweep --data ../shared/data \
 *   [--datasets breastmnist,pneumoniamnist,retinamnist] [--featurizers patch,kmeans] [--centroids 64,128] \
 *   [--patch-sizes 6] [--grids 4] [--dims 16] [--hidden 16] [--lr 0.1] [--epochs 10] [--batch 32] \
 *   [--weight-decay 1e-3] [--range-penalty 0] [--class-balanced false] [--mirror false] [--positions 0] [--seed 7] \
 *   [--folds 0]
 * </pre>
 */
@Command(
    name = "featurizer-sweep",
    mixinStandardHelpOptions = true,
    description =
        "Val-split sweep of featurizer x dims x hidden x lr x epochs for the float reference and twin.")
public final class FeaturizerSweep implements Callable<Integer> {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Folder of the MedMNIST .npz files.")
  Path data;

  @Option(
      names = "--datasets",
      split = ",",
      defaultValue = "breastmnist,pneumoniamnist,retinamnist")
  List<String> datasets;

  @Option(
      names = "--featurizers",
      split = ",",
      defaultValue = "patch,kmeans",
      description =
          "patch, kmeans, scattering and/or kmeans_scattering (default ${DEFAULT-VALUE}); every"
              + " one but patch is swept over --grids, the k-means ones over --centroids and"
              + " --patch-sizes too.")
  List<String> featurizers;

  @Option(
      names = "--centroids",
      split = ",",
      defaultValue = "64,128",
      description = "Dictionary sizes tried for kmeans (default ${DEFAULT-VALUE}).")
  List<Integer> centroids;

  @Option(
      names = "--patch-sizes",
      split = ",",
      defaultValue = "6",
      description = "Dictionary patch sides tried for kmeans (default ${DEFAULT-VALUE}).")
  List<Integer> patchSizes;

  @Option(
      names = "--grids",
      split = ",",
      defaultValue = "4",
      description = "Pooling grids tried for kmeans, T = grid^2 tokens (default ${DEFAULT-VALUE}).")
  List<Integer> grids;

  @Option(names = "--dims", split = ",", defaultValue = "16")
  List<Integer> dims;

  @Option(names = "--hidden", split = ",", defaultValue = "16")
  List<Integer> hidden;

  @Option(names = "--lr", split = ",", defaultValue = "0.1")
  List<Double> lrs;

  @Option(names = "--epochs", split = ",", defaultValue = "10")
  List<Integer> epochs;

  @Option(names = "--batch", split = ",", defaultValue = "32")
  List<Integer> batches;

  @Option(names = "--weight-decay", split = ",", defaultValue = "1e-3")
  List<Double> weightDecays;

  @Option(names = "--range-penalty", split = ",", defaultValue = "0")
  List<Double> penalties;

  @Option(names = "--class-balanced", split = ",", arity = "1", defaultValue = "false")
  List<Boolean> balanced;

  @Option(
      names = "--mirror",
      split = ",",
      arity = "1",
      defaultValue = "false",
      description =
          "Train on the train images and their left-right mirrors (default ${DEFAULT-VALUE}).")
  List<Boolean> mirrors;

  @Option(
      names = "--positions",
      split = ",",
      defaultValue = "0",
      description =
          "Values of each token given to a fixed position code in place of the last PCA components:"
              + " 0, 2 (row and column ramps) or 4 (the ramps and their absolute values, so a linear"
              + " attention score can prefer the centre); default ${DEFAULT-VALUE}.")
  List<Integer> positions;

  @Option(
      names = "--folds",
      defaultValue = "0",
      description =
          "0: score on the official val split (default). K >= 2: pool train and val and score the mean"
              + " over K stratified folds (each trained on the other K-1; the featurizer stays fitted"
              + " on the train images), a steadier estimate where val is small.")
  int folds;

  @Option(names = "--clip", defaultValue = "3")
  double clip;

  @Option(names = "--seed", defaultValue = "7")
  long seed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new FeaturizerSweep()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    for (String f : featurizers) {
      if (!List.of("patch", "kmeans", "scattering", "kmeans_scattering").contains(f)) {
        throw new IllegalArgumentException(
            "--featurizers: unknown featurizer '"
                + f
                + "' (patch, kmeans, scattering or kmeans_scattering)");
      }
    }
    if (folds != 0 && mirrors.contains(true)) {
      throw new IllegalArgumentException("--mirror true cannot be combined with --folds");
    }
    TrainingService service = new TrainingService(ConfigFactory.load());
    String scoredOn = folds == 0 ? "val" : folds + "-fold";
    System.out.println(
        "| data set | featurizer | d | m | lr | epochs | batch | wd | range penalty | class-balanced"
            + " | float SPLIT AUC | float SPLIT bal-acc | twin SPLIT AUC | twin SPLIT bal-acc"
                .replace("SPLIT", scoredOn)
            + " | twin train max abs h | twin train max abs u |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (String name : datasets) {
      Path file = data.resolve(name + ".npz");
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("--datasets: " + file + " does not exist");
      }
      MedMnistDataset ds = MedMnistDataset.load(file, name);
      for (Featurizer f : featurizersFor(ds)) {
        FeatureSet val = f.featurize(ds.val(), n -> {});
        for (boolean mirror : mirrors) {
          // the dictionary is learned on the train images as given; mirroring only adds training
          // images
          FeatureSet train = f.featurize(mirror ? ds.train().withMirrors() : ds.train(), n -> {});
          // the val split sits where TrainingService expects its evaluation split: nothing here
          // reads test
          TrainingData td =
              new TrainingData(
                  name,
                  train,
                  val,
                  ds.classes(),
                  f.description(),
                  f.name(),
                  f,
                  TrainingData.numberedClasses(ds.classes()));
          String label = label(f) + (mirror ? " +mirror" : "");
          // the folds' seed is fixed, not --seed: every head seed is scored on the same folds
          grid(service, td, folds == 0 ? null : new StratifiedFolds(train, val, folds, 1), label);
        }
      }
    }
    return 0;
  }

  private void grid(TrainingService service, TrainingData td, StratifiedFolds folds, String label) {
    for (int p : positions) {
      PositionCode.check(p);
      for (int d : dims) {
        grid(service, td, folds, label + (p > 0 ? " +pos" + p : ""), d, p);
      }
    }
  }

  private void grid(
      TrainingService service, TrainingData td, StratifiedFolds folds, String label, int d, int p) {
    for (int m : hidden) {
      for (double lr : lrs) {
        for (int e : epochs) {
          for (int b : batches) {
            for (double wd : weightDecays) {
              for (double rp : penalties) {
                for (boolean cb : balanced) {
                  run(
                      service,
                      td,
                      folds,
                      label,
                      d,
                      p,
                      m,
                      lr,
                      e,
                      b,
                      new TrainingConfig(e, b, lr, 0.1, 0.9, wd, seed, rp, cb));
                }
              }
            }
          }
        }
      }
    }
  }

  private List<Featurizer> featurizersFor(MedMnistDataset ds) {
    List<Featurizer> out = new ArrayList<>();
    ImageSplit train = ds.train();
    for (String f : featurizers) {
      if (f.equals("patch")) {
        out.add(PatchFeaturizer.fit(train, FeaturizerKind.PATCH_GRID));
        continue;
      }
      for (int g : grids) {
        if (f.equals("scattering")) {
          out.add(
              ScatteringFeaturizer.defaults(g, train.height(), train.width(), train.channels()));
          continue;
        }
        KMeansSettings def = KMeansSettings.defaults();
        for (int k : centroids) {
          for (int p : patchSizes) {
            Featurizer dictionary =
                KMeansPatchFeaturizer.fit(
                    train, new KMeansSettings(p, k, g, def.samples(), def.seed()));
            out.add(
                f.equals("kmeans")
                    ? dictionary
                    : StackedFeaturizer.fit(
                        train,
                        List.of(
                            dictionary,
                            ScatteringFeaturizer.defaults(
                                g, train.height(), train.width(), train.channels()))));
          }
        }
      }
    }
    return out;
  }

  private static String label(Featurizer f) {
    if (f instanceof KMeansPatchFeaturizer k) {
      return "kmeans k=" + k.dim() + " p=" + k.dictionary().size() + " g=" + k.grid();
    }
    if (f instanceof ScatteringFeaturizer s) {
      return "scattering J=" + s.scales() + " L=" + s.angles() + " g=" + s.grid();
    }
    if (f instanceof StackedFeaturizer s) {
      StringBuilder b = new StringBuilder();
      for (Featurizer p : s.parts()) {
        b.append(b.length() == 0 ? "" : " + ").append(label(p));
      }
      return b.toString();
    }
    return "patch";
  }

  private void run(
      TrainingService service,
      TrainingData td,
      StratifiedFolds folds,
      String label,
      int d,
      int p,
      int m,
      double lr,
      int e,
      int b,
      TrainingConfig cfg) {
    if (d - p > td.train().dim() || p >= d || m > td.train().tokens()) {
      return; // the PCA cannot widen tokens, and the encrypted packing needs m <= T
    }
    // one run on val, or the mean over the folds (each fold's PCA and scaling fitted on its own
    // training part, as train does)
    List<TrainingData> splits = new ArrayList<>();
    if (folds == null) {
      splits.add(td);
    } else {
      for (int f = 0; f < folds.k(); f++) {
        splits.add(
            new TrainingData(
                td.dataset(),
                folds.trainOf(f),
                folds.heldOut(f),
                td.classes(),
                td.source(),
                td.featurizerName(),
                td.featurizer(),
                td.classNames()));
      }
    }
    double[] sum = new double[4];
    double maxH = 0;
    double maxU = 0;
    for (TrainingData split : splits) {
      TrainingReport r =
          service
              .train(
                  service.prepare(new TrainingRequest(split, d, p, m, clip, cfg, null)),
                  TrainingListener.NONE)
              .report();
      Metrics fl = r.floatMetrics();
      Metrics tw = r.twinMetrics();
      sum[0] += fl.auc();
      sum[1] += fl.balancedAccuracy();
      sum[2] += tw.auc();
      sum[3] += tw.balancedAccuracy();
      maxH = Math.max(maxH, r.domain().maxPreActivation());
      maxU = Math.max(maxU, r.domain().maxLogit());
    }
    int n = splits.size();
    System.out.printf(
        Locale.ROOT,
        "| %s | %s | %d | %d | %.3g | %d | %d | %.0e | %.3g | %s | %.4f | %.3f | %.4f | %.3f"
            + " | %.2f | %.2f |%n",
        td.dataset(),
        label,
        d,
        m,
        lr,
        e,
        b,
        cfg.weightDecay(),
        cfg.rangePenalty(),
        cfg.classBalanced() ? "yes" : "no",
        sum[0] / n,
        sum[1] / n,
        sum[2] / n,
        sum[3] / n,
        maxH,
        maxU);
    System.out.flush();
  }
}
