package io.blindtuner.he.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs the node-seal (SEAL 4.1.2 in WebAssembly, Node 22) scripts of tools/node-seal/interop. The
 * build installs node-seal (exec step in he-runtime's pom); install.sh is a no-op then and prints
 * the node binary.
 */
final class NodeSeal {
  private static String node;

  private NodeSeal() {}

  static Path root() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("tools/node-seal/interop"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "tools/node-seal/interop not found above " + System.getProperty("user.dir"));
    }
    return p;
  }

  static synchronized String node() {
    if (node == null) {
      List<String> out =
          run(List.of("bash", root().resolve("tools/node-seal/install.sh").toString()), 120);
      node = out.get(out.size() - 1).trim();
    }
    return node;
  }

  /**
   * A fixture set written by make-fixtures.mjs, created once per build under target/seal-fixtures.
   */
  static Fixture fixture(String name, int n, String bits, int logScale, String steps) {
    Path dir = root().resolve("he-runtime/target/seal-fixtures");
    Path set = dir.resolve(name);
    Path stamp = set.resolve("args.txt");
    try {
      // Regenerate when the arguments or the script change (a stale target/ keeps old fixtures
      // otherwise).
      String args = n + " " + bits + " " + logScale + " " + steps + " " + scriptHash();
      if (!Files.exists(stamp) || !Files.readString(stamp).equals(args)) {
        Files.createDirectories(dir);
        run(
            List.of(
                node(),
                script("make-fixtures.mjs"),
                dir.toString(),
                name,
                String.valueOf(n),
                bits,
                String.valueOf(logScale),
                steps),
            600);
        Files.writeString(stamp, args);
      }
      return new Fixture(set);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs check.mjs on the given tasks (JSON) and returns task/op -> max absolute error.
   *
   * @throws AssertionError if node-seal reports an error for any task
   */
  static Map<String, Double> check(Path work, String tasksJson) {
    try {
      Path tasks = work.resolve("tasks.json");
      Files.writeString(tasks, tasksJson);
      Map<String, Double> errors = new LinkedHashMap<>();
      List<String> failures = new ArrayList<>();
      for (String line : run(List.of(node(), script("check.mjs"), tasks.toString()), 600)) {
        String[] f = line.split("\t");
        if (f[0].equals("RESULT")) {
          errors.put(f[1] + "/" + f[2], Double.parseDouble(f[3]));
        } else if (f[0].equals("ERROR")) {
          failures.add(f[1] + ": " + f[2]);
        }
      }
      if (!failures.isEmpty()) {
        throw new AssertionError("node-seal rejected Java objects: " + failures);
      }
      return errors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bits of precision: -log2(max absolute error). */
  static double bits(double maxError) {
    return -Math.log(maxError) / Math.log(2);
  }

  static String json(double[] v) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.17g", v[i]));
    }
    return b.append(']').toString();
  }

  static String json(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String scriptHash() throws IOException {
    return Integer.toHexString(
        Arrays.hashCode(Files.readAllBytes(Path.of(script("make-fixtures.mjs")))));
  }

  private static String script(String name) {
    return root().resolve("tools/node-seal/interop").resolve(name).toString();
  }

  private static List<String> run(List<String> cmd, int timeoutSeconds) {
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "exit " + p.exitValue() + ": " + cmd + "\n" + new String(out, StandardCharsets.UTF_8));
      }
      return Arrays.asList(new String(out, StandardCharsets.UTF_8).split("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A directory written by make-fixtures.mjs. */
  record Fixture(Path dir) {
    byte[] bytes(String file) {
      try {
        return Files.readAllBytes(dir.resolve(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Path path(String file) {
      return dir.resolve(file);
    }

    Properties manifest() {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(dir.resolve("manifest.properties"))) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return p;
    }

    double[] values(String name) {
      ByteBuffer b = ByteBuffer.wrap(bytes(name + ".f64")).order(ByteOrder.LITTLE_ENDIAN);
      double[] v = new double[b.remaining() / 8];
      b.asDoubleBuffer().get(v);
      return v;
    }

    double scale() {
      return Double.parseDouble(manifest().getProperty("scale"));
    }

    int[] steps() {
      return Arrays.stream(manifest().getProperty("steps").split(","))
          .mapToInt(Integer::parseInt)
          .toArray();
    }

    SealEncryptionParameters params() {
      return SealEncryptionParameters.load(bytes("params.bin"));
    }
  }
}
