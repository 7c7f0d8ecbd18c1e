package io.blindtuner.model.packing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import org.junit.jupiter.api.Test;

class ScaleLadderTest {

  @Test
  void everyRescaleLandsOnTheNextLevelsScale() {
    CkksParameters params =
        CkksParameters.create(CkksSpec.of(16384, 60, 40, 40, 40, 40, 40, 40, 40, 60));
    ScaleLadder ladder = new ScaleLadder(params);
    assertThat(ladder.maxLevel()).isEqualTo(7);
    assertThat(ladder.scale(0)).isEqualTo(0x1p40);
    for (int l = 1; l <= ladder.maxLevel(); l++) {
      double s = ladder.scale(l);
      // a product of two level-l ciphertexts, rescaled by q_l
      assertThat(s * s / params.prime(l) / ladder.scale(l - 1)).isCloseTo(1, offset(1e-12));
      // a level-l ciphertext times a multiplier plaintext, rescaled by q_l
      assertThat(s * ladder.multiplierScale(l) / params.prime(l) / ladder.scale(l - 1))
          .isCloseTo(1, offset(1e-12));
      // 40-bit primes keep every scale within a factor 2^(1/2) of 2^40
      assertThat(Math.abs(Math.log(s / 0x1p40) / Math.log(2))).isLessThan(0.5);
    }
  }
}
