package io.blindtuner.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code blindtuner seal} on files node-seal 7.0.0 (SEAL 4.1.2) wrote. */
class SealCommandTest {
  @TempDir static Path dir;
  static Path fx;

  @BeforeAll
  static void nodeSealFixtures() throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (!Files.isDirectory(root.resolve("tools/node-seal/interop"))) {
      root = root.getParent();
    }
    String node = run(List.of("bash", root.resolve("tools/node-seal/install.sh").toString())).strip();
    node = node.substring(node.lastIndexOf('\n') + 1);
    run(List.of(node, root.resolve("tools/node-seal/interop/make-fixtures.mjs").toString(), dir.toString(), "tiny",
        "64", "30,20,30", "20", "0,1,3"));
    fx = dir.resolve("tiny");
  }

  @Test
  void inspectNamesNodeSealObjects() {
    Result ct = cli("seal", "inspect", fx.resolve("ct_a_seeded_zlib.bin").toString(), "--params", fx.resolve("params.bin").toString());
    assertThat(ct.code).isZero();
    assertThat(ct.out).contains("kind          Ciphertext").contains("compression zlib").contains("data level 1")
        .contains("size          2 polynomials").contains("scale         2^20.0000").contains("seeded        yes (blake2xb)")
        .contains("validated     yes");
    Result gk = cli("seal", "inspect", fx.resolve("galois_seeded_zstd.bin").toString());
    assertThat(gk.code).isZero();
    assertThat(gk.out).contains("kind          GaloisKeys").contains("compression zstd").contains("galois elts   [3, 27, 127]");
    Result p = cli("seal", "inspect", fx.resolve("params.bin").toString());
    assertThat(p.out).contains("kind          EncryptionParameters").contains("N             64 (32 slots)");
    Result sk = cli("seal", "inspect", fx.resolve("secret.bin").toString(), "--params", fx.resolve("params.bin").toString());
    assertThat(sk.out).contains("kind          SecretKey").contains("key level");
  }

  @Test
  void inspectRejectsGarbageWithAReason() throws IOException {
    Path bad = Files.write(dir.resolve("bad.bin"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
    Result r = cli("seal", "inspect", bad.toString());
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains("bad SEAL magic 0x0201");
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
