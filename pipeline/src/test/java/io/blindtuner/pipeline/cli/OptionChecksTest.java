package io.blindtuner.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.pipeline.hospital.FeaturizerKind;
import io.blindtuner.vision.data.ImageSplit;
import org.junit.jupiter.api.Test;

/**
 * The grid and patch-size check on images smaller than the MedMNIST sets' 28 x 28, the only case
 * where a patch can outgrow the image within the option's range.
 */
class OptionChecksTest {
  private static ImageSplit images(int side) {
    return new ImageSplit("train", 2, side, side, 1, new byte[2 * side * side], new int[2]);
  }

  @Test
  void aPatchLargerThanTheImagesIsNamedBeforeTheGrid() {
    FeaturizerKind.Dictionary sixteen = new FeaturizerKind.Dictionary(8, 16);
    assertThatThrownBy(() -> OptionChecks.grid(FeaturizerKind.kmeans, 1, sixteen, images(12)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--patch-size 16 is larger than the 12x12 images");
    assertThatThrownBy(
            () -> OptionChecks.grid(FeaturizerKind.kmeans_scattering, 1, sixteen, images(12)))
        .hasMessage("--patch-size 16 is larger than the 12x12 images");
    // a patch as large as the image leaves a 1 x 1 activation map: one cell, no finer grid
    assertThatCode(() -> OptionChecks.grid(FeaturizerKind.kmeans, 1, sixteen, images(16)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> OptionChecks.grid(FeaturizerKind.kmeans, 2, sixteen, images(16)))
        .hasMessageStartingWith("--grid 2: ");
  }

  @Test
  void featurizersWithoutADictionaryIgnoreItsPatchSize() {
    FeaturizerKind.Dictionary sixteen = new FeaturizerKind.Dictionary(8, 16);
    assertThatCode(() -> OptionChecks.grid(FeaturizerKind.scattering, 2, sixteen, images(12)))
        .doesNotThrowAnyException();
  }
}
