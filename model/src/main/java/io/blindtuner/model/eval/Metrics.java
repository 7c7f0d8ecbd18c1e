package io.blindtuner.model.eval;

import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.plain.ExactSoftmax;
import io.blindtuner.model.plain.PlainHead;
import java.util.Arrays;

/**
 * Accuracy, balanced accuracy (mean per-class recall) and AUC (binary: of the class-1 score; more
 * classes: the mean one-vs-rest AUC, as MedMNIST reports it).
 *
 * @param accuracy fraction correct
 * @param balancedAccuracy mean recall over the classes present
 * @param auc area under the ROC curve
 */
public record Metrics(double accuracy, double balancedAccuracy, double auc) {

  /**
   * Test metrics of a head from its logits (exact softmax scores for the AUC, so heads with
   * different output functions rank comparably).
   */
  public static Metrics ofHead(HeadFunctions functions, HeadParameters p, TokenSet test) {
    return of(probabilities(functions, p, test), test.labels());
  }

  /** The exact softmax of a head's logits for every image of {@code data}. */
  public static double[][] probabilities(HeadFunctions functions, HeadParameters p, TokenSet data) {
    double[][] logits = new PlainHead(functions).logits(p, data);
    double[][] probs = new double[logits.length][];
    for (int i = 0; i < logits.length; i++) {
      probs[i] = ExactSoftmax.softmax(logits[i]);
    }
    return probs;
  }

  /**
   * @param scores per image class scores (probabilities or logits: only their order matters)
   * @param labels true classes
   * @throws IllegalArgumentException if the sizes disagree or there are no images
   */
  public static Metrics of(double[][] scores, int[] labels) {
    if (scores.length != labels.length || labels.length == 0) {
      throw new IllegalArgumentException(
          scores.length + " score rows for " + labels.length + " labels");
    }
    int classes = scores[0].length;
    int correct = 0;
    int[] perClass = new int[classes];
    int[] perClassCorrect = new int[classes];
    for (int i = 0; i < labels.length; i++) {
      int arg = argmax(scores[i]);
      perClass[labels[i]]++;
      if (arg == labels[i]) {
        correct++;
        perClassCorrect[labels[i]]++;
      }
    }
    double recall = 0;
    int present = 0;
    for (int c = 0; c < classes; c++) {
      if (perClass[c] > 0) {
        recall += (double) perClassCorrect[c] / perClass[c];
        present++;
      }
    }
    double auc;
    if (classes == 2) {
      auc = binaryAuc(column(scores, 1, 0), labels, 1);
    } else {
      double s = 0;
      int n = 0;
      for (int c = 0; c < classes; c++) {
        if (perClass[c] > 0 && perClass[c] < labels.length) {
          s += binaryAuc(column(scores, c, -1), labels, c);
          n++;
        }
      }
      auc = n == 0 ? Double.NaN : s / n;
    }
    return new Metrics((double) correct / labels.length, recall / present, auc);
  }

  /**
   * Column c, minus column {@code minus} when it is not -1 (for binary, the logit difference ranks
   * like p_1).
   */
  private static double[] column(double[][] s, int c, int minus) {
    double[] v = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      v[i] = s[i][c] - (minus >= 0 ? s[i][minus] : 0);
    }
    return v;
  }

  /** Mann-Whitney AUC with ties counted as one half. */
  static double binaryAuc(double[] score, int[] labels, int positive) {
    Integer[] idx = new Integer[score.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(score[a], score[b]));
    double rankSumPos = 0;
    long pos = 0;
    int i = 0;
    while (i < idx.length) {
      int j = i;
      while (j + 1 < idx.length && score[idx[j + 1]] == score[idx[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[idx[k]] == positive) {
          rankSumPos += rank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = score.length - pos;
    if (pos == 0 || neg == 0) {
      return Double.NaN;
    }
    return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }

  /** The index of the largest score (the first of equals): the predicted class. */
  public static int argmax(double[] scores) {
    int best = 0;
    for (int c = 1; c < scores.length; c++) {
      if (scores[c] > scores[best]) {
        best = c;
      }
    }
    return best;
  }
}
