package io.blindtuner.vision.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PositionCodeTest {

  /** Two images of a 3x3 grid of 2 values, value j of token t of image i = 100 i + 10 t + j. */
  private static FeatureSet grid3() {
    float[] v = new float[2 * 9 * 2];
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 9; t++) {
        for (int j = 0; j < 2; j++) {
          v[(i * 9 + t) * 2 + j] = 100 * i + 10 * t + j;
        }
      }
    }
    return new FeatureSet("train", 2, 9, 2, v, new int[] {0, 1});
  }

  @Test
  void appendsRowAndColumnRampsAfterTheTokensOwnValues() {
    FeatureSet f = PositionCode.append(grid3(), 2);
    assertThat(f.dim()).isEqualTo(4);
    assertThat(f.labels()).containsExactly(0, 1);
    // token 5 is row 1, column 2 of the 3x3 grid: ramps 0 and +1
    assertThat(f.get(1, 5, 0)).isEqualTo(150f);
    assertThat(f.get(1, 5, 1)).isEqualTo(151f);
    assertThat(f.get(1, 5, 2)).isEqualTo(0f);
    assertThat(f.get(1, 5, 3)).isEqualTo(1f);
    // token 0 is the top-left corner
    assertThat(f.get(0, 0, 2)).isEqualTo(-1f);
    assertThat(f.get(0, 0, 3)).isEqualTo(-1f);
  }

  @Test
  void fourValuesAddTheDistanceFromTheCentreLine() {
    FeatureSet f = PositionCode.append(grid3(), 4);
    assertThat(f.dim()).isEqualTo(6);
    // token 3: row 1 (centre), column 0 (left border)
    assertThat(f.get(0, 3, 2)).isEqualTo(0f);
    assertThat(f.get(0, 3, 3)).isEqualTo(-1f);
    assertThat(f.get(0, 3, 4)).isEqualTo(0f);
    assertThat(f.get(0, 3, 5)).isEqualTo(1f);
    // the code is the same for every image: only the place matters
    for (int t = 0; t < 9; t++) {
      for (int j = 2; j < 6; j++) {
        assertThat(f.get(1, t, j)).isEqualTo(f.get(0, t, j));
      }
    }
  }

  @Test
  void noValuesLeavesTheTokensAsTheyAre() {
    FeatureSet g = grid3();
    assertThat(PositionCode.append(g, 0)).isSameAs(g);
  }

  @Test
  void refusesOtherSizesAndNonSquareGrids() {
    assertThatThrownBy(() -> PositionCode.append(grid3(), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 0, 2 or 4, got 3");
    FeatureSet line = new FeatureSet("val", 1, 3, 1, new float[3], new int[1]);
    assertThatThrownBy(() -> PositionCode.append(line, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 tokens are not a square grid");
  }
}
