package io.blindtuner.vision.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageSplitTest {

  private static ImageSplit random(int n, int h, int w, int c) {
    byte[] px = new byte[n * h * w * c];
    new SplittableRandom(3).nextBytes(px);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 3;
    }
    return new ImageSplit("train", n, h, w, c, px, labels);
  }

  @Test
  void mirrorsFollowTheOriginalsPixelForPixelWithTheirLabels() {
    // odd width: the middle column stays, every other pair swaps; three channels stay in order
    ImageSplit s = random(4, 3, 5, 3);
    ImageSplit m = s.withMirrors();
    assertThat(m.n()).isEqualTo(8);
    assertThat(m.name()).isEqualTo("train");
    for (int i = 0; i < 4; i++) {
      assertThat(m.labels()[i]).isEqualTo(s.labels()[i]);
      assertThat(m.labels()[4 + i]).isEqualTo(s.labels()[i]);
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 5; x++) {
          for (int c = 0; c < 3; c++) {
            assertThat(m.pixel(i, y, x, c)).isEqualTo(s.pixel(i, y, x, c));
            assertThat(m.pixel(4 + i, y, x, c)).isEqualTo(s.pixel(i, y, 4 - x, c));
          }
        }
      }
    }
  }

  @Test
  void mirroringTwiceGivesTheImagesBack() {
    ImageSplit s = random(2, 4, 4, 1);
    ImageSplit twice = s.withMirrors().withMirrors();
    for (int i = 0; i < 2; i++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          // image 6 = mirror of image 2 = mirror of the mirror of image 0
          assertThat(twice.pixel(6 + i, y, x, 0)).isEqualTo(s.pixel(i, y, x, 0));
        }
      }
    }
  }
}
