package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FeatureSetTest {
  @Test
  void allocateRefusesASetNoArrayCanHoldBeforeAllocating() {
    assertThat(FeatureSet.allocate("val", 3, 4, 5)).hasSize(60);
    // 5,856 PneumoniaMNIST images of 64 tokens of 6,000 values: 2.2e9 values
    assertThatThrownBy(() -> FeatureSet.allocate("train", 5856, 64, 6000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("split 'train': 5856 images of 64 x 6000 values are 2248704000");
  }
}
