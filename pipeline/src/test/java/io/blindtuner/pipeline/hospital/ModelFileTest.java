package io.blindtuner.pipeline.hospital;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.vision.MalformedFileException;
import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.features.KMeansPatchFeaturizer;
import io.blindtuner.vision.features.PatchFeaturizer;
import io.blindtuner.vision.features.ScatteringFeaturizer;
import io.blindtuner.vision.features.StackedFeaturizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model file carries every weight-free featurizer and the position code, and version 1 files
 * (patch featurizer only), version 2 files (no position code) and version 3 files still read.
 */
class ModelFileTest {
  @TempDir Path dir;

  private static ImageSplit images(String name, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] px = new byte[n * 28 * 28];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (int k = 0; k < 28 * 28; k++) {
        // class 1 is brighter on the left half, so the head has something to learn
        int bright = labels[i] == 1 && k % 28 < 14 ? 80 : 0;
        px[i * 28 * 28 + k] = (byte) Math.min(255, r.nextInt(150) + bright);
      }
    }
    return new ImageSplit(name, n, 28, 28, 1, px, labels);
  }

  private static HospitalModel trained(FeaturizerKind kind) {
    return trained(kind, 0, kind.defaultGrid());
  }

  private static HospitalModel trained(FeaturizerKind kind, int positions) {
    return trained(kind, positions, kind.defaultGrid());
  }

  private static HospitalModel trained(FeaturizerKind kind, int positions, int grid) {
    return trained(kind, positions, grid, FeaturizerKind.Dictionary.DEFAULT);
  }

  private static HospitalModel trained(
      FeaturizerKind kind, int positions, int grid, FeaturizerKind.Dictionary dictionary) {
    MedMnistDataset ds =
        new MedMnistDataset(
            "synthetic", 2, images("train", 64, 1), images("val", 8, 2), images("test", 16, 3));
    TrainingData data =
        TrainingData.fromImages(
            ds,
            Path.of("synthetic.npz"),
            null,
            kind,
            grid,
            dictionary,
            TrainingData.numberedClasses(2));
    TrainingService service = new TrainingService(ConfigFactory.load());
    TrainingConfig cfg = new TrainingConfig(1, 16, 0.1, 0.1, 0.9, 1e-3, 7);
    TrainingResult r =
        service.train(
            service.prepare(new TrainingRequest(data, 8, positions, 8, 3, cfg, null)),
            TrainingListener.NONE);
    return HospitalModel.of(r, "{}");
  }

  @Test
  void theKMeansDictionaryRoundTripsAndFeaturizesAlikeOnAFinerGrid() throws IOException {
    HospitalModel m = trained(FeaturizerKind.kmeans, 0, 8);
    Path file = dir.resolve("k.model");
    ModelFile.write(file, m);
    HospitalModel back = ModelFile.read(file);
    assertThat(back.featurizer()).isInstanceOf(KMeansPatchFeaturizer.class);
    KMeansPatchFeaturizer a = (KMeansPatchFeaturizer) m.featurizer();
    KMeansPatchFeaturizer b = (KMeansPatchFeaturizer) back.featurizer();
    assertThat(b.dictionary().centroids()).isDeepEqualTo(a.dictionary().centroids());
    assertThat(b.dictionary().whitening().matrix())
        .isDeepEqualTo(a.dictionary().whitening().matrix());
    assertThat(b.grid()).isEqualTo(8);
    ImageSplit fresh = images("test", 5, 9);
    assertThat(b.featurize(fresh, k -> {}).tokens()).isEqualTo(64);
    assertThat(b.featurize(fresh, k -> {}).values())
        .containsExactly(a.featurize(fresh, k -> {}).values());
  }

  @Test
  void aDictionaryOfAnotherSizeRoundTripsWithItsSize() throws IOException {
    HospitalModel m = trained(FeaturizerKind.kmeans, 0, 4, new FeaturizerKind.Dictionary(12, 8));
    Path file = dir.resolve("k12.model");
    ModelFile.write(file, m);
    KMeansPatchFeaturizer b = (KMeansPatchFeaturizer) ModelFile.read(file).featurizer();
    assertThat(b.dictionary().k()).isEqualTo(12);
    assertThat(b.dictionary().size()).isEqualTo(8);
    assertThat(b.dim()).isEqualTo(12);
    ImageSplit fresh = images("test", 5, 9);
    assertThat(b.featurize(fresh, k -> {}).values())
        .containsExactly(m.featurizer().featurize(fresh, k -> {}).values());
  }

  @Test
  void thePositionCodeRoundTripsAndGivesTheSameTokens() throws IOException {
    HospitalModel m = trained(FeaturizerKind.kmeans, 2);
    assertThat(m.positions()).isEqualTo(2);
    assertThat(m.pca().outputDim()).isEqualTo(6);
    Path file = dir.resolve("pos.model");
    ModelFile.write(file, m);
    HospitalModel back = ModelFile.read(file);
    assertThat(back.positions()).isEqualTo(2);
    ImageSplit fresh = images("test", 5, 9);
    var a = m.tokens(m.featurize(fresh));
    var b = back.tokens(back.featurize(fresh));
    assertThat(b.dim()).isEqualTo(8);
    for (int i = 0; i < 5; i++) {
      for (int t = 0; t < a.tokens(); t++) {
        assertThat(b.token(i, t)).containsExactly(a.token(i, t));
      }
    }
  }

  @Test
  void aVersionTwoFileReadsWithoutAPositionCode() throws IOException {
    HospitalModel m = trained(FeaturizerKind.kmeans);
    Path file = dir.resolve("k2.model");
    ModelFile.write(file, m);
    HospitalModel back = ModelFile.read(older(file, 2, m));
    assertThat(back.positions()).isZero();
    assertThat(back.parameters().flatten()).containsExactly(m.parameters().flatten());
  }

  @Test
  void aVersionOneFileWithThePatchFeaturizerStillReads() throws IOException {
    HospitalModel m = trained(FeaturizerKind.patch);
    Path file = dir.resolve("p.model");
    ModelFile.write(file, m);
    // version 1 differs from 2 only in the version field: its featurizer byte was a 0/1 flag, which
    // kinds 0 and 1 keep
    Path v1 = older(file, 1, m);
    HospitalModel back = ModelFile.read(v1);
    assertThat(back.featurizer()).isInstanceOf(PatchFeaturizer.class);
    assertThat(((PatchFeaturizer) back.featurizer()).mean())
        .containsExactly(((PatchFeaturizer) m.featurizer()).mean());
    assertThat(back.parameters().flatten()).containsExactly(m.parameters().flatten());
  }

  @Test
  void aVersionOneFileCannotClaimTheKMeansFeaturizer() throws IOException {
    Path file = dir.resolve("k.model");
    ModelFile.write(file, trained(FeaturizerKind.kmeans));
    Path v1 = withVersion(file, 1);
    assertThatThrownBy(() -> ModelFile.read(v1))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining(v1 + ": featurizer is 2, expected 0..1");
    Path v5 = withVersion(file, 5);
    assertThatThrownBy(() -> ModelFile.read(v5))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("model file version 5 is not supported");
  }

  @Test
  void theStackedDictionaryAndScatteringRoundTripAndFeaturizeAlike() throws IOException {
    HospitalModel m = trained(FeaturizerKind.kmeans_scattering, 2);
    Path file = dir.resolve("ks.model");
    ModelFile.write(file, m);
    HospitalModel back = ModelFile.read(file);
    StackedFeaturizer a = (StackedFeaturizer) m.featurizer();
    StackedFeaturizer b = (StackedFeaturizer) back.featurizer();
    assertThat(b.parts()).hasSize(2);
    assertThat(b.parts().get(0)).isInstanceOf(KMeansPatchFeaturizer.class);
    ScatteringFeaturizer sc = (ScatteringFeaturizer) b.parts().get(1);
    assertThat(List.of(sc.scales(), sc.angles(), sc.grid(), sc.height(), sc.channels()))
        .containsExactly(3, 8, 4, 28, 1);
    assertThat(b.mean()).containsExactly(a.mean());
    assertThat(b.invStd()).containsExactly(a.invStd());
    ImageSplit fresh = images("test", 3, 9);
    var ta = m.tokens(m.featurize(fresh));
    var tb = back.tokens(back.featurize(fresh));
    for (int i = 0; i < 3; i++) {
      for (int t = 0; t < ta.tokens(); t++) {
        assertThat(tb.token(i, t)).containsExactly(ta.token(i, t));
      }
    }
  }

  @Test
  void aVersionThreeFileCannotClaimTheScattering() throws IOException {
    Path file = dir.resolve("s.model");
    ModelFile.write(file, trained(FeaturizerKind.scattering));
    assertThat(ModelFile.read(file).featurizer()).isInstanceOf(ScatteringFeaturizer.class);
    Path v3 = withVersion(file, 3);
    assertThatThrownBy(() -> ModelFile.read(v3))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining(v3 + ": featurizer is 3, expected 0..2");
  }

  /**
   * The file as version 1 or 2 wrote it: without the position-code byte, which sits just before the
   * scaling (clip and 2d values), the parameters (count and values) and the report.
   */
  private Path older(Path file, int version, HospitalModel m) throws IOException {
    assertThat(m.positions()).isZero();
    byte[] all = Files.readAllBytes(withVersion(file, version));
    int d = m.shape().dim();
    int tail =
        8
            + 16 * d
            + 4
            + 8 * m.shape().parameterCount()
            + 4
            + m.reportJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length
            + 32;
    int at = all.length - tail - 1;
    assertThat(all[at]).as("the position-code byte").isZero();
    byte[] out = new byte[all.length - 1];
    System.arraycopy(all, 0, out, 0, at);
    System.arraycopy(all, at + 1, out, at, all.length - at - 1);
    return rehash(dir.resolve("old" + version + "-" + file.getFileName()), out);
  }

  /** A copy of the file with another version field and a checksum that matches again. */
  private Path withVersion(Path file, int version) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer.wrap(all, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(version);
    return rehash(dir.resolve("v" + version + "-" + file.getFileName()), all);
  }

  /** Writes {@code all} to {@code out} with its checksum recomputed. */
  private static Path rehash(Path out, byte[] all) throws IOException {
    int body = all.length - 32;
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(all, body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    System.arraycopy(digest, 0, all, body, 32);
    return Files.write(out, all);
  }
}
