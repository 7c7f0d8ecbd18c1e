package io.blindtuner.model.plain;

import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.data.TokenSet;

/**
 * The whole head in double precision: forward, loss (with the range penalty) and backward over one
 * batch.
 */
public final class PlainHead {
  private final AttentionPooling attention;
  private final Mlp mlp;
  private final SoftmaxLoss loss;

  /** Without a range penalty (forward passes). */
  public PlainHead(HeadFunctions functions) {
    this(functions, 0);
  }

  /**
   * @param rangePenalty lambda of the penalty on the pre-activations and centred logits ({@link
   *     io.blindtuner.model.TrainingConfig#rangePenalty})
   */
  public PlainHead(HeadFunctions functions, double rangePenalty) {
    this.attention = new AttentionPooling(functions.pooling());
    this.mlp = new Mlp(functions.activation(), rangePenalty);
    this.loss = new SoftmaxLoss(functions.softmax(), rangePenalty);
  }

  /** What one training step computed. */
  public record StepResult(
      HeadParameters gradient,
      double loss,
      AttentionPooling.Pooled pooled,
      Mlp.Out mlp,
      double[][] probabilities) {}

  /** Forward and backward over the images {@code index} of {@code data}. */
  public StepResult step(HeadParameters p, TokenSet data, int[] index) {
    double[][] mean = new double[index.length][];
    double[][][] centred = new double[index.length][][];
    int[] labels = new int[index.length];
    for (int b = 0; b < index.length; b++) {
      mean[b] = data.mean()[index[b]];
      centred[b] = data.centred()[index[b]];
      labels[b] = data.labels()[index[b]];
    }
    AttentionPooling.Pooled pooled = attention.forward(mean, centred, p.q);
    Mlp.Out out = mlp.forward(pooled.z(), p);
    double[][] probs = loss.probabilities(out.logits());
    double value = loss.loss(out.logits(), labels) + mlp.penalty(out);
    HeadParameters grad = HeadParameters.zeros(p.shape());
    double[][] dz =
        mlp.backward(pooled.z(), out, loss.gradient(out.logits(), probs, labels), p, grad);
    double[] dq = attention.backward(centred, pooled, dz);
    System.arraycopy(dq, 0, grad.q, 0, dq.length);
    return new StepResult(grad, value, pooled, out, probs);
  }

  /** Logits of every image (forward only). */
  public double[][] logits(HeadParameters p, TokenSet data) {
    AttentionPooling.Pooled pooled = attention.forward(data.mean(), data.centred(), p.q);
    return mlp.forward(pooled.z(), p).logits();
  }

  /** Class probabilities of every image (the approximation's own softmax for the twin). */
  public double[][] probabilities(HeadParameters p, TokenSet data) {
    return loss.probabilities(logits(p, data));
  }
}
