package io.blindtuner.pipeline.cli;

import static io.blindtuner.pipeline.cli.CliFixture.data;
import static io.blindtuner.pipeline.cli.CliFixture.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.pipeline.cli.CliFixture.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad options of {@code edge}, the streaming ones included, are refused naming the option before
 * any work.
 */
class EdgeOptionsTest {
  @TempDir Path dir;

  private static Run edge(String... extra) {
    List<String> args =
        new ArrayList<>(List.of("edge", "--dataset", "breastmnist", "--data", data().toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private static void refused(Run r, String message) {
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("edge: ").contains(message);
  }

  @Test
  void eachOptionIsNamedAlone() throws Exception {
    refused(edge("--epochs", "0"), "--epochs must be at least 1, got 0");
    refused(edge("--batch", "-1"), "--batch must be at least 1");
    refused(edge("--lr", "0"), "--lr must be a positive number");
    Path inbox = dir.resolve("inbox");
    refused(
        edge("--watch", inbox.toString(), "--window", "32"),
        "--window 32 is less than one --batch (64)");
    refused(
        edge("--watch", inbox.toString(), "--version-every", "0"),
        "--version-every must be >= 1, got 0");
    refused(
        edge("--watch", inbox.toString(), "--versions", "-2"), "--versions must be >= 0, got -2");
    refused(
        edge("--watch", inbox.toString(), "--poll-seconds", "0"),
        "--poll-seconds must be at least 1");
    Path file = Files.writeString(dir.resolve("f"), "x");
    refused(edge("--watch", file.toString()), "--watch " + file + " is a file, not a folder");
    refused(
        edge("--watch", inbox.toString(), "--job-id", "x".repeat(49)), "is too long for --watch");
    Path shortPhrase = Files.writeString(dir.resolve("phrase"), "too short\n");
    refused(
        edge("--key-passphrase-file", shortPhrase.toString()),
        "passphrase file " + shortPhrase + " holds 9 characters; a key file needs at least 12");
    refused(
        edge("--key-passphrase-file", dir.resolve("none").toString()), "no such passphrase file");
    refused(
        edge("--key-passphrase-env", "BLINDTUNER_TEST_UNSET_VARIABLE"),
        "environment variable BLINDTUNER_TEST_UNSET_VARIABLE (the key file's passphrase) is not set");
    refused(
        edge("--key-passphrase-file", shortPhrase.toString(), "--key-passphrase-env", "X"),
        "--key-passphrase-file and --key-passphrase-env: give one");
  }
}
