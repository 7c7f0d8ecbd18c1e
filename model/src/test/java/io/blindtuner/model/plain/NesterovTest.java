package io.blindtuner.model.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import org.junit.jupiter.api.Test;

class NesterovTest {

  @Test
  void minimisesAQuadraticFasterThanPlainGradientDescent() {
    HeadShape s = new HeadShape(1, 1, 1, 2);
    // f(theta) = 0.5 * sum k_i theta_i^2 with condition number 50: momentum must beat plain
    // descent.
    double[] k = {1, 50, 3, 10, 25, 7, 2};
    double lr = 0.015;
    double nesterov = run(s, k, lr, 0.9);
    double plain = run(s, k, lr, 0);
    assertThat(nesterov).isLessThan(plain * 1e-3);
  }

  private static double run(HeadShape s, double[] k, double lr, double mu) {
    Nesterov opt = new Nesterov(mu, s.parameterCount());
    double[] v = new double[s.parameterCount()];
    java.util.Arrays.fill(v, 1);
    HeadParameters p = HeadParameters.fromFlat(s, v);
    for (int it = 0; it < 100; it++) {
      double[] t = p.flatten();
      double[] g = new double[t.length];
      for (int i = 0; i < t.length; i++) {
        g[i] = k[i] * t[i];
      }
      p = opt.step(p, HeadParameters.fromFlat(s, g), lr);
    }
    double f = 0;
    double[] t = p.flatten();
    for (int i = 0; i < t.length; i++) {
      f += 0.5 * k[i] * t[i] * t[i];
    }
    return f;
  }

  @Test
  void rejectsMomentumOutsideTheUnitInterval() {
    assertThatThrownBy(() -> new Nesterov(1.0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("momentum");
  }

  @Test
  void scheduleDecaysFromInitialToFinalFraction() {
    LearningRateSchedule lr = new LearningRateSchedule(0.1, 0.1, 11);
    assertThat(lr.rate(0)).isEqualTo(0.1);
    assertThat(lr.rate(10)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(lr.rate(5)).isCloseTo(0.055, org.assertj.core.data.Offset.offset(1e-12));
  }
}
