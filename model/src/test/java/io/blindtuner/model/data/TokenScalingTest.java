package io.blindtuner.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class TokenScalingTest {

  @Test
  void standardisesOnTrainAndCentresEachImage() {
    // 2 images, 2 tokens, 2 values: value 0 has mean 2 and deviation 1 over the 4 tokens; value 1
    // is constant.
    float[] v = {1, 5, 3, 5, 1, 5, 3, 5};
    TokenScaling s = TokenScaling.fit(v, 2, 2, 2, Double.POSITIVE_INFINITY);
    TokenSet t = s.apply(v, 2, 2, new int[] {0, 1}, 2);
    assertThat(t.mean()[0][0]).isCloseTo(0, offset(1e-12));
    assertThat(t.centred()[0][0][0]).isCloseTo(-1, offset(1e-12));
    assertThat(t.centred()[0][1][0]).isCloseTo(1, offset(1e-12));
    assertThat(t.mean()[1][1]).isCloseTo(0, offset(1e-12));
    assertThat(t.token(0, 1)[0]).isCloseTo(1, offset(1e-12));
  }

  @Test
  void clipsOutliers() {
    float[] v = {0, 0, 0, 0, 0, 0, 0, 100};
    TokenScaling s = TokenScaling.fit(v, 4, 2, 1, 2);
    TokenSet t = s.apply(v, 4, 2, new int[] {0, 0, 0, 0}, 2);
    assertThat(t.token(3, 1)[0]).isCloseTo(2, offset(1e-12));
  }

  @Test
  void rejectsAMismatchedArray() {
    assertThatThrownBy(() -> TokenScaling.fit(new float[7], 2, 2, 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("7 values");
  }
}
