package io.blindtuner.pipeline.cli;

import io.blindtuner.pipeline.hospital.DatasetDefaults;
import io.blindtuner.pipeline.hospital.FeaturizerKind;
import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.features.FeatureSet;
import io.blindtuner.vision.features.Featurizer;
import io.blindtuner.vision.features.Pca;
import io.blindtuner.vision.features.TokenFile;
import io.blindtuner.vision.features.VitFeaturizer;
import io.blindtuner.vision.safetensors.DType;
import io.blindtuner.vision.safetensors.SafetensorsFile;
import io.blindtuner.vision.vit.RandomVitWeights;
import io.blindtuner.vision.vit.VitConfig;
import io.blindtuner.vision.vit.VitModel;
import io.blindtuner.vision.vit.VitWeights;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blindtuner featurize}: hospital side. Loads a MedMNIST data set, turns every image of
 * every split into T tokens of d values (a DeiT/ViT trunk on safetensors weights, or a weight-free
 * featurizer), optionally reduces d by a PCA fitted on the train split, and writes a token file
 * that training reads.
 */
@Command(
    name = "featurize",
    mixinStandardHelpOptions = true,
    description = {
      "Hospital side: turn a MedMNIST data set into tokens (T x d per image) for every split and write them to a "
          + "token file that training reads.",
      "Without --weights a weight-free featurizer is fitted on the train split (--featurizer); with --weights FILE a"
          + " DeiT/ViT trunk runs on "
          + "those safetensors weights (timm or Hugging Face names)."
    })
