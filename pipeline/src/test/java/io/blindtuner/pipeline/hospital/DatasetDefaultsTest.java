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
  void pneumoniaTakesItsValChosenWidthWhateverTheCase() {
    DatasetDefaults p = DatasetDefaults.of("PneumoniaMNIST");
    assertThat(DatasetDefaults.hasOwn("PneumoniaMNIST")).isTrue();
    assertThat(p.dim()).isEqualTo(64);
    assertThat(p.positions()).isEqualTo(4);
    // only the width and the position code differ from the general choice
    assertThat(p.withDim(16, 0)).isEqualTo(DatasetDefaults.GENERAL);
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
    assertThatThrownBy(() -> new DatasetDefaults(FeaturizerKind.kmeans, 0, 0, 16, 0.1, 20, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dim 0");
    assertThatThrownBy(() -> new DatasetDefaults(FeaturizerKind.kmeans, 4, 4, 16, 0.1, 20, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positions 4");
    assertThatThrownBy(() -> new DatasetDefaults(FeaturizerKind.kmeans, 16, 0, 16, 0.1, 20, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("range penalty -1");
  }
}
