package io.blindtuner.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void binaryMetricsOnAHandWorkedExample() {
    double[][] s = {{0, 0.9}, {0, 0.8}, {0, 0.3}, {0, 0.6}, {0, -0.2}};
    int[] y = {1, 1, 0, 0, 1};
    Metrics m = Metrics.of(s, y);
    // predictions (argmax): 1,1,1,1,0 -> correct 1,1,0,0,0 = 2/5
    assertThat(m.accuracy()).isCloseTo(0.4, offset(1e-12));
    // recall class 1 = 2/3, class 0 = 0/2 -> 1/3
    assertThat(m.balancedAccuracy()).isCloseTo(1.0 / 3, offset(1e-12));
    // positives 0.9, 0.8, -0.2 vs negatives 0.3, 0.6: pairs won 2+2+0 = 4 of 6
    assertThat(m.auc()).isCloseTo(4.0 / 6, offset(1e-12));
  }

  @Test
  void tiesCountHalf() {
    assertThat(Metrics.binaryAuc(new double[] {1, 1}, new int[] {0, 1}, 1)).isEqualTo(0.5);
  }

  @Test
  void multiClassAucIsTheOneVsRestMean() {
    double[][] s = {{0.8, 0.1, 0.1}, {0.1, 0.8, 0.1}, {0.1, 0.1, 0.8}};
    Metrics m = Metrics.of(s, new int[] {0, 1, 2});
    assertThat(m.auc()).isEqualTo(1.0);
    assertThat(m.accuracy()).isEqualTo(1.0);
  }
}