public final class FeaturizeCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin DatasetSource source;

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "Without --data the official file is downloaded once into DIR and its checksum checked "
              + "(default: ~/.cache/blindtuner/medmnist).")
  Path cache;

  @Option(
      names = "--weights",
      paramLabel = "FILE",
      description = "DeiT/ViT weights (.safetensors).")
  Path weights;

  @Option(
      names = "--featurizer",
      paramLabel = "KIND",
      description =
          "Without --weights: the weight-free featurizer, patch, kmeans, scattering or kmeans_scattering"
              + " (default: the data set's own, as train uses), fitted on the train split.")
  FeaturizerKind featurizerKind;

  @Mixin DictionaryOptions dictionaryOptions;

  @Option(
      names = "--random-weights",
      paramLabel = "ARCH",
      description =
          "Use a randomly initialised trunk of ARCH (e.g. deit_tiny_patch16_224) instead of --weights: "
              + "for demos and timing only, the tokens carry no pretrained knowledge.")
  String randomArch;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seed for --random-weights (default 1).")
  long seed;

  @Option(
      names = "--arch",
      paramLabel = "ARCH",
      description =
          "Architecture of --weights (default: inferred from the tensor shapes). One of the DeiT presets.")
  String arch;

  @Option(
      names = "--grid",
      paramLabel = "K",
      description =
          "Patch featurizer: K x K patches (default 4). kmeans: its activations pooled over K x K regions"
              + " (default 4). Trunk: K x K pooled patch tokens (default 2).")
  Integer grid;

  @Option(
      names = "--pca",
      paramLabel = "D",
      description = "Reduce d to D with a PCA fitted on the train split.")
  Integer pca;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Worker threads for the trunk (default: all cores).")
  Integer threads;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Only the first N images of each split (quick runs).")
  Integer limit;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Token file to write.")
  Path out;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the summary as JSON.")
  Path report;

  @Override
  public Integer call() throws IOException {
    // Bad input surfaces as an exception; BlindtunerCli's handler prints it as "featurize: message"
    // and exits 1.
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  private int run(PrintWriter o, PrintWriter err) throws IOException {
    if (weights != null && randomArch != null) {
      throw new IllegalArgumentException("give either --weights or --random-weights, not both");
    }
    if (limit != null && limit < 1) {
      throw new IllegalArgumentException("--limit must be >= 1");
    }
    if (pca != null) {
      OptionChecks.positive("--pca", pca);
    }
    FeaturizerKind kind = null;
    FeaturizerKind.Dictionary dictionary = null;
    if (weights == null && randomArch == null) {
      DatasetDefaults defaults = DatasetDefaults.of(source.name());
      kind = featurizerKind != null ? featurizerKind : defaults.featurizer();
      dictionary = dictionaryOptions.resolve(kind, defaults.dictionary());
    } else if (featurizerKind != null || dictionaryOptions.given() != null) {
      String given = featurizerKind != null ? "--featurizer" : dictionaryOptions.given();
      throw new IllegalArgumentException(
          given
              + " applies to the weight-free featurizers, not a trunk (--weights, --random-weights)");
    }
    long t0 = System.nanoTime();
    DatasetSource.Loaded loaded = source.load(err, cache);
    Path file = loaded.file();
    MedMnistDataset ds = loaded.dataset();
    List<ImageSplit> splits = new ArrayList<>();
    for (ImageSplit s : ds.splits()) {
      splits.add(limit == null ? s : s.head(limit));
    }
    o.printf(
        Locale.ROOT,
        "data      %s (%s): %d classes, %dx%dx%d images, train/val/test %d/%d/%d%n",
        ds.name(),
        file,
        ds.classes(),
        ds.height(),
        ds.width(),
        ds.channels(),
        splits.get(0).n(),
        splits.get(1).n(),
        splits.get(2).n());
    o.flush();

    Featurizer f = featurizer(kind, dictionary, splits.get(0));
    // the token's size is known once the featurizer is fitted: refuse before featurizing
    if (pca != null) {
      OptionChecks.upTo("--pca", pca, f.dim());
    }
    o.println("featurizer " + f.description());
    o.flush();
    long total = splits.stream().mapToLong(ImageSplit::n).sum();
    List<FeatureSet> sets = new ArrayList<>();
    double featurizeSeconds;
    try (ProgressBar bar = new ProgressBar("featurize " + ds.name(), total, "img")) {
      for (ImageSplit s : splits) {
        sets.add(f.featurize(s, bar::step));
      }
      featurizeSeconds = bar.elapsedSeconds();
    }
    String name = f.name();
    String description = f.description();
    Pca fitted = null;
    if (pca != null) {
      fitted = Pca.fit(sets.get(0), pca);
      List<FeatureSet> reduced = new ArrayList<>();
      for (FeatureSet s : sets) {
        reduced.add(fitted.apply(s));
      }
      sets = reduced;
      name = name + " + PCA " + pca;
      description =
          String.format(
              Locale.ROOT,
              "%s; PCA %d -> %d fitted on train (%.1f%% of variance kept)",
              description,
              f.dim(),
              pca,
              100 * fitted.explainedVarianceRatio());
    }
    TokenFile tf =
        new TokenFile(
            name, description, ds.name(), ds.classes(), f.tokens(), sets.get(0).dim(), sets);
    tf.write(out);
    double seconds = (System.nanoTime() - t0) / 1e9;

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("dataset", ds.name());
    summary.put("data_file", file.toString());
    summary.put("classes", ds.classes());
    summary.put("featurizer", name);
    summary.put("description", description);
    summary.put("tokens", tf.tokens());
    summary.put("dim", tf.dim());
    Map<String, Object> counts = new LinkedHashMap<>();
    for (FeatureSet s : sets) {
      counts.put(s.split(), s.n());
    }
    summary.put("splits", counts);
    if (fitted != null) {
      summary.put("pca_explained_variance", fitted.explainedVarianceRatio());
    }
    summary.put("featurize_seconds", featurizeSeconds);
    summary.put("images_per_second", total / Math.max(featurizeSeconds, 1e-9));
    summary.put("total_seconds", seconds);
    summary.put("out", out.toString());
    summary.put("out_bytes", Files.size(out));

    o.printf(Locale.ROOT, "tokens    T=%d d=%d per image; %s%n", tf.tokens(), tf.dim(), counts);
    o.printf(
        Locale.ROOT,
        "speed     %d images in %.1f s (%.1f images/s)%n",
        total,
        featurizeSeconds,
        total / Math.max(featurizeSeconds, 1e-9));
    o.printf(
        Locale.ROOT, "wrote     %s (%,d bytes) in %.1f s total%n", out, Files.size(out), seconds);
    if (report != null) {
      JsonReport.write(report, summary);
      o.println("report    " + report);
    }
    o.flush();
    return 0;
  }

  /** The weight-free {@code kind} with {@code dictionary} if it is non-null, else the trunk. */
  private Featurizer featurizer(
      FeaturizerKind kind, FeaturizerKind.Dictionary dictionary, ImageSplit train)
      throws IOException {
    if (kind != null) {
      if (arch != null) {
        throw new IllegalArgumentException("--arch needs --weights");
      }
      int g = grid == null ? kind.defaultGrid() : grid;
      OptionChecks.grid(kind, g, dictionary, train);
      return kind.fit(train, g, dictionary);
    }
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Path w = weights;
    String source;
    if (randomArch != null) {
      VitConfig c = VitConfig.preset(randomArch);
      w = Files.createTempFile("blindtuner-random-" + c.name(), ".safetensors");
      w.toFile().deleteOnExit();
      RandomVitWeights.write(w, c, seed, false, DType.F32);
      source = "RANDOM (seed " + seed + ", not pretrained)";
    } else {
      source = weights.toString();
    }
    try (SafetensorsFile sf = SafetensorsFile.open(w)) {
      VitConfig c =
          arch != null
              ? VitConfig.preset(arch)
              : randomArch != null ? VitConfig.preset(randomArch) : VitWeights.inferConfig(sf);
      VitModel model = new VitModel(VitWeights.load(sf, c));
      return new VitFeaturizer(model, grid == null ? 2 : grid, n, source);
    } finally {
      if (randomArch != null) {
        Files.deleteIfExists(w);
      }
    }
  }
}
