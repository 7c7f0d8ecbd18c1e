package io.blindtuner.pipeline.hospital;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.plain.PlainTrainer;
import io.blindtuner.pipeline.hospital.TrainingListener.Phase;
import io.blindtuner.vision.features.FeatureSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainingServiceTest {
  static final TrainingConfig CONFIG = new TrainingConfig(3, 16, 0.1, 0.1, 0.9, 1e-3, 7);

  /** Two classes of 8 tokens of 24 values whose first value carries the class, plus noise. */
  static TrainingData data() {
    return new TrainingData(
        "synthetic",
        features("train", 96, 1),
        features("test", 40, 2),
        2,
        "synthetic tokens",
        "synthetic",
        null,
        TrainingData.numberedClasses(2));
  }

  static FeatureSet features(String split, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int tokens = 8;
    int dim = 24;
    float[] v = new float[n * tokens * dim];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(2);
      for (int t = 0; t < tokens; t++) {
        for (int j = 0; j < dim; j++) {
          v[(i * tokens + t) * dim + j] =
              (float) (r.nextGaussian() + (j == t ? 2 * labels[i] - 1 : 0));
        }
      }
    }
    return new FeatureSet(split, n, tokens, dim, v, labels);
  }

  @Test
  void reportsEachEpochAndTheListenerSeesEveryStep() {
    TrainingService service = new TrainingService(ConfigFactory.load());
    PreparedTraining job = service.prepare(new TrainingRequest(data(), 8, 8, 3, CONFIG, null));
    assertThat(job.tokens().pca()).isNotNull();
    assertThat(job.steps()).isEqualTo(3 * (96 / 16));
    List<String> events = new ArrayList<>();
    TrainingResult r =
        service.train(
            job,
            new TrainingListener() {
              @Override
              public void started(Phase phase, int steps) {
                events.add("start " + phase + " " + steps);
              }

              @Override
              public void stepped(Phase phase) {
                events.add("step " + phase);
              }

              @Override
              public void finished(Phase phase) {
                events.add("end " + phase);
              }
            });
    assertThat(events)
        .startsWith("start FLOAT 18")
        .contains("end FLOAT", "start TWIN 18")
        .endsWith("end TWIN");
    assertThat(events.stream().filter(e -> e.equals("step TWIN"))).hasSize(18);
    TrainingReport rep = r.report();
    assertThat(rep.twinHistory()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
    assertThat(rep.floatHistory()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3);
    assertThat(rep.twinHistory().get(2).test()).isEqualTo(rep.twinMetrics());
    assertThat(rep.floatHistory().get(2).test()).isEqualTo(rep.floatMetrics());
    assertThat(rep.encryptedHistory()).isEmpty();
    assertThat(rep.encrypted()).isNull();
    // the service trains exactly what PlainTrainer trains from the same tokens
    assertThat(r.twinParameters().flatten())
        .containsExactly(
            new PlainTrainer(CONFIG)
                .train(job.shape(), HeadFunctions.polynomial(2), job.train(), s -> {})
                .flatten());
    // each epoch's train loss is the mean of its batches' losses: recompute the first epoch's
    double[] sum = new double[1];
    new PlainTrainer(CONFIG)
        .train(
            job.shape(),
            HeadFunctions.polynomial(2),
            job.train(),
            (s, loss, p) -> {
              if (s < 6) {
                sum[0] += loss;
              }
            });
    assertThat(rep.twinHistory().get(0).trainLoss()).isEqualTo(sum[0] / 6);
    Map<String, Object> json = rep.toJson();
    assertThat(json.keySet())
        .startsWith(
            "dataset",
            "tokens_source",
            "featurizer",
            "token_reduction",
            "train_images",
            "test_images",
            "classes",
            "tokens",
            "dim",
            "hidden",
            "epochs",
            "batch",
            "steps",
            "learning_rate",
            "momentum",
            "weight_decay",
            "range_penalty",
            "class_balanced",
            "clip",
            "seed",
            "attention",
            "activation",
            "softmax",
            "float_accuracy",
            "float_balanced_accuracy",
            "float_auc",
            "twin_accuracy",
            "twin_balanced_accuracy",
            "twin_auc",
            "domain_seen",
            "domain_warnings",
            "total_seconds");
    assertThat(json).containsKeys("history", "phase_seconds");
  }

  @Test
  void prepareRefusesWhatTheDataCannotCarryNamingTheOption() {
    TrainingService service = new TrainingService(ConfigFactory.load());
    assertThatThrownBy(() -> service.prepare(new TrainingRequest(data(), 32, 8, 3, CONFIG, null)))
        .hasMessage("--dim 32 is more than the 24 values the tokens have");
    TrainingConfig big = new TrainingConfig(1, 128, 0.1, 0.1, 0.9, 1e-3, 7);
    assertThatThrownBy(() -> service.prepare(new TrainingRequest(data(), 8, 8, 3, big, null)))
        .hasMessage("--batch 128 is more than the 96 training images");
    EncryptionSettings shallow =
        new EncryptionSettings(
            16384,
            new int[] {60, 40, 60},
            0,
            new int[0],
            EncryptionSettings.Pipeline.sequential,
            1);
    assertThatThrownBy(() -> service.prepare(new TrainingRequest(data(), 8, 8, 3, CONFIG, shallow)))
        .hasMessageStartingWith(
            "--batch 16 --dim 8 --hidden 8 --poly-degree 16384 --coeff-bits 60,40,60"
                + " --key-switching seal cannot run encrypted: ");
    assertThatThrownBy(
            () ->
                new EncryptionSettings(
                    16384,
                    new int[] {60, 60},
                    0,
                    new int[0],
                    EncryptionSettings.Pipeline.overlapped,
                    0))
        .hasMessage("--threads must be in 1.." + EncryptionSettings.MAX_THREADS + ", got 0");
    assertThatThrownBy(() -> new TrainingRequest(data(), 8, 0, 3, CONFIG, null))
        .hasMessage("--hidden must be >= 1, got 0");
  }
}
