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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model file carries either weight-free featurizer, and version 1 files (patch featurizer only)
 * still read.
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
    MedMnistDataset ds =
        new MedMnistDataset(
            "synthetic", 2, images("train", 64, 1), images("val", 8, 2), images("test", 16, 3));
    TrainingData data =
        TrainingData.fromImages(
            ds, Path.of("synthetic.npz"), null, kind, TrainingData.numberedClasses(2));
    TrainingService service = new TrainingService(ConfigFactory.load());
    TrainingConfig cfg = new TrainingConfig(1, 16, 0.1, 0.1, 0.9, 1e-3, 7);
    TrainingResult r =
        service.train(
            service.prepare(new TrainingRequest(data, 8, 8, 3, cfg, null)), TrainingListener.NONE);
    return HospitalModel.of(r, "{}");
  }

  @Test
  void theKMeansDictionaryRoundTripsAndFeaturizesAlike() throws IOException {
    HospitalModel m = trained(FeaturizerKind.kmeans);
    Path file = dir.resolve("k.model");
    ModelFile.write(file, m);
    HospitalModel back = ModelFile.read(file);
    assertThat(back.featurizer()).isInstanceOf(KMeansPatchFeaturizer.class);
    KMeansPatchFeaturizer a = (KMeansPatchFeaturizer) m.featurizer();
    KMeansPatchFeaturizer b = (KMeansPatchFeaturizer) back.featurizer();
    assertThat(b.dictionary().centroids()).isDeepEqualTo(a.dictionary().centroids());
    assertThat(b.dictionary().whitening().matrix())
        .isDeepEqualTo(a.dictionary().whitening().matrix());
    assertThat(b.grid()).isEqualTo(a.grid());
    ImageSplit fresh = images("test", 5, 9);
    assertThat(b.featurize(fresh, k -> {}).values())
        .containsExactly(a.featurize(fresh, k -> {}).values());
  }

  @Test
  void aVersionOneFileWithThePatchFeaturizerStillReads() throws IOException {
    HospitalModel m = trained(FeaturizerKind.patch);
    Path file = dir.resolve("p.model");
    ModelFile.write(file, m);
    // version 1 differs only in the version field: its featurizer byte was a 0/1 flag, which kinds
    // 0 and 1 keep
    Path v1 = withVersion(file, 1);
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
    Path v3 = withVersion(file, 3);
    assertThatThrownBy(() -> ModelFile.read(v3))
        .isInstanceOf(MalformedFileException.class)
        .hasMessageContaining("model file version 3 is not supported");
  }

  /** A copy of the file with another version field and a checksum that matches again. */
  private Path withVersion(Path file, int version) throws IOException {
    byte[] all = Files.readAllBytes(file);
    ByteBuffer.wrap(all, 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(version);
    int body = all.length - 32;
    byte[] digest;
    try {
      digest = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(all, body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    System.arraycopy(digest, 0, all, body, 32);
    return Files.write(dir.resolve("v" + version + "-" + file.getFileName()), all);
  }
}
