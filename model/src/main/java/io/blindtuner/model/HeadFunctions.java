package io.blindtuner.model;

import io.blindtuner.model.approx.LossSoftmax;
import io.blindtuner.model.approx.NormalisedSoftmax;
import io.blindtuner.model.approx.PolynomialSoftmax;
import io.blindtuner.model.approx.QuadraticGelu;
import io.blindtuner.model.approx.TaylorSoftmaxPooling;
import io.blindtuner.model.plain.ExactGelu;
import io.blindtuner.model.plain.ExactSoftmax;
import io.blindtuner.model.plain.ExactSoftmaxPooling;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The three non-linear pieces of the head. {@link #polynomial} is the model trained under
 * encryption (and by its plaintext twin); {@link #exact} is the float reference.
 *
 * @param pooling attention kernel
 * @param activation MLP activation
 * @param softmax loss-stage softmax
 */
public record HeadFunctions(PoolingKernel pooling, Activation activation, OutputSoftmax softmax) {

  /** GELU fit domain [-3, 3]: the MLP pre-activations seen in training (measured, see README). */
  public static final double GELU_RANGE = 3;

  public HeadFunctions {
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(softmax, "softmax");
  }

  /**
   * The loss softmaxes by class count: immutable, and each fit takes a fraction of a second that
   * every party (hospital, cloud, reports) would otherwise repeat.
   */
  private static final ConcurrentHashMap<Integer, LossSoftmax> SOFTMAXES =
      new ConcurrentHashMap<>();

  /**
   * @throws IllegalArgumentException if classes is below 2
   */
  public static HeadFunctions polynomial(int classes) {
    return new HeadFunctions(
        new TaylorSoftmaxPooling(),
        new QuadraticGelu(GELU_RANGE),
        SOFTMAXES.computeIfAbsent(
            classes,
            c ->
                c <= 2
                    ? new PolynomialSoftmax(c, logitRange(c))
                    : new NormalisedSoftmax(c, logitRange(c))));
  }

  /**
   * The loss-stage softmax's logit domain: [-4, 4] for two classes (logit differences in [-8, 8],
   * the classical polynomial sigmoid domain); [-2, 2] for more, where the normalised softmax's
   * cubic exp stays increasing (on [-3, 3] it does not).
   */
  public static double logitRange(int classes) {
    return classes == 2 ? 4 : 2;
  }

  public static HeadFunctions exact() {
    return new HeadFunctions(new ExactSoftmaxPooling(), new ExactGelu(), new ExactSoftmax());
  }
}
