package io.blindtuner.model.approx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.blindtuner.model.plain.ExactSoftmax;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The approximations' documented errors on their domains (the bounds are the measured values,
 * rounded up).
 */
class ApproximationTest {

  @Test
  void polynomialSoftmaxSumsToOneAndIsAQuinticSigmoidForTwoClasses() {
    PolynomialSoftmax sm = new PolynomialSoftmax(2, 4);
    for (double delta = -8; delta <= 8; delta += 0.5) {
      double[] p = sm.probabilities(new double[] {0.3, 0.3 + delta});
      assertThat(p[0] + p[1]).isCloseTo(1, offset(1e-12));
      assertThat(p[1]).isCloseTo(0.5 + sm.f(delta / 2), offset(1e-12));
    }
    // Measured errors against the exact softmax: 0.188 on logits in [-4, 4]^2, 0.033 on [-2, 2]^2.
    assertThat(sm.maxError(4)).isLessThan(0.19);
    assertThat(sm.maxError(2)).isLessThan(0.034);
    assertThat(sm.a5()).isPositive();
  }

  @Test
  void surrogateLossIsBoundedBelowSoLogitsArePulledBack() {
    PolynomialSoftmax sm = new PolynomialSoftmax(2, 4);
    // Far outside the domain the correct class's probability overshoots 1: the gradient p - y is
    // positive.
    assertThat(sm.probabilities(new double[] {0, 30})[1]).isGreaterThan(1);
    assertThat(sm.loss(new double[] {0, 30}, 1)).isGreaterThan(sm.loss(new double[] {0, 4}, 1));
  }

  @Test
  void fiveClassOddFitFallsBackToANearlyLinearCubic() {
    PolynomialSoftmax sm = new PolynomialSoftmax(5, 2);
    assertThat(sm.a5()).isZero();
    assertThat(sm.a3()).isPositive();
    // Measured 0.315 on [-2, 2]^5 and 0.178 on [-1, 1]^5: why five classes use the normalised form
    assertThat(sm.maxError(2)).isLessThan(0.32);
    assertThat(sm.maxError(1)).isLessThan(0.18);
  }

  @ParameterizedTest(name = "{0} classes")
  @ValueSource(ints = {3, 5, 10})
  void normalisedSoftmaxSumsToOneAndIsFarCloserThanTheOddFit(int classes) {
    NormalisedSoftmax sm = new NormalisedSoftmax(classes, 2);
    SplittableRandom r = new SplittableRandom(3);
    for (int s = 0; s < 100; s++) {
      double[] l = new double[classes];
      for (int c = 0; c < classes; c++) {
        l[c] = 6 * r.nextDouble() - 3;
      }
      double sum = 0;
      for (double v : sm.probabilities(l)) {
        sum += v;
      }
      assertThat(sum).isCloseTo(1, offset(1e-12));
    }
    // Measured, five classes: 0.077 on [-2, 2]^5 and 0.018 on [-1.5, 1.5]^5, against the odd
    // fit's 0.315 and 0.239; three and ten classes alike (0.079 / 0.011, 0.090 / 0.016)
    assertThat(sm.maxError(2)).isLessThan(0.091);
    assertThat(sm.maxError(1.5)).isLessThan(0.019);
    PolynomialSoftmax odd = new PolynomialSoftmax(classes, 2);
    assertThat(sm.maxError(1.5)).isLessThan(odd.maxError(1.5) / 5);
  }

  @Test
  void normalisedSoftmaxKeepsTheGradientsSignOutsideItsDomain() {
    NormalisedSoftmax sm = new NormalisedSoftmax(5, 2);
    for (double v = -50; v <= 50; v += 0.25) {
      assertThat(sm.exp(v + 0.25)).as("e increasing at %s", v).isGreaterThan(sm.exp(v));
      assertThat(sm.inverse(Math.abs(v))).as("r positive at %s", Math.abs(v)).isPositive();
    }
    // far outside [-2, 2]: the largest logit's probability is still above 1/C and the smallest's
    // below, so p - y moves them back towards the domain
    double[] p = sm.probabilities(new double[] {-9, 0, 1, 2, 12});
    assertThat(p[4]).isGreaterThan(0.2);
    assertThat(p[0]).isLessThan(0.2);
  }

  @Test
  void normalisedSoftmaxRefusesTwoClassesAndADomainWhereExpCannotStayIncreasing() {
    assertThatThrownBy(() -> new NormalisedSoftmax(2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 3 classes");
    assertThatThrownBy(() -> new NormalisedSoftmax(5, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not keep e increasing");
  }

  @Test
  void quadraticGeluErrorOnItsDomain() {
    // Measured: 0.312 on [-3, 3], 0.133 on [-2, 2]; the odd part of GELU is exactly h/2, so beta is
    // 1/2.
    QuadraticGelu g = new QuadraticGelu(3);
    assertThat(g.maxError()).isLessThan(0.32);
    assertThat(new QuadraticGelu(2).maxError()).isLessThan(0.14);
    assertThat(g.beta()).isCloseTo(0.5, offset(1e-9));
    assertThat(g.value(0)).isZero();
  }

  @Test
  void taylorAttentionWeightsSumToOneAndTrackSoftmaxForSmallScores() {
    double[] c = {0.2, -0.3, 0.05, 0.05};
    double[] w = TaylorSoftmaxPooling.weights(c);
    double sum = 0;
    for (double v : w) {
      sum += v;
    }
    assertThat(sum).isCloseTo(1, offset(1e-15));
    double[] e = ExactSoftmax.softmax(c);
    for (int t = 0; t < c.length; t++) {
      // third-order remainder: |c|^3 / 6 / T * a small constant
      assertThat(w[t]).isCloseTo(e[t], offset(0.3 * 0.3 * 0.3 / 6));
    }
    assertThat(TaylorSoftmaxPooling.maxWeightError(new double[][] {{1, -1, 0.5, -0.5}}))
        .isLessThan(0.05);
  }
}
