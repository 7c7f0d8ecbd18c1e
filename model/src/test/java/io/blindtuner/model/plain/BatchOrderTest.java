package io.blindtuner.model.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.model.TrainingConfig;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatchOrderTest {
  /** 3 images of class 0, 10 of class 1, 1 of class 3 (class 2 absent). */
  private static final int[] LABELS = {1, 1, 0, 1, 1, 3, 1, 1, 0, 1, 1, 1, 0, 1};

  private static TrainingConfig config(int batch, int epochs, boolean balanced) {
    return new TrainingConfig(epochs, batch, 0.1, 0.1, 0.9, 0, 11, 0, balanced);
  }

  @Test
  void plainOrderVisitsEveryImageOncePerEpochInFullBatches() {
    BatchOrder order = new BatchOrder(LABELS, config(4, 3, false));
    assertThat(order.steps()).isEqualTo(3 * 3);
    for (int e = 0; e < 3; e++) {
      Set<Integer> seen = new HashSet<>();
      for (int s = 0; s < 3; s++) {
        for (int i : order.batch(e * 3 + s)) {
          assertThat(seen.add(i)).as("image %d twice in epoch %d", i, e).isTrue();
        }
      }
      assertThat(seen).hasSize(12);
    }
  }

  @Test
  void balancedOrderDrawsEveryPresentClassEquallyOftenEachEpoch() {
    BatchOrder order = new BatchOrder(LABELS, config(14, 4, true));
    assertThat(order.steps()).isEqualTo(4);
    Set<Integer> majoritySeen = new HashSet<>();
    for (int s = 0; s < order.steps(); s++) {
      int[] counts = new int[4];
      for (int i : order.batch(s)) {
        counts[LABELS[i]]++;
        if (LABELS[i] == 1) {
          majoritySeen.add(i);
        }
      }
      // 14 slots over the three present classes: 5, 5, 4 in class order; the absent class gets none
      assertThat(counts).containsExactly(5, 5, 0, 4);
    }
    // the majority class takes turns: over 4 epochs of 5 draws each, all 10 of its images come up
    assertThat(majoritySeen).hasSize(10);
  }

  @Test
  void balancedOrderCyclesAMinorityClassBeforeRepeatingAnImage() {
    BatchOrder order = new BatchOrder(LABELS, config(14, 1, true));
    int[] zeros = Arrays.stream(order.batch(0)).filter(i -> LABELS[i] == 0).sorted().toArray();
    // five draws from three images: each once, then two of them again
    assertThat(Arrays.stream(zeros).distinct().count()).isEqualTo(3);
  }

  @Test
  void theSameSeedGivesTheSameOrder() {
    BatchOrder a = new BatchOrder(LABELS, config(7, 2, true));
    BatchOrder b = new BatchOrder(LABELS, config(7, 2, true));
    for (int s = 0; s < a.steps(); s++) {
      assertThat(a.batch(s)).containsExactly(b.batch(s));
    }
  }

  @Test
  void fewerImagesThanOneBatchAreRefused() {
    assertThatThrownBy(() -> new BatchOrder(LABELS, config(15, 1, true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("14 images cannot fill one batch of 15");
  }
}
