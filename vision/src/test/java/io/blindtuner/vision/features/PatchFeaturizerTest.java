package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.data.SharedData;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PatchFeaturizerTest {

  @Test
  void tokensArePatchesStandardisedOnTrainWithPositions() {
    // 3 grey 4x4 images; grid 2 -> 4 tokens of 2x2 pixels + 2 position values
    byte[] px = new byte[3 * 16];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) ((i * 37) % 251);
    }
    ImageSplit train = new ImageSplit("train", 3, 4, 4, 1, px, new int[] {0, 1, 0});
    PatchFeaturizer f = PatchFeaturizer.fit(train, 2);
    assertThat(f.tokens()).isEqualTo(4);
    assertThat(f.dim()).isEqualTo(6);
    assertThat(f.name()).isEqualTo("patch featurizer (weight-free)");
    AtomicInteger done = new AtomicInteger();
    FeatureSet fs = f.featurize(train, done::addAndGet);
    assertThat(done.get()).isEqualTo(3);
    // token 3 (bottom-right patch), value 1 is pixel (y=2, x=3); check against a direct computation
    double[] v = new double[3];
    for (int i = 0; i < 3; i++) {
      v[i] = train.pixel(i, 2, 3, 0) / 255.0;
    }
    double mean = (v[0] + v[1] + v[2]) / 3;
    double sd =
        Math.sqrt(
            ((v[0] - mean) * (v[0] - mean)
                    + (v[1] - mean) * (v[1] - mean)
                    + (v[2] - mean) * (v[2] - mean))
                / 3);
    for (int i = 0; i < 3; i++) {
      assertThat((double) fs.get(i, 3, 1)).isCloseTo((v[i] - mean) / sd, within(1e-5));
    }
    // positions: token 1 is row 0, column 1 of a 2x2 grid
    assertThat(fs.get(0, 1, 4)).isEqualTo(-0.5f);
    assertThat(fs.get(0, 1, 5)).isEqualTo(0.5f);
    assertThat(fs.labels()).containsExactly(0, 1, 0);
  }

  @Test
  void standardisesTheRealTrainSplitToZeroMeanUnitVariance() throws IOException {
    MedMnistDataset d = MedMnistDataset.load(SharedData.file("retinamnist"), "retinamnist");
    PatchFeaturizer f = PatchFeaturizer.fit(d.train(), 4);
    assertThat(f.tokens()).isEqualTo(16);
    assertThat(f.dim()).isEqualTo(7 * 7 * 3 + 2);
    FeatureSet tr = f.featurize(d.train(), k -> {});
    for (int t : new int[] {0, 5, 15}) {
      for (int j : new int[] {0, 77, 146}) {
        double s = 0;
        double s2 = 0;
        for (int i = 0; i < tr.n(); i++) {
          s += tr.get(i, t, j);
          s2 += (double) tr.get(i, t, j) * tr.get(i, t, j);
        }
        assertThat(s / tr.n()).isCloseTo(0, within(1e-4));
        assertThat(s2 / tr.n()).isCloseTo(1, within(1e-3));
      }
    }
    FeatureSet te = f.featurize(d.test(), k -> {});
    assertThat(te.n()).isEqualTo(400);
    assertThat(te.labels()).isEqualTo(d.test().labels());
  }

  @Test
  void refusesAGridThatDoesNotDivideAndMismatchedImages() {
    ImageSplit train = new ImageSplit("train", 1, 28, 28, 1, new byte[784], new int[1]);
    assertThatThrownBy(() -> PatchFeaturizer.fit(train, 5))
        .hasMessageContaining("grid 5 does not divide");
    PatchFeaturizer f = PatchFeaturizer.fit(train, 4);
    ImageSplit rgb = new ImageSplit("test", 1, 28, 28, 3, new byte[784 * 3], new int[1]);
    assertThatThrownBy(() -> f.featurize(rgb, k -> {})).hasMessageContaining("fitted on 28x28x1");
  }
}
