package io.blindtuner.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code blindtuner seal} on files node-seal 7.0.0 (SEAL 4.1.2) wrote. */
class SealCommandTest {
  @TempDir static Path dir;
  static Path fx;
  static Path big;
  static String node;
  static Path interop;

  @BeforeAll
  static void nodeSealFixtures() throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (!Files.isDirectory(root.resolve("tools/node-seal/interop"))) {
      root = root.getParent();
    }
    String out =
        run(List.of("bash", root.resolve("tools/node-seal/install.sh").toString())).strip();
    node = out.substring(out.lastIndexOf('\n') + 1);
    interop = root.resolve("tools/node-seal/interop");
    run(
        List.of(
            node,
            interop.resolve("make-fixtures.mjs").toString(),
            dir.toString(),
            "tiny",
            "64",
            "30,20,30",
            "20",
            "0,1,3"));
    fx = dir.resolve("tiny");
    run(
        List.of(
            node,
            interop.resolve("make-fixtures.mjs").toString(),
            dir.toString(),
            "n8192",
            "8192",
            "60,40,40,60",
            "40",
            "0,1"));
    big = dir.resolve("n8192");
  }

  @Test
  void inspectNamesNodeSealObjects() {
    Result ct =
        cli(
            "seal",
            "inspect",
            fx.resolve("ct_a_seeded_zlib.bin").toString(),
            "--params",
            fx.resolve("params.bin").toString());
    assertThat(ct.code).isZero();
    assertThat(ct.out)
        .contains("kind          Ciphertext")
        .contains("compression zlib")
        .contains("data level 1")
        .contains("size          2 polynomials")
        .contains("scale         2^20.0000")
        .contains("seeded        yes (blake2xb)")
        .contains("validated     yes");
    Result gk = cli("seal", "inspect", fx.resolve("galois_seeded_zstd.bin").toString());
    assertThat(gk.code).isZero();
    assertThat(gk.out)
        .contains("kind          GaloisKeys")
        .contains("compression zstd")
        .contains("galois elts   [3, 27, 127] = step 1, step 3, conjugation");
    Result p = cli("seal", "inspect", fx.resolve("params.bin").toString());
    assertThat(p.out)
        .contains("kind          EncryptionParameters")
        .contains("N             64 (32 slots)");
    Result sk =
        cli(
            "seal",
            "inspect",
            fx.resolve("secret.bin").toString(),
            "--params",
            fx.resolve("params.bin").toString());
    assertThat(sk.out).contains("kind          SecretKey").contains("key level");
  }

  @Test
  void inspectRejectsGarbageWithAReason() throws IOException {
    Path bad =
        Files.write(
            dir.resolve("bad.bin"),
            new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
    Result r = cli("seal", "inspect", bad.toString());
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains("bad SEAL magic 0x0201");
  }

  @Test
  void aFileLargerThanAnySealObjectIsRefusedUnread() throws IOException {
    Path huge = dir.resolve("huge.bin");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength((1L << 30) + 1); // sparse: nothing is written
    }
    Result r = cli("seal", "inspect", huge.toString());
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err)
        .contains("SEAL file " + huge + " has 1073741825 bytes, more than the 1073741824");
  }

  /**
   * Every operation on node-seal's N=8192 (128-bit) files through the CLI; node-seal decrypts each
   * output with its secret key. Bound: as SealInteropTest (values in [-1, 1] at scale 2^40, noise
   * below 2^-21 per slot): 2^-16.
   */
  @Test
  void evalRunsEveryOperationOnNodeSealFilesAndSealDecryptsTheResults()
      throws IOException, InterruptedException {
    double[] a = doubles(big.resolve("a.f64"));
    double[] b = doubles(big.resolve("b.f64"));
    int slots = a.length;
    String p = big.resolve("params.bin").toString();
    String ctA = big.resolve("ct_a_seeded.bin").toString();
    String ctB = big.resolve("ct_b.bin").toString();
    String rk = big.resolve("relin_seeded.bin").toString();
    String gk = big.resolve("galois_seeded_zstd.bin").toString();
    Map<String, String[]> runs = new LinkedHashMap<>();
    Map<String, double[]> expect = new LinkedHashMap<>();
    runs.put("add", new String[] {"--op", "add", "--in", ctA, "--in", ctB});
    expect.put("add", map(a, i -> a[i] + b[i]));
    runs.put(
        "sub", new String[] {"--op", "sub", "--in", ctA, "--in", ctB, "--compression", "zlib"});
    expect.put("sub", map(a, i -> a[i] - b[i]));
    runs.put("add_scalar", new String[] {"--op", "add", "--in", ctA, "--scalar", "0.25"});
    expect.put("add_scalar", map(a, i -> a[i] + 0.25));
    runs.put(
        "multiply",
        new String[] {
          "--op", "multiply", "--in", ctA, "--in", ctB, "--relin-keys", rk, "--compression", "none"
        });
    expect.put("multiply", map(a, i -> a[i] * b[i]));
    runs.put("multiply_scalar", new String[] {"--op", "multiply", "--in", ctA, "--scalar", "-1.5"});
    expect.put("multiply_scalar", map(a, i -> -1.5 * a[i]));
    runs.put(
        "multiply_plain",
        new String[] {
          "--op", "multiply_plain", "--in", ctA, "--in", big.resolve("pt_b.bin").toString()
        });
    expect.put("multiply_plain", map(a, i -> a[i] * b[i]));
    runs.put(
        "rotate", new String[] {"--op", "rotate", "--in", ctA, "--galois-keys", gk, "--step", "1"});
    expect.put("rotate", map(a, i -> a[(i + 1) % slots]));
    runs.put("conjugate", new String[] {"--op", "conjugate", "--in", ctA, "--galois-keys", gk});
    expect.put("conjugate", a);
    runs.put(
        "rescale",
        new String[] {"--op", "rescale", "--in", big.resolve("ct_ab_unrescaled.bin").toString()});
    expect.put("rescale", map(a, i -> a[i] * b[i]));
    StringBuilder tasks = new StringBuilder("{\"tasks\":[");
    for (var r : runs.entrySet()) {
      Path out = dir.resolve("out_" + r.getKey() + ".bin");
      String[] args = new String[r.getValue().length + 7];
      System.arraycopy(
          new String[] {"seal", "eval", "--params", p, "--out", out.toString()}, 0, args, 0, 6);
      System.arraycopy(r.getValue(), 0, args, 6, r.getValue().length);
      args[args.length - 1] = "--report=" + dir.resolve("report_" + r.getKey() + ".json");
      Result res = cli(args);
      assertThat(res.code).as(r.getKey() + ": " + res.err).isZero();
      assertThat(res.out).contains("wrote " + out);
      assertThat(Files.readString(dir.resolve("report_" + r.getKey() + ".json")))
          .contains("\"op\"");
      tasks
          .append("{\"name\":\"")
          .append(r.getKey())
          .append("\",\"type\":\"decrypt\",\"params\":\"")
          .append(p)
          .append("\",\"secret\":\"")
          .append(big.resolve("secret.bin"))
          .append("\",\"ciphertext\":\"")
          .append(out)
          .append("\",\"expect\":")
          .append(Arrays.toString(expect.get(r.getKey())))
          .append("},");
    }
    tasks.setLength(tasks.length() - 1);
    Path tasksFile = Files.writeString(dir.resolve("tasks.json"), tasks.append("]}").toString());
    String checked =
        run(List.of(node, interop.resolve("check.mjs").toString(), tasksFile.toString()));
    assertThat(checked).doesNotContain("ERROR");
    int results = 0;
    for (String line : checked.split("\n")) {
      String[] f = line.split("\t");
      if (f[0].equals("RESULT")) {
        results++;
        assertThat(Double.parseDouble(f[3])).as(f[1]).isLessThan(0x1p-16);
      }
    }
    assertThat(results).isEqualTo(runs.size());
  }

  @Test
  void evalNamesWhatIsMissingOrWrong() {
    String p = big.resolve("params.bin").toString();
    Result noKeys =
        cli(
            "seal",
            "eval",
            "--params",
            p,
            "--op",
            "rotate",
            "--step",
            "1",
            "--in",
            big.resolve("ct_a.bin").toString(),
            "--out",
            dir.resolve("x.bin").toString());
    assertThat(noKeys.code).isEqualTo(1);
    assertThat(noKeys.err).contains("rotate needs --galois-keys");
    Result wrongParams =
        cli(
            "seal",
            "eval",
            "--params",
            fx.resolve("params.bin").toString(),
            "--allow-insecure",
            "--op",
            "rescale",
            "--in",
            big.resolve("ct_a.bin").toString(),
            "--out",
            dir.resolve("x.bin").toString());
    assertThat(wrongParams.code).isEqualTo(1);
    assertThat(wrongParams.err)
        .contains("belongs to no level of these encryption parameters (N=64");
    Result insecure =
        cli(
            "seal",
            "eval",
            "--params",
            fx.resolve("params.bin").toString(),
            "--op",
            "rescale",
            "--in",
            fx.resolve("ct_a.bin").toString(),
            "--out",
            dir.resolve("x.bin").toString());
    assertThat(insecure.code).isEqualTo(1);
    assertThat(insecure.err).contains("128-bit");
  }

  private static double[] doubles(Path f) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    double[] v = new double[buf.remaining() / 8];
    buf.asDoubleBuffer().get(v);
    return v;
  }

  private static double[] map(double[] a, IntToDoubleFunction f) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = f.applyAsDouble(i);
    }
    return r;
  }

  record Result(int code, String out, String err) {}

  static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = BlindtunerCli.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
    return out;
  }
}
