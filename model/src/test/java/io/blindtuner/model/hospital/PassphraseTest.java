package io.blindtuner.model.hospital;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassphraseTest {
  @TempDir Path dir;

  private Path file(byte[] content) throws IOException {
    return Files.write(dir.resolve("passphrase"), content);
  }

  @Test
  void readsAFileWithoutOneTrailingNewline() throws IOException {
    for (String written :
        new String[] {"  grüne Wiese 42 \n", "  grüne Wiese 42 \r\n", "  grüne Wiese 42 "}) {
      try (Passphrase p = Passphrase.fromFile(file(written.getBytes(StandardCharsets.UTF_8)))) {
        assertThat(new String(p.chars())).as(written).isEqualTo("  grüne Wiese 42 ");
        assertThat(p.source()).isEqualTo("passphrase file " + dir.resolve("passphrase"));
        assertThat(p.toString()).doesNotContain("Wiese");
      }
    }
    try (Passphrase p = Passphrase.fromFile(file("two\n\n".getBytes(StandardCharsets.UTF_8)))) {
      assertThat(new String(p.chars())).isEqualTo("two\n");
    }
  }

  @Test
  void closeWipesTheCharacters() throws IOException {
    Passphrase p =
        Passphrase.fromFile(file("correct horse battery staple".getBytes(StandardCharsets.UTF_8)));
    char[] live = p.chars();
    p.close();
    assertThat(live).containsOnly('\0');
  }

  @Test
  void refusesMissingEmptyOversizedAndNonUtf8FilesNamingThem() throws IOException {
    assertThatThrownBy(() -> Passphrase.fromFile(dir.resolve("none")))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("none");
    Path empty = file("\n".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Passphrase.fromFile(empty))
        .isInstanceOf(KeyFileException.class)
        .hasMessage("passphrase file " + empty + " is empty");
    Path big = file(new byte[Passphrase.MAX_FILE_BYTES + 1]);
    assertThatThrownBy(() -> Passphrase.fromFile(big))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(big.toString())
        .hasMessageContaining("4097 bytes, more than the 4096");
    Path latin1 = file(new byte[] {'p', (byte) 0xe4, 's', 's'});
    assertThatThrownBy(() -> Passphrase.fromFile(latin1))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(latin1.toString())
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void readsAnEnvironmentVariableAndNamesAnUnsetOne() throws KeyFileException {
    String name =
        System.getenv().keySet().stream()
            .filter(k -> !System.getenv(k).isEmpty())
            .findFirst()
            .orElseThrow();
    try (Passphrase p = Passphrase.fromEnvironment(name)) {
      assertThat(new String(p.chars())).isEqualTo(System.getenv(name));
      assertThat(p.source()).isEqualTo("environment variable " + name);
    }
    String unset = "BLINDTUNER_TEST_UNSET_" + System.nanoTime();
    assertThatThrownBy(() -> Passphrase.fromEnvironment(unset))
        .isInstanceOf(KeyFileException.class)
        .hasMessage("environment variable " + unset + " (the key file's passphrase) is not set");
  }
}
