package io.blindtuner.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.model.HeadFunctions;
import org.junit.jupiter.api.Test;

class DomainReportTest {

  @Test
  void inputsInsideEveryFitGiveNoWarning() {
    HeadFunctions poly = HeadFunctions.polynomial(2);
    assertThat(new DomainReport(0.8, 0.01, 2.9, 0.05, 3.9, 0.02).warnings(poly)).isEmpty();
  }

  @Test
  void eachFitLeftIsNamedWithItsStageTheMeasuredRangeAndTheDomain() {
    // PneumoniaMNIST at 10 epochs: |h| up to 6.24 against the GELU fitted on [-3, 3], error up to
    // 4.71.
    HeadFunctions poly = HeadFunctions.polynomial(5);
    assertThat(new DomainReport(0.8, 0.01, 6.24, 4.71, 2.5, 0.3).warnings(poly))
        .containsExactly(
            "MLP stage: pre-activations reach |h| = 6.24, outside the GELU fit on [-3.00, 3.00] (error up to 4.71 there)",
            "loss stage: centred logits reach |u| = 2.50, outside the softmax fit on [-2.00, 2.00] (error up to 0.300"
                + " there)");
  }
}
