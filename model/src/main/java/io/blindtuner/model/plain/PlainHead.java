package io.blindtuner.model.plain;

import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.data.TokenSet;

/** The whole head in double precision: forward, loss and backward over one batch. */
public final class PlainHead {
  private final AttentionPooling attention;
  private final Mlp mlp;
  private final SoftmaxLoss loss;

  public PlainHead(HeadFunctions functions) {
    this.attention = new AttentionPooling(functions.pooling());
    this.mlp = new Mlp(functions.activation());
    this.loss = new SoftmaxLoss(functions.softmax());
  }

  /** What one training step computed. */
  public record StepResult(HeadParameters gradient, double loss, AttentionPooling.Pooled pooled, Mlp.Out mlp,
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
    double value = loss.loss(out.logits(), labels);
    HeadParameters grad = HeadParameters.zeros(p.shape());
    double[][] dz = mlp.backward(pooled.z(), out, loss.gradient(probs, labels), p, grad);
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
