package io.blindtuner.bench.he;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference engine in a child process: node-seal (SEAL 4.1.2 in WebAssembly) running
 * bench/node/seal-bench.js in serve mode, or any program speaking the same protocol (such as a
 * native SEAL server): we ask it to time one op a few times, between our own measurements, so both
 * engines are measured under the same load of a shared machine. One JSON request and one JSON
 * answer per line.
 */
public final class SealProcess implements AutoCloseable {
  private static final Pattern MS = Pattern.compile("\"ms\":\\[([^\\]]*)\\]");
  private static final Pattern OPS = Pattern.compile("\"ops\":\\[([^\\]]*)\\]");
  private static final Pattern ERROR = Pattern.compile("\"error\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final Process process;
  private final Writer in;
  private final BufferedReader out;

  /** How messages name the child: "node-seal" or the reference program's path. */
  private final String name;

  private SealProcess(Process process, String name) {
    this.process = process;
    this.name = name;
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /**
   * Starts {@code node script --serve}; the child's stderr goes to ours.
   *
   * @throws IOException if the node binary or the script does not exist, or the process cannot
   *     start
   */
  public static SealProcess start(Path node, Path script) throws IOException {
    if (!Files.isExecutable(node)) {
      throw new IOException(
          "node binary '"
              + node
              + "' does not exist or is not executable "
              + "(tools/node-seal/install.sh prints its path)");
    }
    if (!Files.isRegularFile(script)) {
      throw new IOException("node-seal benchmark script '" + script + "' does not exist");
    }
    Process p =
        new ProcessBuilder(node.toString(), script.toString(), "--serve")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    return new SealProcess(p, "node-seal");
  }

  /**
   * Starts a reference program that serves the protocol on its stdin and stdout without arguments;
   * the child's stderr goes to ours.
   *
   * @throws IOException if the program does not exist or is not executable, or cannot start
   */
  public static SealProcess startReference(Path program) throws IOException {
    if (!Files.isRegularFile(program) || !Files.isExecutable(program)) {
      throw new IOException("--reference '" + program + "' is not an executable file");
    }
    Process p =
        new ProcessBuilder(program.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    return new SealProcess(p, "reference " + program.getFileName());
  }

  /**
   * The engine and Node version strings, as {engine, node}.
   *
   * @throws IOException if the process fails or answers an error
   */
  public String[] info() throws IOException {
    String reply = request("{\"cmd\":\"info\"}");
    return new String[] {field(reply, "engine"), field(reply, "node")};
  }

  /**
   * Builds SEAL's context, keys and inputs for N (dropping the previous ones).
   *
   * @return the names of the ops the child can time
   * @throws IOException if the process fails or answers an error (unsupported N, failed self-check)
   */
  public List<String> setup(int n) throws IOException {
    String reply = request("{\"cmd\":\"setup\",\"n\":" + n + "}");
    Matcher m = OPS.matcher(reply);
    if (!m.find()) {
      throw new IOException(name + " setup answer has no op list: " + reply);
    }
    List<String> ops = new ArrayList<>();
    for (String s : m.group(1).split(",")) {
      ops.add(s.trim().replace("\"", ""));
    }
    return ops;
  }

  /**
   * Runs an op {@code reps} times in the child.
   *
   * @return the milliseconds of each run
   * @throws IOException if the process fails or answers an error (unknown op, no setup)
   */
  public double[] run(String op, int reps) throws IOException {
    String reply = request("{\"cmd\":\"run\",\"op\":\"" + op + "\",\"reps\":" + reps + "}");
    Matcher m = MS.matcher(reply);
    if (!m.find()) {
      throw new IOException(name + " run answer has no timings: " + reply);
    }
    String[] parts = m.group(1).split(",");
    if (parts.length != reps) {
      throw new IOException(
          name + " returned " + parts.length + " timings for " + reps + " runs of " + op);
    }
    double[] ms = new double[reps];
    for (int i = 0; i < reps; i++) {
      try {
        ms[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IOException(
            name + " returned a timing that is not a number: '" + parts[i] + "'", e);
      }
    }
    return ms;
  }

  private String request(String json) throws IOException {
    in.write(json);
    in.write('\n');
    in.flush();
    String reply = out.readLine();
    if (reply == null) {
      throw new IOException(
          name + " process ended without answering " + json + " (see its messages above)");
    }
    if (!reply.contains("\"ok\":true")) {
      Matcher m = ERROR.matcher(reply);
      throw new IOException(name + " refused " + json + ": " + (m.find() ? m.group(1) : reply));
    }
    return reply;
  }

  private String field(String reply, String key) throws IOException {
    Matcher m =
        Pattern.compile("\"" + Pattern.quote(key) + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(reply);
    if (!m.find()) {
      throw new IOException(name + " answer has no '" + key + "': " + reply);
    }
    return m.group(1);
  }

  /** Asks the child to quit and waits for it (killing it after 10 s). */
  @Override
  public void close() throws IOException {
    try {
      in.write("{\"cmd\":\"quit\"}\n");
      in.flush();
      in.close();
    } catch (IOException e) {
      // The child is already gone: nothing to ask it; it is reaped below.
      System.err.println(
          "[he-vs-seal] " + name + " process already closed its input: " + e.getMessage());
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(name + " process did not quit within 10 s; killed it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while waiting for " + name + " to quit", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(name + " process exited with status " + process.exitValue());
    }
  }
}
