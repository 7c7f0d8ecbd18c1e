package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.vision.data.ImageSplit;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KMeansPatchFeaturizerTest {
  private static final KMeansSettings SMALL = new KMeansSettings(4, 8, 2, 600, 3);

  /**
   * n grey 12x12 images, label 0 horizontal stripes and label 1 vertical ones, of random phase and
   * period 3 or 4, with pixel noise: a dictionary of small patches must tell the orientations
   * apart.
   */
  private static ImageSplit stripes(String name, int n, long seed) {
    Random r = new Random(seed);
    int side = 12;
    byte[] px = new byte[n * side * side];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      int period = 3 + r.nextInt(2);
      int phase = r.nextInt(period);
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          int along = labels[i] == 0 ? y : x;
          int v = ((along + phase) % period == 0 ? 200 : 50) + (int) (10 * r.nextGaussian());
          px[(i * side + y) * side + x] = (byte) Math.max(0, Math.min(255, v));
        }
      }
    }
    return new ImageSplit(name, n, side, side, 1, px, labels);
  }

  @Test
  void tokensAreGridRegionsOfKPooledActivations() {
    ImageSplit train = stripes("train", 40, 1);
    KMeansPatchFeaturizer f = KMeansPatchFeaturizer.fit(train, SMALL);
    assertThat(f.tokens()).isEqualTo(4);
    assertThat(f.dim()).isEqualTo(8);
    assertThat(f.name()).isEqualTo(KMeansPatchFeaturizer.NAME);
    assertThat(f.description()).contains("8 centroids of 4x4x1", "2x2 grid");
    AtomicInteger done = new AtomicInteger();
    FeatureSet fs = f.featurize(stripes("val", 10, 2), done::addAndGet);
    assertThat(done.get()).isEqualTo(10);
    assertThat(fs.split()).isEqualTo("val");
    assertThat(fs.n()).isEqualTo(10);
    assertThat(fs.tokens()).isEqualTo(4);
    assertThat(fs.dim()).isEqualTo(8);
    assertThat(fs.values()).hasSize(10 * 4 * 8);
    assertThat(fs.labels()).containsExactly(0, 1, 0, 1, 0, 1, 0, 1, 0, 1);
    double max = 0;
    for (float v : fs.values()) {
      assertThat(v).isGreaterThanOrEqualTo(0f); // triangle activations are never negative
      max = Math.max(max, v);
    }
    assertThat(max).isPositive();
  }

  @Test
  void theSameSeedGivesTheSameTokensAndAnotherSeedOtherOnes() {
    ImageSplit train = stripes("train", 30, 4);
    ImageSplit test = stripes("test", 6, 5);
    float[] a = KMeansPatchFeaturizer.fit(train, SMALL).featurize(test, k -> {}).values();
    float[] b = KMeansPatchFeaturizer.fit(train, SMALL).featurize(test, k -> {}).values();
    assertThat(a).containsExactly(b);
    KMeansSettings other = new KMeansSettings(4, 8, 2, 600, 4);
    assertThat(KMeansPatchFeaturizer.fit(train, other).featurize(test, k -> {}).values())
        .isNotEqualTo(a);
  }

  @Test
  void pooledActivationsSeparateTheStripeOrientations() {
    ImageSplit train = stripes("train", 60, 6);
    KMeansPatchFeaturizer f = KMeansPatchFeaturizer.fit(train, SMALL);
    FeatureSet tr = f.featurize(train, k -> {});
    FeatureSet te = f.featurize(stripes("test", 40, 7), k -> {});
    int width = tr.tokens() * tr.dim();
    double[][] classMean = new double[2][width];
    for (int i = 0; i < tr.n(); i++) {
      for (int j = 0; j < width; j++) {
        classMean[tr.labels()[i]][j] += tr.values()[i * width + j] / (tr.n() / 2.0);
      }
    }
    int right = 0;
    for (int i = 0; i < te.n(); i++) {
      double[] x = new double[width];
      for (int j = 0; j < width; j++) {
        x[j] = te.values()[i * width + j];
      }
      int guess =
          KMeans.squaredDistance(x, classMean[0]) <= KMeans.squaredDistance(x, classMean[1])
              ? 0
              : 1;
      right += guess == te.labels()[i] ? 1 : 0;
    }
    assertThat(right).as("nearest class mean on the pooled activations").isGreaterThanOrEqualTo(38);
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    ImageSplit train = stripes("train", 20, 8);
    assertThatThrownBy(() -> KMeansPatchFeaturizer.fit(train.head(0), SMALL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train split 'train' is empty");
    assertThatThrownBy(() -> KMeansPatchFeaturizer.fit(train, new KMeansSettings(13, 8, 2, 600, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("patch size 13");
    assertThatThrownBy(() -> KMeansPatchFeaturizer.fit(train, new KMeansSettings(4, 8, 10, 600, 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grid 10 must be in 1..9");
    assertThatThrownBy(() -> new KMeansSettings(4, 8, 2, 5, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("samples 5 must be >= centroids 8");
    assertThatThrownBy(() -> new KMeansSettings(0, 8, 2, 600, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("patchSize");
    KMeansPatchFeaturizer f = KMeansPatchFeaturizer.fit(train, SMALL);
    ImageSplit rgb = new ImageSplit("val", 1, 12, 12, 3, new byte[12 * 12 * 3], new int[1]);
    assertThatThrownBy(() -> f.featurize(rgb, k -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("split 'val': images are 12x12x3")
        .hasMessageContaining("fitted on 12x12x1");
    ImageSplit small = new ImageSplit("test", 1, 10, 10, 1, new byte[100], new int[1]);
    assertThatThrownBy(() -> f.featurize(small, k -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("split 'test': images are 10x10x1");
  }

  @Test
  void whiteningDecorrelatesTrainingPatches() {
    // raw patches with strongly correlated neighbours; after whitening the covariance is V
    // diag(l/(l+eps)) V^T,
    // so its off-diagonal entries are small against its diagonal
    Random r = new Random(9);
    double[][] raw = new double[3000][4];
    for (double[] p : raw) {
      double base = 128 + 60 * r.nextGaussian();
      for (int j = 0; j < 4; j++) {
        p[j] = base + (j < 2 ? 30 : -30) * r.nextGaussian() + 5 * r.nextGaussian();
      }
    }
    PatchWhitening w = PatchWhitening.fit(raw);
    double[][] white = new double[raw.length][4];
    double[] scratch = new double[4];
    for (int i = 0; i < raw.length; i++) {
      w.apply(raw[i], scratch, white[i]);
    }
    double[][] cov = new double[4][4];
    for (double[] x : white) {
      for (int a = 0; a < 4; a++) {
        for (int b = 0; b < 4; b++) {
          cov[a][b] += x[a] * x[b] / raw.length;
        }
      }
    }
    for (int a = 0; a < 4; a++) {
      assertThat(cov[a][a]).isLessThanOrEqualTo(1.01);
      for (int b = 0; b < 4; b++) {
        if (a != b) {
          assertThat(Math.abs(cov[a][b])).isLessThan(0.5 * Math.max(cov[a][a], cov[b][b]));
        }
      }
    }
    assertThatThrownBy(() -> PatchWhitening.fit(new double[1][4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whitening patches: need at least 2");
  }
}
