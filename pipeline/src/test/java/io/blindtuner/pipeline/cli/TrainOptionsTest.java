package io.blindtuner.pipeline.cli;

import static io.blindtuner.pipeline.cli.CliFixture.data;
import static io.blindtuner.pipeline.cli.CliFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.pipeline.cli.CliFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad option of {@code train} is refused before any training or key generation, with one line
 * naming the option (and the file); nothing is printed on stdout, since the setup header comes only
 * after preparation.
 */
class TrainOptionsTest {
  @TempDir Path dir;

  private static Run train(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--dataset",
                "breastmnist",
                "--data",
                data().toString(),
                "--limit-train",
                "64",
                "--epochs",
                "1"));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private static Run onTokens(Path tokens, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of("train", "--dataset", "breastmnist", "--tokens", tokens.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private static void refused(Run r, String... parts) {
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).as("nothing prepared or trained").isEmpty();
    assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).startsWith("train: ");
    for (String p : parts) {
      assertThat(r.err()).contains(p);
    }
  }

  @Test
  void eachNumericOptionIsNamedAlone() {
    refused(train("--epochs", "0"), "--epochs must be at least 1, got 0");
    refused(train("--batch", "-3"), "--batch must be at least 1, got -3");
    refused(train("--hidden", "0"), "--hidden must be at least 1");
    refused(train("--dim", "0"), "--dim must be at least 1");
    refused(train("--grid", "0"), "--grid must be at least 1");
    refused(
        train("--positions", "3"), "--positions: position code values must be 0, 2 or 4, got 3");
    refused(
        train("--dim", "4", "--positions", "4"),
        "--positions 4 leaves no room in --dim 4 for the features");
    refused(train("--threads", "0"), "--threads must be at least 1");
    refused(train("--limit-train", "0"), "--limit-train must be at least 1");
    refused(train("--lr", "0"), "--lr must be a positive number");
    refused(train("--momentum", "1"), "--momentum must be in [0.0, 0.999]");
    refused(train("--final-lr", "1.5"), "--final-lr must be in [0.0, 1.0]");
    refused(train("--range-penalty", "-0.5"), "--range-penalty must be in [0.0, 10.0]");
    refused(train("--clip", "NaN"), "--clip must be a positive number");
    refused(
        train("--key-switching", "hybrid"),
        "--key-switching must be 'seal' or DIGITS:BITS,BITS... (e.g. 4:49,49)," + " got hybrid");
  }

  @Test
  void sizesThatOnlyTheDataCanConfirmAreRefusedBeforeTraining() {
    // BreastMNIST's own featurizer stacks the dictionary's 64 values and the scattering's 217
    refused(train("--dim", "300"), "--dim 300 is more than the 281 values the tokens have");
    refused(
        train("--featurizer", "patch", "--dim", "64"),
        "--dim 64 is more than the 51 values the tokens have");
    refused(train("--batch", "128"), "--batch 128 is more than the 64 training images");
    // the default 4 x 4 grid packs 32 images per ciphertext, an 8 x 8 one 8
    refused(
        train("--batch", "16", "--encrypted"), "--batch 16", "must be a multiple of the 32 images");
    refused(
        train("--grid", "8", "--batch", "12", "--encrypted"),
        "--batch 12",
        "must be a multiple of the 8 images");
    refused(train("--grid", "24"), "--grid 24: k-means featurizer grid 24 must be in 1..23");
    refused(
        train("--featurizer", "patch", "--grid", "8"),
        "--grid 8: grid 8 does not divide the 28x28 images");
    refused(
        train("--encrypted", "--key-switching", "4:60,60"),
        "--key-switching 4:60,60",
        "log2(QP) = 460 exceeds the HE-standard 128-bit bound 438");
    refused(
        train("--encrypted", "--key-switching", "9:49,49"), "--key-switching 9:49,49", "digits");
    refused(
        train("--encrypted", "--coeff-bits", "60,60,60,60,60,60,60,60,60"),
        "--poly-degree 16384",
        "--coeff-bits 60,60,60,60,60,60,60,60,60",
        "128-bit bound");
    refused(
        train("--encrypted", "--coeff-bits", "60,40,60"),
        "--coeff-bits 60,40,60 --key-switching 4:49,49",
        "key switching needs between 1 and 2 digits (the number of data primes), got 4");
    refused(
        train("--encrypted", "--coeff-bits", "60,40,60", "--key-switching", "seal"),
        "cannot run encrypted",
        "--coeff-bits 60,40,60 --key-switching seal");
    refused(
        train("--class-names", "benign"), "--class-names gives 1 names, the data has 2 classes");
  }

  @Test
  void theDictionarySizeIsRefusedWhereNoDictionaryIsLearnedOrItCannotBe() {
    refused(train("--centroids", "0"), "--centroids must be in 1..512, got 0");
    refused(train("--centroids", "513"), "--centroids must be in 1..512, got 513");
    refused(train("--patch-size", "17"), "--patch-size must be in 1..16, got 17");
    refused(
        train("--featurizer", "scattering", "--centroids", "128"),
        "--centroids applies to the k-means featurizers (kmeans, kmeans_scattering), not"
            + " scattering");
    refused(
        train("--featurizer", "patch", "--patch-size", "8"),
        "--patch-size applies to the k-means featurizers");
    // BreastMNIST positions its tokens with 2 values
    refused(
        train("--featurizer", "kmeans", "--centroids", "32", "--dim", "64"),
        "--centroids 32 gives tokens of 32 values, fewer than the 62 that --dim 64 less"
            + " --positions 2 asks for");
    refused(
        train("--featurizer", "kmeans", "--dim", "128"),
        "--centroids 64 gives tokens of 64 values, fewer than the 126 that --dim 128 less"
            + " --positions 2 asks for");
    refused(
        train("--featurizer", "kmeans", "--centroids", "32", "--dim", "40", "--positions", "4"),
        "--centroids 32 gives tokens of 32 values, fewer than the 36 that --dim 40 less"
            + " --positions 4 asks for");
    // 8 x 8 patches leave a 21 x 21 activation map
    refused(
        train("--patch-size", "8", "--grid", "22"),
        "--grid 22: k-means featurizer grid 22 must be in 1..21");
    refused(
        onTokens(data().resolve("absent.tokens"), "--centroids", "128"),
        "--centroids applies to --data");
  }

  @Test
  void filesAreNamedWithTheOptionAndThePath() throws IOException {
    Path missing = dir.resolve("nope.tokens");
    refused(onTokens(missing), "--tokens " + missing, "no such file");
    refused(onTokens(dir), "--tokens " + dir, "is a directory");
    refused(onTokens(missing, "--grid", "4"), "--grid applies to --data");
    refused(train("--report", dir.toString()), "--report " + dir, "is a directory");
    Path file = Files.writeString(dir.resolve("plain"), "x");
    refused(
        train("--plot", file.resolve("p.png").toString()),
        "--plot",
        file + " is a file, not a folder");
    Path model = Files.writeString(dir.resolve("m.model"), "x");
    refused(train("--save-model", model.toString()), "--save-model " + model, "already exists");
    refused(
        run("train", "--dataset", "breastmnist", "--data", missing.toString()),
        "no such data file: " + missing);
    refused(onTokens(file, "--featurizer", "patch"), "--featurizer applies to --data");
  }

  @Test
  void unparseableCommandLinesGetTheErrorAndAHintNotTheUsage() {
    Run unknown = train("--epoch", "3");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err().lines().toList()).hasSize(2);
    assertThat(unknown.err())
        .contains("train: Unknown options: '--epoch', '3'")
        .contains("Try 'blindtuner train --help' for the options.")
        .doesNotContain("Usage");
    Run unknownFeaturizer = train("--featurizer", "deit");
    assertThat(unknownFeaturizer.code()).isEqualTo(2);
    assertThat(unknownFeaturizer.err())
        .contains("--featurizer")
        .contains("deit")
        .contains("patch, kmeans")
        .doesNotContain("Usage");
    Run notANumber = train("--epochs", "three");
    assertThat(notANumber.code()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--epochs").contains("three").doesNotContain("Usage");
  }

  @Test
  void aMissingFileExitsWithOneInEveryCommand() {
    Path missing = dir.resolve("absent.seal");
    Run seal = run("seal", "inspect", missing.toString());
    assertThat(seal.code()).isEqualTo(1);
    assertThat(seal.err()).contains("cannot read SEAL file " + missing).doesNotContain("Usage");
    Run predict = run("predict", "--model", missing.toString(), "--data", data().toString());
    assertThat(predict.code()).isEqualTo(1);
    assertThat(predict.err()).contains("--model " + missing + ": no such file");
  }
}
