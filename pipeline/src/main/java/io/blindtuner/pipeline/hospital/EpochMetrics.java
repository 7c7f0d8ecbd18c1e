package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.eval.Metrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One point of a training curve: the model after {@code epoch} epochs, scored on the test split.
 *
 * @param epoch epochs done (1-based)
 * @param trainLoss the mean batch loss over the epoch's steps (the head's own softmax); NaN where
 *     the run does not expose it (the encrypted run computes its loss on ciphertexts)
 * @param testLoss the cross-entropy of the exact softmax of the logits on the test split
 * @param test accuracy, balanced accuracy and AUC on the test split
 */
public record EpochMetrics(int epoch, double trainLoss, double testLoss, Metrics test) {

  /** The point as the report's JSON writes it (a NaN loss becomes null there). */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("train_loss", trainLoss);
    m.put("test_loss", testLoss);
    m.put("accuracy", test.accuracy());
    m.put("balanced_accuracy", test.balancedAccuracy());
    m.put("auc", test.auc());
    return m;
  }
}
