package io.blindtuner.model.packing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import org.junit.jupiter.api.Test;

class SlotLayoutTest {

  @Test
  void fillsTheSlotsWithTheBatchOutermost() {
    SlotLayout lay = SlotLayout.forShape(new HeadShape(16, 16, 16, 2), 8192);
    assertThat(lay).isEqualTo(new SlotLayout(32, 16, 16));
    assertThat(lay.index(1, 2, 3)).isEqualTo(256 + 32 + 3);
    assertThat(lay.batchStride()).isEqualTo(256);
    assertThat(lay.rowStride()).isEqualTo(16);
  }

  @Test
  void packsAndUnpacksParametersWithZeroPadding() {
    HeadShape shape = new HeadShape(4, 4, 3, 2);
    SlotLayout lay = SlotLayout.forShape(shape, 64);
    HeadParameters p = HeadParameters.initial(shape, 3);
    p.b1[1] = 0.5;
    p.b2[1] = -0.25;
    double[][] v = lay.pack(p);
    assertThat(lay.unpack(shape, v).flatten()).containsExactly(p.flatten());
    // W2 sits transposed at (b, j, c); hidden row 3 and class columns 2, 3 are padding.
    assertThat(v[3][lay.index(2, 1, 0)]).isEqualTo(p.w2[0][1]);
    assertThat(v[3][lay.index(0, 3, 0)]).isZero();
    assertThat(v[4][lay.index(3, 2, 3)]).isZero();
    assertThat(v[2][lay.index(1, 1, 2)]).isEqualTo(0.5);
  }

  @Test
  void rejectsShapesThatDoNotPack() {
    assertThatThrownBy(() -> SlotLayout.forShape(new HeadShape(4, 4, 5, 2), 64))
        .hasMessageContaining("hidden <= tokens");
    assertThatThrownBy(() -> SlotLayout.forShape(new HeadShape(4, 8, 4, 2), 16))
        .hasMessageContaining("divide");
    assertThatThrownBy(() -> new SlotLayout(3, 4, 4)).hasMessageContaining("powers of two");
  }
}
