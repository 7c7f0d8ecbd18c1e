package io.blindtuner.pipeline.cli;

import static io.blindtuner.pipeline.cli.CliFixture.data;
import static io.blindtuner.pipeline.cli.CliFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.pipeline.cli.CliFixture.Run;
import io.blindtuner.vision.data.MedMnistDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir Path dir;

  private static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(-?[0-9.eE+-]+)").matcher(json);
    assertThat(m.find()).as("report field " + key).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /**
   * A CI-sized slice that must beat chance: 512 PneumoniaMNIST training images, 3 epochs, scored on
   * the whole test split. Under random scores the AUC is about normal around 0.5 with deviation
   * sqrt((n0 + n1 + 1) / (12 n0 n1)) (Hanley and McNeil; 0.024 for the 234 + 390 test images): both
   * heads must beat 0.5 by five such deviations (measured 0.92 with PneumoniaMNIST's own dictionary
   * of 128 centroids of 8 x 8 patches, 0.83 with 64 of 6 x 6).
   */
  @Test
  void theTwinAndTheFloatReferenceBeatChanceOnASlice() throws IOException {
    Path report = dir.resolve("r.json");
    Run r =
        run(
            "train",
            "--dataset",
            "pneumoniamnist",
            "--data",
            data().toString(),
            "--limit-train",
            "512",
            "--epochs",
            "3",
            "--report",
            report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    // PneumoniaMNIST's own default width, position code and dictionary (DatasetDefaults), chosen
    // on its val split
    assertThat(r.out())
        .contains("float reference")
        .contains("plaintext twin")
        .contains("128 centroids of 8x8x1 whitened patches")
        .contains("T=16 tokens of 64 values (PCA 128 -> 60")
        .contains("+ 4 position values")
        .contains("pneumoniamnist's own");
    String json = Files.readString(report);
    assertThat(number(json, "steps")).isEqualTo(3 * 512 / 32);
    // the defaults chosen on val: the range penalty and the class-balanced order
    assertThat(number(json, "range_penalty")).isEqualTo(0.1);
    assertThat(json).contains("\"class_balanced\": true");
    int[] labels =
        MedMnistDataset.load(data().resolve("pneumoniamnist.npz"), "pneumoniamnist")
            .test()
            .labels();
    long n1 = Arrays.stream(labels).filter(l -> l == 1).count();
    long n0 = labels.length - n1;
    assertThat(number(json, "test_images")).isEqualTo(labels.length);
    double sigma = Math.sqrt((n0 + n1 + 1) / (12.0 * n0 * n1));
    assertThat(number(json, "twin_auc")).isGreaterThan(0.5 + 5 * sigma);
    assertThat(number(json, "float_auc")).isGreaterThan(0.5 + 5 * sigma);
  }

  /** An option given on the command line wins over the data set's own default. */
  @Test
  void anOptionGivenOverridesTheDataSetsDefault() throws IOException {
    Path report = dir.resolve("o.json");
    Run r =
        run(
            "train",
            "--dataset",
            "retinamnist",
            "--data",
            data().toString(),
            "--limit-train",
            "64",
            "--epochs",
            "1",
            "--range-penalty",
            "0.05",
            "--report",
            report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    // RetinaMNIST's own width is the general 16; its penalty (0.2) and epochs (30) are overridden
    assertThat(r.out()).contains("PCA 64 -> 16").contains("retinamnist's own");
    String json = Files.readString(report);
    assertThat(number(json, "range_penalty")).isEqualTo(0.05);
    assertThat(number(json, "steps")).isEqualTo(2);
  }

  /**
   * Two encrypted steps at the real 128-bit parameter set (N = 16384) on a slice of BreastMNIST.
   * The encrypted parameters must equal the twin's to within 2^-12: each stage is within 2^-12 of
   * the twin (EncryptedStagesTest, measured 2^-25), and two updates with lr 0.1 and momentum 0.9
   * scale a gradient error by at most 2 * 0.1 * 1.9.
   */
  @Test
  void encryptedRunOnASliceTracksTheTwin() throws IOException {
    Path report = dir.resolve("enc.json");
    Run r =
        run(
            "train",
            "--dataset",
            "breastmnist",
            "--data",
            data().toString(),
            "--limit-train",
            "64",
            "--epochs",
            "1",
            "--grid",
            "8",
            "--hidden",
            "32",
            "--encrypted",
            "--report",
            report.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("encrypted (CKKS)").contains("N=16384");
    String json = Files.readString(report);
    // the training default: hybrid key switching, the special primes counted in the 128-bit bound
    // below
    assertThat(json)
        .contains(
            "\"key_switching\": \"hybrid[digits=q0..q1,q2..q3,q4..q5,q6..q7, special primes=2]\"");
    assertThat(number(json, "steps")).isEqualTo(2);
    assertThat(number(json, "poly_modulus_degree")).isEqualTo(16384);
    // 128-bit security is the HE standard's bound on the modulus for the ring, not the constant the
    // report writes
    assertThat(number(json, "total_modulus_bits"))
        .isLessThanOrEqualTo(CkksParameters.maxSecureBits(16384));
    assertThat(number(json, "security_bits")).isEqualTo(128);
    // plus the flooding of the released parameters (IND-CPA-D), kept within 6 deviations
    assertThat(number(json, "encrypted_vs_twin_max_parameter_diff"))
        .isLessThan(0x1p-12 + 6 * number(json, "release_flooding_sigma"));
    assertThat(Math.abs(number(json, "encrypted_accuracy") - number(json, "twin_accuracy")))
        .isLessThanOrEqualTo(1.0 / 156);
    // an 8 x 8 grid: T = 64 tokens of 16 values, 8 images per ciphertext, so four micro-batches
    // per 32-image step, four refreshes each, and the weights' three parts before the second step
    assertThat(r.out()).contains("T=64 tokens of 16 values").contains("MLP 16 -> 32 -> 2");
    assertThat(number(json, "micro_batches_per_step")).isEqualTo(4);
    assertThat(number(json, "refreshes_per_step")).isEqualTo((2 * 4 * 4 + 3) / 2.0);
    assertThat(number(json, "rotations_per_step")).isPositive();
    assertThat(number(json, "bytes_to_cloud")).isPositive();
    assertThat(number(json, "seconds_per_step")).isPositive();
  }

  @Test
  void trainsOnATokenFileFromFeaturize() throws IOException {
    Path tokens = dir.resolve("breast.tokens");
    Run f =
        run(
            "featurize",
            "--dataset",
            "breastmnist",
            "--data",
            data().toString(),
            "--pca",
            "16",
            "--out",
            tokens.toString());
    assertThat(f.code()).as(f.err()).isZero();
    Run r =
        run(
            "train",
            "--dataset",
            "breastmnist",
            "--tokens",
            tokens.toString(),
            "--limit-train",
            "96",
            "--epochs",
            "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("train 96 / test 156")
        .contains("(none)")
        .contains("plaintext twin");
    Run wrong = run("train", "--dataset", "pneumoniamnist", "--tokens", tokens.toString());
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.err()).contains("holds breastmnist, not pneumoniamnist");
  }

  @Test
  void rejectsABatchThatDoesNotMatchThePacking() {
    Run r =
        run(
            "train",
            "--dataset",
            "breastmnist",
            "--data",
            data().toString(),
            "--limit-train",
            "64",
            "--epochs",
            "1",
            "--batch",
            "16",
            "--encrypted");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("batch size 16 must be a multiple of the 32 images one ciphertext packs");
  }

  @Test
  void needsExactlyOneTokenSource() {
    Run r = run("train", "--dataset", "breastmnist");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("give exactly one of --data");
  }
}
