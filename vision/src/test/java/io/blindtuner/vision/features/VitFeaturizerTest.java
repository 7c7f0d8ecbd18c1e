package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.data.SharedData;
import io.blindtuner.vision.preprocess.DeitPreprocessor;
import io.blindtuner.vision.safetensors.DType;
import io.blindtuner.vision.safetensors.SafetensorsFile;
import io.blindtuner.vision.vit.RandomVitWeights;
import io.blindtuner.vision.vit.VitConfig;
import io.blindtuner.vision.vit.VitModel;
import io.blindtuner.vision.vit.VitWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VitFeaturizerTest {
  /**
   * A distilled trunk at 56 pixels, patch 8: a 7x7 patch grid, so a 3x3 pooling grid has uneven
   * cells.
   */
  private static final VitConfig SMALL =
      new VitConfig("small_test", 56, 8, 3, 32, 2, 2, 64, true, 1e-6);

  @TempDir Path dir;

  private VitModel model() throws IOException {
    Path f = dir.resolve("w.safetensors");
    RandomVitWeights.write(f, SMALL, 11, false, DType.F32);
    try (SafetensorsFile s = SafetensorsFile.open(f)) {
      return new VitModel(VitWeights.load(s, SMALL));
    }
  }

  @Test
  void emitsClsDistAndAdaptivelyPooledPatchTokens() throws IOException {
    VitModel m = model();
    ImageSplit split =
        MedMnistDataset.load(SharedData.file("breastmnist"), "breastmnist").test().head(5);
    VitFeaturizer f = new VitFeaturizer(m, 3, 2, "w.safetensors");
    assertThat(f.tokens()).isEqualTo(2 + 9);
    assertThat(f.dim()).isEqualTo(32);
    AtomicInteger done = new AtomicInteger();
    FeatureSet fs = f.featurize(split, done::addAndGet);
    assertThat(done.get()).isEqualTo(5);
    assertThat(fs.labels()).isEqualTo(split.labels());

    // reference for image 3: preprocess, run the trunk, pool by hand
    DeitPreprocessor pre = new DeitPreprocessor(56);
    float[] img = new float[3 * 56 * 56];
    pre.apply(split, 3, new byte[pre.scratchBytes(1)], img);
    float[] tok = m.forward(img);
    for (int j = 0; j < 32; j++) {
      assertThat(fs.get(3, 0, j)).isEqualTo(tok[j]);
      assertThat(fs.get(3, 1, j)).isEqualTo(tok[32 + j]);
    }
    // cell (1, 2) of 3x3 over a 7x7 grid spans rows 2..4 and columns 4..6 (adaptive pooling bounds)
    for (int j = 0; j < 32; j++) {
      double s = 0;
      for (int y = 2; y <= 4; y++) {
        for (int x = 4; x <= 6; x++) {
          s += tok[(2 + y * 7 + x) * 32 + j];
        }
      }
      assertThat((double) fs.get(3, 2 + 1 * 3 + 2, j)).isCloseTo(s / 9, within(1e-5));
    }
  }

  @Test
  void parallelRunEqualsSingleThreadRun() throws IOException {
    VitModel m = model();
    ImageSplit split =
        MedMnistDataset.load(SharedData.file("retinamnist"), "retinamnist").val().head(6);
    FeatureSet one = new VitFeaturizer(m, 2, 1, "w").featurize(split, k -> {});
    FeatureSet two = new VitFeaturizer(m, 2, 2, "w").featurize(split, k -> {});
    assertThat(two.values()).isEqualTo(one.values());
  }

  @Test
  void refusesAPoolingGridLargerThanThePatchGrid() throws IOException {
    VitModel m = model();
    assertThatThrownBy(() -> new VitFeaturizer(m, 8, 1, "w"))
        .hasMessageContaining("must be in 0..7");
  }
}
