package io.blindtuner.pipeline.cli;

import static io.blindtuner.pipeline.cli.CliFixture.data;
import static io.blindtuner.pipeline.cli.CliFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.pipeline.cli.CliFixture.Run;
import io.blindtuner.pipeline.hospital.DatasetDefaults;
import io.blindtuner.pipeline.hospital.FeaturizerKind;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.features.FeatureSet;
import io.blindtuner.vision.features.Featurizer;
import io.blindtuner.vision.features.PatchFeaturizer;
import io.blindtuner.vision.features.TokenFile;
import io.blindtuner.vision.safetensors.DType;
import io.blindtuner.vision.vit.RandomVitWeights;
import io.blindtuner.vision.vit.VitConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturizeCommandTest {
  @TempDir Path dir;

  @Test
  void patchFeaturizerOnBreastMnistWritesEverySplit() throws IOException {
    Path out = dir.resolve("breast.tokens");
    Path report = dir.resolve("r.json");
    Run r =
        run(
            "featurize",
            "--dataset",
            "breastmnist",
            "--data",
            data().toString(),
            "--featurizer",
            "patch",
            "--out",
            out.toString(),
            "--report",
            report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("patch featurizer (weight-free)").contains("T=16 d=51");
    TokenFile tf = TokenFile.read(out);
    assertThat(tf.featurizer()).isEqualTo("patch featurizer (weight-free)");
    assertThat(tf.dataset()).isEqualTo("breastmnist");
    assertThat(tf.classes()).isEqualTo(2);
    assertThat(tf.split("train").n()).isEqualTo(546);
    assertThat(tf.split("val").n()).isEqualTo(78);
    assertThat(tf.split("test").n()).isEqualTo(156);
    // the file holds exactly what the featurizer computes
    MedMnistDataset ds = MedMnistDataset.load(data().resolve("breastmnist.npz"), "breastmnist");
    FeatureSet test = PatchFeaturizer.fit(ds.train(), 4).featurize(ds.test(), k -> {});
    assertThat(tf.split("test").values()).isEqualTo(test.values());
    assertThat(tf.split("test").labels()).isEqualTo(ds.test().labels());
    String json = Files.readString(report);
    assertThat(json)
        .contains("\"featurizer\": \"patch featurizer (weight-free)\"")
        .contains("\"tokens\": 16")
        .contains("\"train\": 546");
  }

  /** {@code featurize} on the first 64 BreastMNIST images. */
  private static Run onASlice(Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("featurize", "--dataset", "breastmnist", "--data", data().toString()));
    args.addAll(List.of("--limit", "64", "--out", out.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  /** The test tokens of {@code file} equal the library's featurizer of that kind fitted alike. */
  private static void writesWhatTheLibraryFits(
      Path file, FeaturizerKind kind, int grid, FeaturizerKind.Dictionary dictionary)
      throws IOException {
    MedMnistDataset ds = MedMnistDataset.load(data().resolve("breastmnist.npz"), "breastmnist");
    Featurizer f = kind.fit(ds.train().head(64), grid, dictionary);
    FeatureSet test = f.featurize(ds.test().head(64), k -> {});
    TokenFile tf = TokenFile.read(file);
    assertThat(tf.featurizer()).isEqualTo(f.name());
    assertThat(tf.tokens()).isEqualTo(grid * grid).isEqualTo(test.tokens());
    assertThat(tf.split("test").values()).isEqualTo(test.values());
  }

  @Test
  void theDataSetsOwnFeaturizerAndTheKMeansOneWriteWhatTrainFitsOnTheSameImages()
      throws IOException {
    Path out = dir.resolve("breast-default.tokens");
    Run r = onASlice(out);
    assertThat(r.code()).as(r.err()).isZero();
    FeaturizerKind own = DatasetDefaults.of("breastmnist").featurizer();
    assertThat(own).isEqualTo(FeaturizerKind.kmeans_scattering);
    writesWhatTheLibraryFits(
        out, own, own.defaultGrid(), DatasetDefaults.of("breastmnist").dictionary());
    Path fine = dir.resolve("breast-kmeans-grid8.tokens");
    Run grid =
        onASlice(
            fine,
            "--featurizer",
            "kmeans",
            "--grid",
            "8",
            "--centroids",
            "32",
            "--patch-size",
            "8");
    assertThat(grid.code()).as(grid.err()).isZero();
    assertThat(TokenFile.read(fine).dim()).isEqualTo(32);
    writesWhatTheLibraryFits(fine, FeaturizerKind.kmeans, 8, new FeaturizerKind.Dictionary(32, 8));
    // 6x6 patches leave a 23x23 activation map on 28x28 images: 24 regions per side cannot fit
    Path none = dir.resolve("g");
    Run tooFine = onASlice(none, "--featurizer", "kmeans", "--grid", "24");
    assertThat(tooFine.code()).isEqualTo(1);
    assertThat(tooFine.err()).contains("--grid 24: k-means featurizer grid 24 must be in 1..23");
    assertThat(none).doesNotExist();
  }

  @Test
  void randomTinyTrunkWithPcaOnRetinaMnist() throws IOException {
    VitConfig c = new VitConfig("t", 32, 8, 3, 32, 2, 2, 64, true, 1e-6);
    Path w = dir.resolve("w.safetensors");
    RandomVitWeights.write(w, c, 4, true, DType.F32);
    Path out = dir.resolve("retina.tokens");
    Run r =
        run(
            "featurize",
            "--dataset",
            "retinamnist",
            "--data",
            data().resolve("retinamnist.npz").toString(),
            "--weights",
            w.toString(),
            "--grid",
            "2",
            "--pca",
            "8",
            "--limit",
            "20",
            "--threads",
            "2",
            "--out",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    TokenFile tf = TokenFile.read(out);
    assertThat(tf.tokens()).isEqualTo(2 + 4);
    assertThat(tf.dim()).isEqualTo(8);
    assertThat(tf.featurizer()).isEqualTo("vit trunk (vit_custom) + PCA 8");
    assertThat(tf.description()).contains("hugging face").contains("PCA 32 -> 8");
    assertThat(tf.split("val").n()).isEqualTo(20);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void clearErrorsForBadInput() throws IOException {
    Run unknown = run("featurize", "--dataset", "nomnist", "--out", dir.resolve("x").toString());
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("not an official MedMNIST data set").contains("breastmnist");

    Run missing =
        run(
            "featurize",
            "--dataset",
            "breastmnist",
            "--data",
            dir.resolve("none.npz").toString(),
            "--out",
            dir.resolve("x").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("no such data file");

    Path bad = dir.resolve("bad.safetensors");
    Files.write(bad, new byte[] {1, 2, 3});
    Run weights = onASlice(dir.resolve("x"), "--weights", bad.toString());
    assertThat(weights.code()).isEqualTo(1);
    assertThat(weights.err()).contains("bad.safetensors").contains("too short");
    // a dictionary asked of a trunk is refused before its weights are read
    Run trunkDictionary =
        onASlice(dir.resolve("x"), "--weights", bad.toString(), "--centroids", "128");
    assertThat(trunkDictionary.code()).isEqualTo(1);
    assertThat(trunkDictionary.err())
        .contains("--centroids applies to the weight-free featurizers, not a trunk")
        .doesNotContain("too short");
    Run trunkFeaturizer =
        onASlice(
            dir.resolve("x"),
            "--random-weights",
            "deit_tiny_patch16_224",
            "--featurizer",
            "kmeans");
    assertThat(trunkFeaturizer.code()).isEqualTo(1);
    assertThat(trunkFeaturizer.err())
        .contains("--featurizer applies to the weight-free featurizers, not a trunk");
    Run pcaZero = onASlice(dir.resolve("x"), "--pca", "0");
    assertThat(pcaZero.code()).isEqualTo(1);
    assertThat(pcaZero.err()).contains("--pca must be at least 1, got 0");
    // the tokens' size is known once the dictionary is learned
    Run pcaTooLarge =
        onASlice(dir.resolve("x"), "--featurizer", "kmeans", "--centroids", "16", "--pca", "20");
    assertThat(pcaTooLarge.code()).isEqualTo(1);
    assertThat(pcaTooLarge.err()).contains("--pca must be in 1..16, got 20");
    assertThat(dir.resolve("x")).doesNotExist();
    Run scatteringDictionary =
        onASlice(dir.resolve("x"), "--featurizer", "scattering", "--patch-size", "8");
    assertThat(scatteringDictionary.code()).isEqualTo(1);
    assertThat(scatteringDictionary.err())
        .contains("--patch-size applies to the k-means featurizers")
        .contains("not scattering");

    Path copy = dir.resolve("breastmnist.npz");
    byte[] b = Files.readAllBytes(data().resolve("breastmnist.npz"));
    b[b.length - 100] ^= 1;
    Files.write(copy, b);
    Run checksum =
        run(
            "featurize",
            "--dataset",
            "breastmnist",
            "--data",
            copy.toString(),
            "--out",
            dir.resolve("x").toString());
    assertThat(checksum.code()).isEqualTo(1);
    assertThat(checksum.err()).contains("MD5");
  }

  @Test
  void progressBarShowsCountRateAndEta() {
    ProgressBar bar =
        new ProgressBar(
            "x",
            200,
            "img",
            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
            false);
    bar.step(50);
    String line = bar.line(50, System.nanoTime());
    assertThat(line)
        .startsWith("x [#######.......................] 50/200 img")
        .contains("img/s")
        .contains("ETA");
    assertThat(ProgressBar.format(3725)).isEqualTo("1:02:05");
    assertThat(JsonReport.toJson(java.util.Map.of("a", java.util.List.of(1, 2.5, Double.NaN))))
        .isEqualTo("{\n  \"a\": [1, 2.5, null]\n}");
    assertThat(JsonReport.toJson("q\"\n")).isEqualTo("\"q\\\"\\n\"");
  }
}
