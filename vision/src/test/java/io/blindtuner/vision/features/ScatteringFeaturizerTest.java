package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.blindtuner.vision.data.ImageSplit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScatteringFeaturizerTest {
  private static final int SIDE = 16;

  /**
   * One grey image per entry of {@code values}, each pixel given by {@code px[i][y * SIDE + x]}.
   */
  private static ImageSplit images(int[][] px) {
    byte[] b = new byte[px.length * SIDE * SIDE];
    for (int i = 0; i < px.length; i++) {
      for (int k = 0; k < SIDE * SIDE; k++) {
        b[i * SIDE * SIDE + k] = (byte) px[i][k];
      }
    }
    return new ImageSplit("val", px.length, SIDE, SIDE, 1, b, new int[px.length]);
  }

  /** Stripes of period 4 varying along x (vertical stripes) or along y. */
  private static int[] stripes(boolean alongX) {
    int[] p = new int[SIDE * SIDE];
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        int t = alongX ? x : y;
        p[y * SIDE + x] = (int) Math.round(128 + 100 * Math.cos(2 * Math.PI * t / 4));
      }
    }
    return p;
  }

  private static int[] constant(int v) {
    int[] p = new int[SIDE * SIDE];
    java.util.Arrays.fill(p, v);
    return p;
  }

  @Test
  void tokensHoldTheLowPassAndBothLayersOfEveryChannel() {
    ScatteringFeaturizer f = new ScatteringFeaturizer(2, 4, 2, SIDE, SIDE, 1);
    assertThat(f.tokens()).isEqualTo(4);
    assertThat(f.dim()).isEqualTo(1 + 2 * 4 + 4 * 4 * 2 * 1 / 2); // 25
    assertThat(new ScatteringFeaturizer(3, 8, 4, 28, 28, 3).dim()).isEqualTo(3 * 217);
    assertThat(f.description()).contains("2 scales x 4 orientations", "25 coefficients", "2x2");
    AtomicInteger done = new AtomicInteger();
    FeatureSet fs = f.featurize(images(new int[][] {stripes(true), constant(7)}), done::addAndGet);
    assertThat(done.get()).isEqualTo(2);
    assertThat(fs.values()).hasSize(2 * 4 * 25);
  }

  @Test
  void aConstantImageHasOnlyItsLowPassAndNoWaveletEnergy() {
    ScatteringFeaturizer f = new ScatteringFeaturizer(2, 4, 2, SIDE, SIDE, 1);
    FeatureSet fs = f.featurize(images(new int[][] {constant(51)}), k -> {});
    for (int t = 0; t < 4; t++) {
      // the wavelets have zero mean and the mirror extension of a constant is constant
      assertThat(fs.get(0, t, 0)).isCloseTo(51 / 255f, within(1e-5f));
      for (int k = 1; k < f.dim(); k++) {
        assertThat(fs.get(0, t, k)).isCloseTo(0f, within(1e-6f));
      }
    }
  }

  @Test
  void firstOrderCoefficientsFollowTheStripesOrientation() {
    // L = 4: l = 0 has its frequency along x (it answers vertical stripes), l = 2 along y
    ScatteringFeaturizer f = new ScatteringFeaturizer(1, 4, 1, SIDE, SIDE, 1);
    FeatureSet fs = f.featurize(images(new int[][] {stripes(true), stripes(false)}), k -> {});
    float vertical0 = fs.get(0, 0, 1);
    float vertical2 = fs.get(0, 0, 3);
    float horizontal0 = fs.get(1, 0, 1);
    float horizontal2 = fs.get(1, 0, 3);
    assertThat(vertical0).isGreaterThan(10 * vertical2);
    assertThat(horizontal2).isGreaterThan(10 * horizontal0);
    // a quarter turn swaps the two
    assertThat(vertical0).isCloseTo(horizontal2, within(1e-4f));
  }

  @Test
  void colourImagesAreScatteredChannelByChannel() {
    int n = SIDE * SIDE;
    byte[] px = new byte[n * 3];
    int[] s = stripes(true);
    for (int k = 0; k < n; k++) {
      px[3 * k] = (byte) s[k];
      px[3 * k + 1] = (byte) 60;
      px[3 * k + 2] = (byte) s[k];
    }
    ScatteringFeaturizer colour = new ScatteringFeaturizer(2, 4, 2, SIDE, SIDE, 3);
    ScatteringFeaturizer grey = new ScatteringFeaturizer(2, 4, 2, SIDE, SIDE, 1);
    FeatureSet c =
        colour.featurize(new ImageSplit("val", 1, SIDE, SIDE, 3, px, new int[1]), k -> {});
    FeatureSet g = grey.featurize(images(new int[][] {s}), k -> {});
    int d = grey.dim();
    for (int t = 0; t < 4; t++) {
      for (int k = 0; k < d; k++) {
        assertThat(c.get(0, t, k)).isEqualTo(g.get(0, t, k));
        assertThat(c.get(0, t, 2 * d + k)).isEqualTo(g.get(0, t, k));
      }
      assertThat(c.get(0, t, d)).isCloseTo(60 / 255f, within(1e-5f));
    }
  }

  @Test
  void mirrorReflectsAboutTheEdgePixelsAtAnyDistance() {
    assertThat(ScatteringFeaturizer.mirror(-1, 5)).isEqualTo(1);
    assertThat(ScatteringFeaturizer.mirror(5, 5)).isEqualTo(3);
    assertThat(ScatteringFeaturizer.mirror(-9, 5)).isEqualTo(1);
    assertThat(ScatteringFeaturizer.mirror(13, 5)).isEqualTo(3);
    assertThat(ScatteringFeaturizer.mirror(7, 1)).isZero();
  }

  @Test
  void refusesSettingsOutOfRangeAndImagesOfAnotherSize() {
    assertThatThrownBy(() -> new ScatteringFeaturizer(0, 8, 4, 28, 28, 1))
        .hasMessageContaining("scattering scales 0");
    assertThatThrownBy(() -> new ScatteringFeaturizer(3, 17, 4, 28, 28, 1))
        .hasMessageContaining("scattering angles 17");
    assertThatThrownBy(() -> new ScatteringFeaturizer(3, 8, 29, 28, 28, 1))
        .hasMessageContaining("scattering grid 29 must be in 1..28");
    assertThatThrownBy(() -> new ScatteringFeaturizer(3, 8, 4, 28, 28, 2))
        .hasMessageContaining("channels");
    assertThatThrownBy(() -> new ScatteringFeaturizer(5, 8, 4, 500, 500, 1))
        .hasMessageContaining("564-pixel square");
    assertThatThrownBy(() -> new ScatteringFeaturizer(5, 16, 4, 100, 100, 1))
        .hasMessageContaining("5242880 filter values");
    assertThatThrownBy(
            () -> new ScatteringFeaturizer(3, 8, 4, Integer.MAX_VALUE, Integer.MAX_VALUE, 1))
        .hasMessageContaining("2147483663-pixel square");
    ScatteringFeaturizer f = new ScatteringFeaturizer(2, 4, 2, 12, 12, 1);
    assertThatThrownBy(() -> f.featurize(images(new int[][] {constant(1)}), k -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("split 'val': images are 16x16x1");
  }
}
