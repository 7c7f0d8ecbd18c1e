package io.blindtuner.model.cloud;

import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.approx.LossSoftmax;
import io.blindtuner.model.approx.QuadraticGelu;
import io.blindtuner.model.approx.TaylorSoftmaxPooling;
import io.blindtuner.model.packing.SlotLayout;

/**
 * What the cloud must know to build the encrypted head's stages: the packing, the polynomial
 * functions, the range penalty and the optimizer's hyper-parameters. No keys, no data.
 *
 * @param layout the slot layout of one micro-batch
 * @param gelu the activation
 * @param softmax the output softmax
 * @param momentum Nesterov momentum in [0, 1)
 * @param weightDecay weight decay, at least 0
 * @param rangePenalty lambda of the penalty on pre-activations and centred logits ({@link
 *     io.blindtuner.model.TrainingConfig#rangePenalty}), at least 0
 */
public record HeadSpec(
    SlotLayout layout,
    QuadraticGelu gelu,
    LossSoftmax softmax,
    double momentum,
    double weightDecay,
    double rangePenalty) {

  /**
   * @throws IllegalArgumentException if the functions are not the polynomial ones the encrypted
   *     head runs (the optimizer's settings are checked by {@link
   *     io.blindtuner.model.stage.OptimizerStage})
   */
  public static HeadSpec of(
      SlotLayout layout,
      HeadFunctions functions,
      double momentum,
      double weightDecay,
      double rangePenalty) {
    if (!(functions.pooling() instanceof TaylorSoftmaxPooling)
        || !(functions.activation() instanceof QuadraticGelu gelu)
        || !(functions.softmax() instanceof LossSoftmax softmax)) {
      throw new IllegalArgumentException(
          "the encrypted head runs the polynomial functions only, got "
              + functions.pooling().describe()
              + "; "
              + functions.activation().describe()
              + "; "
              + functions.softmax().describe());
    }
    return new HeadSpec(layout, gelu, softmax, momentum, weightDecay, rangePenalty);
  }

  /** The class count. */
  public int classes() {
    return softmax.classes();
  }
}
