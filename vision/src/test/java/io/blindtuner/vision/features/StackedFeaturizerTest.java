package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.blindtuner.vision.data.ImageSplit;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StackedFeaturizerTest {
  private static ImageSplit noise(String name, int n, long seed) {
    Random r = new Random(seed);
    byte[] px = new byte[n * 16 * 16];
    r.nextBytes(px);
    return new ImageSplit(name, n, 16, 16, 1, px, new int[n]);
  }

  @Test
  void eachPartsValuesFollowInOrderStandardisedOnTrain() {
    ImageSplit train = noise("train", 30, 1);
    Featurizer a = new ScatteringFeaturizer(1, 2, 2, 16, 16, 1);
    Featurizer b = PatchFeaturizer.fit(train, 2);
    StackedFeaturizer s = StackedFeaturizer.fit(train, List.of(a, b));
    assertThat(s.tokens()).isEqualTo(4);
    assertThat(s.dim()).isEqualTo(a.dim() + b.dim());
    assertThat(s.name()).isEqualTo("stacked (" + a.name() + " + " + b.name() + ")");
    FeatureSet st = s.featurize(train, k -> {});
    FeatureSet fa = a.featurize(train, k -> {});
    FeatureSet fb = b.featurize(train, k -> {});
    float[] mean = s.mean();
    float[] inv = s.invStd();
    for (int i = 0; i < train.n(); i++) {
      for (int t = 0; t < 4; t++) {
        for (int k = 0; k < a.dim(); k++) {
          assertThat(st.get(i, t, k)).isEqualTo((fa.get(i, t, k) - mean[k]) * inv[k]);
        }
        for (int k = 0; k < b.dim(); k++) {
          int o = a.dim() + k;
          assertThat(st.get(i, t, o)).isEqualTo((fb.get(i, t, k) - mean[o]) * inv[o]);
        }
      }
    }
    // on the images it was fitted on, every value that varies has mean 0 and deviation 1
    for (int k = 0; k < s.dim(); k++) {
      double sum = 0;
      double sq = 0;
      for (int i = 0; i < train.n(); i++) {
        for (int t = 0; t < 4; t++) {
          sum += st.get(i, t, k);
          sq += st.get(i, t, k) * st.get(i, t, k);
        }
      }
      int rows = train.n() * 4;
      assertThat(sum / rows).isCloseTo(0, within(1e-4));
      assertThat(sq / rows).isCloseTo(1, within(1e-3));
    }
  }

  @Test
  void aValueConstantOnTrainIsLeftUnscaled() {
    byte[] px = new byte[20 * 16 * 16];
    java.util.Arrays.fill(px, (byte) 51);
    ImageSplit flat = new ImageSplit("train", 20, 16, 16, 1, px, new int[20]);
    Featurizer s = new ScatteringFeaturizer(1, 2, 2, 16, 16, 1);
    StackedFeaturizer st = StackedFeaturizer.fit(flat, List.of(s, s));
    // the low-pass is 0.2 on every token, every wavelet coefficient 0: nothing varies
    for (float inv : st.invStd()) {
      assertThat(inv).isEqualTo(1f);
    }
  }

  @Test
  void fitsOnAtMostItsFirstImages() {
    ImageSplit train = noise("train", StackedFeaturizer.FIT_IMAGES + 40, 2);
    List<Featurizer> parts =
        List.of(new ScatteringFeaturizer(1, 2, 2, 16, 16, 1), PatchFeaturizer.fit(train, 2));
    assertThat(StackedFeaturizer.fit(train, parts).mean())
        .containsExactly(
            StackedFeaturizer.fit(train.head(StackedFeaturizer.FIT_IMAGES), parts).mean());
  }

  @Test
  void refusesOnePartPartsOfDifferentGridsAndBadSettings() {
    ImageSplit train = noise("train", 4, 3);
    Featurizer two = new ScatteringFeaturizer(1, 2, 2, 16, 16, 1);
    Featurizer four = new ScatteringFeaturizer(1, 2, 4, 16, 16, 1);
    assertThatThrownBy(() -> StackedFeaturizer.fit(train, List.of(two)))
        .hasMessageContaining("at least two parts");
    assertThatThrownBy(() -> StackedFeaturizer.fit(train, List.of(two, four)))
        .hasMessageContaining("4 and 16 tokens");
    assertThatThrownBy(() -> StackedFeaturizer.fit(noise("train", 0, 4), List.of(two, two)))
        .hasMessageContaining("empty split 'train'");
    int d = 2 * two.dim();
    float[] ok = new float[d];
    float[] bad = new float[d];
    java.util.Arrays.fill(ok, 1f);
    bad[3] = Float.NaN;
    assertThatThrownBy(() -> new StackedFeaturizer(List.of(two, two), bad, ok))
        .hasMessageContaining("value 3 has mean NaN");
    assertThatThrownBy(() -> new StackedFeaturizer(List.of(two, two), ok, new float[d]))
        .hasMessageContaining("value 0 has mean 1.0 and inverse deviation 0.0");
    assertThatThrownBy(() -> new StackedFeaturizer(List.of(two, two), new float[1], ok))
        .hasMessageContaining("for " + d + " values");
  }
}
