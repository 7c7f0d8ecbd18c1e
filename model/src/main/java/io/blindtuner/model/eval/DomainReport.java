package io.blindtuner.model.eval;

import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.approx.LossSoftmax;
import io.blindtuner.model.approx.QuadraticGelu;
import io.blindtuner.model.approx.TaylorSoftmaxPooling;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.plain.AttentionPooling;
import io.blindtuner.model.plain.ExactGelu;
import io.blindtuner.model.plain.ExactSoftmax;
import io.blindtuner.model.plain.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ranges the polynomial head's inputs actually reach on some data, and each approximation's
 * error against the exact function on exactly those inputs: the attention weights on the seen score
 * vectors, GELU on the seen pre-activations, the softmax on the seen logit vectors.
 *
 * @param maxScore largest |centred attention score|
 * @param attentionWeightError largest |Taylor weight - softmax weight| over the seen score vectors
 * @param maxPreActivation largest |h|
 * @param geluError largest |polynomial GELU - GELU| over the seen h
 * @param maxLogit largest |centred logit|
 * @param softmaxError largest |polynomial softmax - softmax| over the seen logit vectors
 */
public record DomainReport(
    double maxScore,
    double attentionWeightError,
    double maxPreActivation,
    double geluError,
    double maxLogit,
    double softmaxError) {

  /**
   * One line per polynomial whose fitted domain the measured inputs leave, naming the stage, the
   * measured range, the fit's domain and the approximation's error there; empty when every input
   * stays inside. Outside its domain a polynomial is no longer the function it stands for, so
   * training and inference there are not what was planned.
   *
   * @param poly the functions this report was measured with
   */
  public List<String> warnings(HeadFunctions poly) {
    List<String> out = new ArrayList<>();
    if (poly.activation() instanceof QuadraticGelu gelu && maxPreActivation > gelu.range()) {
      out.add(
          String.format(
              Locale.ROOT,
              "MLP stage: pre-activations reach |h| = %.2f, outside the GELU fit on "
                  + "[-%.3g, %.3g] (error up to %.3g there)",
              maxPreActivation,
              gelu.range(),
              gelu.range(),
              geluError));
    }
    if (poly.softmax() instanceof LossSoftmax softmax && maxLogit > softmax.range()) {
      out.add(
          String.format(
              Locale.ROOT,
              "loss stage: centred logits reach |u| = %.2f, outside the softmax fit on "
                  + "[-%.3g, %.3g] (error up to %.3g there)",
              maxLogit,
              softmax.range(),
              softmax.range(),
              softmaxError));
    }
    return out;
  }

  /** Runs the polynomial head with {@code p} over {@code data}. */
  public static DomainReport measure(HeadFunctions poly, HeadParameters p, TokenSet data) {
    AttentionPooling.Pooled pooled =
        new AttentionPooling(poly.pooling()).forward(data.mean(), data.centred(), p.q);
    Mlp.Out out = new Mlp(poly.activation()).forward(pooled.z(), p);
    double maxScore = 0;
    for (double[] c : pooled.scores()) {
      for (double v : c) {
        maxScore = Math.max(maxScore, Math.abs(v));
      }
    }
    double maxH = 0;
    double geluErr = 0;
    for (double[] row : out.h()) {
      for (double h : row) {
        maxH = Math.max(maxH, Math.abs(h));
        geluErr = Math.max(geluErr, Math.abs(poly.activation().value(h) - ExactGelu.gelu(h)));
      }
    }
    double maxLogit = 0;
    double smErr = 0;
    for (double[] l : out.logits()) {
      double mean = 0;
      for (double v : l) {
        mean += v / l.length;
      }
      for (double v : l) {
        maxLogit = Math.max(maxLogit, Math.abs(v - mean));
      }
      double[] a = poly.softmax().probabilities(l);
      double[] e = ExactSoftmax.softmax(l);
      for (int c = 0; c < l.length; c++) {
        smErr = Math.max(smErr, Math.abs(a[c] - e[c]));
      }
    }
    return new DomainReport(
        maxScore,
        TaylorSoftmaxPooling.maxWeightError(pooled.scores()),
        maxH,
        geluErr,
        maxLogit,
        smErr);
  }
}
