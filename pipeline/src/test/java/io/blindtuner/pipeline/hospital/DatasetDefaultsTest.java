package io.blindtuner.pipeline.hospital;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatasetDefaultsTest {

  @Test
  void aDataSetWithoutItsOwnTakesTheGeneralChoice() {
    assertThat(DatasetDefaults.of("organamnist")).isEqualTo(DatasetDefaults.GENERAL);
    assertThat(DatasetDefaults.hasOwn("organamnist")).isFalse();
    assertThat(DatasetDefaults.GENERAL.dim()).isEqualTo(16);
  }

  @Test
  void pneumoniaTakesItsValChosenWidthAndDictionaryWhateverTheCase() {
    DatasetDefaults p = DatasetDefaults.of("PneumoniaMNIST");
    assertThat(DatasetDefaults.hasOwn("PneumoniaMNIST")).isTrue();
    assertThat(p.dim()).isEqualTo(64);
    assertThat(p.positions()).isEqualTo(4);
    assertThat(p.dictionary()).isEqualTo(new FeaturizerKind.Dictionary(128, 8));
    // only the width, the position code and the dictionary differ from the general choice
    assertThat(p.withDim(16, 0).withDictionary(64, 6)).isEqualTo(DatasetDefaults.GENERAL);
  }

  @Test
  void theGeneralDictionaryIsTheKMeansFeaturizersOwnDefault() {
    assertThat(DatasetDefaults.GENERAL.dictionary()).isEqualTo(FeaturizerKind.Dictionary.DEFAULT);
    assertThat(FeaturizerKind.Dictionary.DEFAULT.centroids())
        .isEqualTo(io.blindtuner.vision.features.KMeansSettings.defaults().centroids());
    assertThatThrownBy(() -> new FeaturizerKind.Dictionary(0, 6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dictionary centroids must be in 1..512, got 0");
    assertThatThrownBy(() -> new FeaturizerKind.Dictionary(64, 17))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dictionary patch size must be in 1..16, got 17");
  }

  @Test
  void retinaTakesAStrongerPenaltyAndMoreEpochs() {
    DatasetDefaults r = DatasetDefaults.of("retinamnist");
    assertThat(r.rangePenalty()).isEqualTo(0.2);
    assertThat(r.epochs()).isEqualTo(30);
    assertThat(r.withEpochs(20).withRangePenalty(0.1)).isEqualTo(DatasetDefaults.GENERAL);
  }

  @Test
  void breastTakesTheStackedFeaturizerAndAPositionCodeAndNothingElse() {
    DatasetDefaults b = DatasetDefaults.of("breastmnist");
    assertThat(b.featurizer()).isEqualTo(FeaturizerKind.kmeans_scattering);
    assertThat(b.positions()).isEqualTo(2);
    assertThat(b.withDim(16, 0).withFeaturizer(FeaturizerKind.kmeans))
        .isEqualTo(DatasetDefaults.GENERAL);
  }

  @Test
  void refusesSettingsNoRunCouldUse() {
    assertThatThrownBy(() -> DatasetDefaults.GENERAL.withDim(0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dim 0");
    assertThatThrownBy(() -> DatasetDefaults.GENERAL.withDim(4, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positions 4");
    assertThatThrownBy(() -> DatasetDefaults.GENERAL.withRangePenalty(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("range penalty -1");
  }
}
