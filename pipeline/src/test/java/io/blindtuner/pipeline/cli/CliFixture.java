package io.blindtuner.pipeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** What the CLI tests share: running the real command line in-process, and the shared MedMNIST folder. */
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

  /** The shared MedMNIST folder, from the module directory or the project root. */
  public static Path data() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path p : new Path[] {cwd.resolve("../../shared/data"), cwd.resolve("../shared/data")}) {
      if (Files.isRegularFile(p.resolve("breastmnist.npz"))) {
        return p.normalize();
      }
    }
    throw new IllegalStateException("shared MedMNIST data missing: expected ../shared/data from the project root"
        + " (looked from " + cwd + ")");
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
