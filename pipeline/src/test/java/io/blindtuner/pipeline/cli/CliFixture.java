package io.blindtuner.pipeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * What the CLI tests share: running the real command line in-process, and the shared MedMNIST
 * folder.
 */
public final class CliFixture {
  private CliFixture() {}

  /** Exit code and everything the command printed. */
  record Run(int code, String out, String err) {}

  /** Runs {@code blindtuner ARGS} in-process and captures its output. */
  static Run run(String... args) {
    CommandLine cl = BlindtunerCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * The shared MedMNIST folder: {@code shared/data} beside the project root or beside any folder
   * above it (a git worktree nests deeper than the main checkout), found walking up from the module
   * directory.
   */
  public static Path data() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path p = cwd; p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/data");
      if (Files.isRegularFile(candidate.resolve("breastmnist.npz"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "shared MedMNIST data missing: expected ../shared/data from the project root"
            + " (looked above "
            + cwd
            + ")");
  }

  /** How many pixels of the image have exactly the colour rgb. */
  static int pixels(java.awt.image.BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        n += (img.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff) ? 1 : 0;
      }
    }
    return n;
  }
}
