package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.eval.DomainReport;
import io.blindtuner.model.eval.Metrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link TrainingService#train} found: the setup, each run's test metrics and per-epoch
 * history, the twin's domain report, the encrypted run's facts and the timings.
 *
 * @param dataset the data set name
 * @param tokensSource where the tokens came from
 * @param featurizer the featurizer's name
 * @param tokenReduction what the PCA did
 * @param trainImages training images
 * @param testImages test images
 * @param shape the head
 * @param config the hyper-parameters
 * @param steps optimizer steps per run
 * @param clip the token clip
 * @param attention the polynomial head's attention kernel
 * @param activation the polynomial head's activation
 * @param softmax the polynomial head's softmax
 * @param floatMetrics the float reference on the test split
 * @param twinMetrics the plaintext twin on the test split
 * @param domain what the twin's inputs to its approximations spanned on the train split
 * @param domainWarnings {@link DomainReport#warnings}: each polynomial whose fitted domain those
 *     inputs left
 * @param encrypted the encrypted run; null without one
 * @param floatHistory the float reference after every epoch
 * @param twinHistory the twin after every epoch
 * @param encryptedHistory the encrypted run at its end (its weights stay encrypted until then);
 *     empty without one
 * @param floatSeconds wall time of the float run
 * @param twinSeconds wall time of the twin run
 * @param encryptedSeconds wall time of the encrypted run (key generation, encryption, steps,
 *     decryption); 0 without
 * @param totalSeconds wall time from preparation to the end
 */
public record TrainingReport(
    String dataset,
    String tokensSource,
    String featurizer,
    String tokenReduction,
    int trainImages,
    int testImages,
    HeadShape shape,
    TrainingConfig config,
    int steps,
    double clip,
    String attention,
    String activation,
    String softmax,
    Metrics floatMetrics,
    Metrics twinMetrics,
    DomainReport domain,
    List<String> domainWarnings,
    EncryptedRunFacts encrypted,
    List<EpochMetrics> floatHistory,
    List<EpochMetrics> twinHistory,
    List<EpochMetrics> encryptedHistory,
    double floatSeconds,
    double twinSeconds,
    double encryptedSeconds,
    double totalSeconds) {

  public TrainingReport {
    domainWarnings = List.copyOf(domainWarnings);
    floatHistory = List.copyOf(floatHistory);
    twinHistory = List.copyOf(twinHistory);
    encryptedHistory = List.copyOf(encryptedHistory);
  }

  /**
   * The report as {@code train --report} writes it (JSON field names and order are part of the
   * interface).
   */
  public Map<String, Object> toJson() {
    Map<String, Object> rep = new LinkedHashMap<>();
    rep.put("dataset", dataset);
    rep.put("tokens_source", tokensSource);
    rep.put("featurizer", featurizer);
    rep.put("token_reduction", tokenReduction);
    rep.put("train_images", trainImages);
    rep.put("test_images", testImages);
    rep.put("classes", shape.classes());
    rep.put("tokens", shape.tokens());
    rep.put("dim", shape.dim());
    rep.put("hidden", shape.hidden());
    rep.put("epochs", config.epochs());
    rep.put("batch", config.batchSize());
    rep.put("steps", steps);
    rep.put("learning_rate", config.learningRate());
    rep.put("momentum", config.momentum());
    rep.put("weight_decay", config.weightDecay());
    rep.put("range_penalty", config.rangePenalty());
    rep.put("class_balanced", config.classBalanced());
    rep.put("clip", clip);
    rep.put("seed", config.seed());
    rep.put("attention", attention);
    rep.put("activation", activation);
    rep.put("softmax", softmax);
    put(rep, "float", floatMetrics);
    put(rep, "twin", twinMetrics);
    rep.put(
        "domain_seen",
        Map.of(
            "max_abs_centred_score",
            domain.maxScore(),
            "attention_weight_max_error",
            domain.attentionWeightError(),
            "max_abs_preactivation",
            domain.maxPreActivation(),
            "gelu_max_error",
            domain.geluError(),
            "max_abs_centred_logit",
            domain.maxLogit(),
            "softmax_max_error",
            domain.softmaxError()));
    rep.put("domain_warnings", domainWarnings);
    if (encrypted != null) {
      encrypted.putInto(rep, twinMetrics);
    }
    rep.put("total_seconds", totalSeconds);
    rep.put("final_learning_rate_fraction", config.finalFraction());
    Map<String, Object> seconds = new LinkedHashMap<>();
    seconds.put("float", floatSeconds);
    seconds.put("twin", twinSeconds);
    if (encrypted != null) {
      seconds.put("encrypted", encryptedSeconds);
    }
    rep.put("phase_seconds", seconds);
    Map<String, Object> history = new LinkedHashMap<>();
    history.put("float", floatHistory.stream().map(EpochMetrics::toJson).toList());
    history.put("twin", twinHistory.stream().map(EpochMetrics::toJson).toList());
    if (encrypted != null) {
      history.put("encrypted", encryptedHistory.stream().map(EpochMetrics::toJson).toList());
    }
    rep.put("history", history);
    return rep;
  }

  /** Records {@code model_accuracy}, {@code model_balanced_accuracy} and {@code model_auc}. */
  public static void put(Map<String, Object> rep, String model, Metrics m) {
    rep.put(model + "_accuracy", m.accuracy());
    rep.put(model + "_balanced_accuracy", m.balancedAccuracy());
    rep.put(model + "_auc", m.auc());
  }
}
