package io.blindtuner.bench.he;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.Decryptor;
import io.blindtuner.he.ckks.Encryptor;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.KeyGenerator;
import io.blindtuner.he.ckks.Plaintext;
import io.blindtuner.he.ckks.PublicKey;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.ring.Csprng;
import io.blindtuner.he.ring.Parallelism;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Our side of bench/he-vs-seal.sh: the operations of bench/node/seal-bench.js on our engine, with
 * the same parameter sets and scale, once per thread count; with {@code --node}, node-seal is timed
 * in a child process in the same sweeps ({@link InterleavedTimer}), so both engines see the same
 * load; with {@code --reference}, any program speaking seal-bench.js's serve protocol is, in
 * node-seal's place (e.g. a native SEAL server). Prints our JSON on stdout and writes the
 * reference's to {@code --seal-out}; both have the shape bench/node/report.js reads ({@code
 * results.<N>.ops.<op>} = {ms, reps}, ours one level deeper by thread count). Progress on stderr.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.blindtuner.bench.he.HeVsSealRunner [--n 8192,16384]
 * [--threads 1,2] [--quick] [--node NODE --seal-script bench/node/seal-bench.js | --reference
 * PROGRAM] [--seal-out FILE]}.
 */
public final class HeVsSealRunner {
  /**
   * The table, the same two key-switching ops on the training path
   * (BenchParams.trainingParameters: keys in the layout our own clients make; the reference has no
   * such op and is compared with its SEAL-layout one), then the parts of multiply+relin+rescale,
   * then the parallelism control.
   */
  static final List<String> FAST_OPS =
      List.of(
          "encode",
          "encrypt",
          "decrypt_decode",
          "add",
          "multiply_plain",
          "multiply_relin_rescale",
          "rotate",
          "multiply_relin_rescale_training",
          "rotate_training",
          "multiply_relin_rescale_3calls",
          "multiply",
          "relinearize",
          "rescale",
          "parallel_control");

  /** Iterations of one chunk of the parallelism control: about 1 ms of dependent integer work. */
  private static final int CONTROL_ITERATIONS = 300_000;

  /** Where the control's results go, so the JIT cannot drop the work. */
  private static final long[] CONTROL_SINK = new long[2];

  static final List<String> SLOW_OPS = List.of("galois_keygen");

  private static final InterleavedTimer FULL =
      new InterleavedTimer(10, 500_000_000L, 15, 100_000_000L, 5);
  private static final InterleavedTimer QUICK =
      new InterleavedTimer(3, 50_000_000L, 3, 20_000_000L, 2);

  private HeVsSealRunner() {}

  public static void main(String[] args) throws Exception {
    int[] ns = {8192, 16384};
    int[] threads = {1, 2};
    boolean quick = false;
    Path node = null;
    Path sealScript = null;
    Path sealOut = null;
    Path reference = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--n" -> ns = parseList(args, ++i, "--n");
        case "--threads" -> threads = parseList(args, ++i, "--threads");
        case "--quick" -> quick = true;
        case "--node" -> node = Path.of(value(args, ++i, "--node"));
        case "--seal-script" -> sealScript = Path.of(value(args, ++i, "--seal-script"));
        case "--seal-out" -> sealOut = Path.of(value(args, ++i, "--seal-out"));
        case "--reference" -> reference = Path.of(value(args, ++i, "--reference"));
        default ->
            throw new IllegalArgumentException(
                "unknown argument '"
                    + args[i]
                    + "' (expected --n LIST,"
                    + " --threads LIST, --quick, --node PATH, --seal-script PATH, --reference PROGRAM, --seal-out FILE)");
      }
    }
    if ((node == null) != (sealScript == null)) {
      throw new IllegalArgumentException("--node and --seal-script go together");
    }
    if (node != null && reference != null) {
      throw new IllegalArgumentException(
          "--reference replaces node-seal: give it or --node, not both");
    }
    if ((node == null && reference == null) != (sealOut == null)) {
      throw new IllegalArgumentException("--seal-out goes with --node or --reference");
    }
    for (int n : ns) {
      BenchParams.bits(n);
    }
    for (int t : threads) {
      if (t < 1 || t > 64) {
        throw new IllegalArgumentException("thread count must be in [1, 64], got " + t);
      }
    }
    InterleavedTimer timer = quick ? QUICK : FULL;
    StringBuilder ours = header("blindtuner he-runtime (pure Java)", "jvm", jvmDescription());
    StringBuilder seal = null;
    try (SealProcess sealProcess =
        reference != null
            ? SealProcess.startReference(reference)
            : node != null ? SealProcess.start(node, sealScript) : null) {
      if (sealProcess != null) {
        String[] info = sealProcess.info();
        seal = header(info[0], "node", info[1]);
      }
      for (int k = 0; k < ns.length; k++) {
        Map<String, Map<String, InterleavedTimer.Result>> results =
            benchN(ns[k], threads, sealProcess, timer);
        appendN(ours, k == 0, ns[k], results, threads, null);
        if (seal != null) {
          appendN(seal, k == 0, ns[k], results, null, "reference");
        }
      }
    }
    System.out.print(ours.append("\n  }\n}\n"));
    System.out.flush();
    if (seal != null) {
      Files.writeString(sealOut, seal.append("\n  }\n}\n"), StandardCharsets.UTF_8);
    }
  }

  private static Map<String, Map<String, InterleavedTimer.Result>> benchN(
      int n, int[] threadCounts, SealProcess sealProcess, InterleavedTimer timer) throws Exception {
    CkksParameters params = BenchParams.parameters(n);
    progress("N=%d: %s; generating keys", n, params);
    KeyGenerator keygen = new KeyGenerator(params);
    SecretKey sk = keygen.secretKey();
    PublicKey pk = keygen.createPublicKey();
    RelinKeys rk = keygen.createRelinKeys();
    GaloisKeys gk = keygen.createGaloisKeys();
    Training training = Training.create(n);

    SecureRandom random = new SecureRandom();
    double[] x = new double[params.slots()];
    double[] y = new double[params.slots()];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble() * 2 - 1;
      y[i] = random.nextDouble() * 2 - 1;
    }
    List<InterleavedTimer.Side> sides = new ArrayList<>();
    List<Parallelism> pools = new ArrayList<>();
    try {
      for (int threads : threadCounts) {
        Parallelism par = Parallelism.withThreads(threads);
        pools.add(par);
        sides.add(oursSide(n, threads, par, params, sk, pk, rk, gk, training, x, y));
      }
      if (sealProcess != null) {
        progress("N=%d: reference setup", n);
        sides.add(sealSide(sealProcess, sealProcess.setup(n)));
      }
      Map<String, Map<String, InterleavedTimer.Result>> results =
          timer.measure(FAST_OPS, SLOW_OPS, sides, line -> progress("N=%d %s", n, line));
      for (Map.Entry<String, Map<String, InterleavedTimer.Result>> op : results.entrySet()) {
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, InterleavedTimer.Result> side : op.getValue().entrySet()) {
          line.append(
              String.format(
                  Locale.ROOT,
                  "  %s %.3f ms (%d runs)",
                  side.getKey(),
                  side.getValue().medianMs(),
                  side.getValue().reps()));
        }
        progress("N=%d %s:%s", n, op.getKey(), line);
      }
      return results;
    } finally {
      for (Parallelism p : pools) {
        p.close();
      }
    }
  }

  /**
   * Our engine with one thread count: encoder, encryptor, evaluator and key generator sharing
   * {@code par}.
   */
  private static InterleavedTimer.Side oursSide(
      int n,
      int threads,
      Parallelism par,
      CkksParameters params,
      SecretKey sk,
      PublicKey pk,
      RelinKeys rk,
      GaloisKeys gk,
      Training training,
      double[] x,
      double[] y) {
    int top = params.maxLevel();
    CkksEncoder encoder = new CkksEncoder(params, par);
    Encryptor encryptor = new Encryptor(params, pk, null, Csprng.AES_CTR, par);
    Decryptor decryptor = new Decryptor(params, sk);
    Evaluator evaluator = new Evaluator(params, par);
    KeyGenerator parallelKeygen = new KeyGenerator(params, sk, par);

    Plaintext px = encoder.encode(x, top, BenchParams.SCALE);
    Plaintext py = encoder.encode(y, top, BenchParams.SCALE);
    Ciphertext cx = encryptor.encryptNew(px);
    Ciphertext cy = encryptor.encryptNew(py);
    selfCheck(n, threads, params, encoder, decryptor, evaluator, rk, gk, cx, cy, x, y);
    CkksEncoder trainingEncoder = new CkksEncoder(training.params(), par);
    Encryptor trainingEncryptor =
        new Encryptor(training.params(), training.pk(), null, Csprng.AES_CTR, par);
    Evaluator trainingEvaluator = new Evaluator(training.params(), par);
    Ciphertext tx = trainingEncryptor.encryptNew(trainingEncoder.encode(x, top, BenchParams.SCALE));
    Ciphertext ty = trainingEncryptor.encryptNew(trainingEncoder.encode(y, top, BenchParams.SCALE));
    selfCheck(
        n,
        threads,
        training.params(),
        trainingEncoder,
        new Decryptor(training.params(), training.sk()),
        trainingEvaluator,
        training.rk(),
        training.gk(),
        tx,
        ty,
        x,
        y);
    Ciphertext trainingOut = new Ciphertext(training.params());

    Plaintext pt = new Plaintext(params, top, BenchParams.SCALE);
    Ciphertext out = new Ciphertext(params);
    Ciphertext prod = evaluator.multiplyNew(cx, cy);
    Map<String, Action> ops = new LinkedHashMap<>();
    ops.put("encode", () -> encoder.encode(x, null, top, BenchParams.SCALE, pt));
    ops.put("encrypt", () -> encryptor.encrypt(px, out));
    ops.put(
        "decrypt_decode",
        () -> {
          decryptor.decrypt(cx, pt);
          encoder.decode(pt);
        });
    ops.put("add", () -> evaluator.add(cx, cy, out));
    ops.put("multiply_plain", () -> evaluator.multiplyPlain(cx, py, out));
    // The engine's fused call (one rounding division by P*q_level); SEAL has none, node-seal makes
    // the
    // three calls, which are timed too (multiply_relin_rescale_3calls).
    ops.put("multiply_relin_rescale", () -> evaluator.multiplyRelinRescale(cx, cy, rk, out));
    ops.put("rotate", () -> evaluator.rotate(cx, 1, gk, out));
    ops.put(
        "multiply_relin_rescale_training",
        () -> trainingEvaluator.multiplyRelinRescale(tx, ty, training.rk(), trainingOut));
    ops.put("rotate_training", () -> trainingEvaluator.rotate(tx, 1, training.gk(), trainingOut));
    ops.put(
        "multiply_relin_rescale_3calls",
        () -> {
          evaluator.multiply(cx, cy, out);
          evaluator.relinearize(out, rk, out);
          evaluator.rescale(out, out);
        });
    ops.put("multiply", () -> evaluator.multiply(cx, cy, out));
    ops.put("relinearize", () -> evaluator.relinearize(prod, rk, out));
    ops.put("rescale", () -> evaluator.rescale(cx, out));
    ops.put("galois_keygen", parallelKeygen::createGaloisKeys);
    // Control for the 2-thread column: two equal chunks of plain integer work through the same
    // Parallelism as the engine. On an idle 2-core machine it runs ~2x faster with 2 threads; when
    // the
    // machine is shared (Linux autogroups split the CPUs between sessions) it shows how much of a
    // second
    // core this run actually got.
    ops.put(
        "parallel_control",
        () -> par.forEach(2, i -> CONTROL_SINK[i] = spin(i, CONTROL_ITERATIONS)));
    return new OursSide("ours" + threads, ops);
  }

  /**
   * Keys of the training path for one N (the rotation key of step 1 only: the one op that uses it).
   */
  private record Training(
      CkksParameters params, SecretKey sk, PublicKey pk, RelinKeys rk, GaloisKeys gk) {
    static Training create(int n) {
      CkksParameters params = BenchParams.trainingParameters(n);
      progress("N=%d: training path %s; generating keys", n, params);
      KeyGenerator keygen = new KeyGenerator(params);
      return new Training(
          params,
          keygen.secretKey(),
          keygen.createPublicKey(),
          keygen.createRelinKeys(),
          keygen.createGaloisKeys(new int[] {1}, false));
    }
  }

  /**
   * The reference (node-seal or --reference) in its child process, for the ops its setup announced.
   */
  private static InterleavedTimer.Side sealSide(SealProcess sealProcess, List<String> sealOps) {
    return new InterleavedTimer.Side() {
      @Override
      public String name() {
        return "reference";
      }

      @Override
      public boolean has(String op) {
        return sealOps.contains(op);
      }

      @Override
      public double[] run(String op, int reps) throws IOException {
        return sealProcess.run(op, reps);
      }
    };
  }

  /**
   * A chain of dependent multiply-xorshift steps (cannot be vectorised or shortened by the JIT).
   */
  private static long spin(long seed, int iterations) {
    long x = seed;
    for (int i = 0; i < iterations; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      x ^= x >>> 29;
    }
    return x;
  }

  /** An operation of our engine, timed by {@link OursSide}. */
  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  /** Our engine with one thread count. */
  private record OursSide(String name, Map<String, Action> ops) implements InterleavedTimer.Side {
    @Override
    public boolean has(String op) {
      return ops.containsKey(op);
    }

    @Override
    public double[] run(String op, int reps) throws Exception {
      Action action = ops.get(op);
      double[] ms = new double[reps];
      for (int i = 0; i < reps; i++) {
        long t0 = System.nanoTime();
        action.run();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      return ms;
    }
  }

  /**
   * Decrypts x*y (fused, and as multiply, relinearize, rescale) and x rotated by 1 before timing,
   * so a broken engine or setup cannot produce a fast-looking table. 1e-4 is far above CKKS's error
   * at scale 2^40 (about 2^-20 after one multiplication on inputs in [-1, 1]) and far below any
   * real mistake (errors of order 1).
   */
  private static void selfCheck(
      int n,
      int threads,
      CkksParameters params,
      CkksEncoder encoder,
      Decryptor decryptor,
      Evaluator evaluator,
      RelinKeys rk,
      GaloisKeys gk,
      Ciphertext cx,
      Ciphertext cy,
      double[] x,
      double[] y) {
    Ciphertext prod = evaluator.multiplyNew(cx, cy);
    evaluator.relinearize(prod, rk, prod);
    evaluator.rescale(prod, prod);
    double[] got = encoder.decode(decryptor.decryptNew(prod));
    double[] fused =
        encoder.decode(decryptor.decryptNew(evaluator.multiplyRelinRescaleNew(cx, cy, rk)));
    double[] rot = encoder.decode(decryptor.decryptNew(evaluator.rotateNew(cx, 1, gk)));
    double maxErr = 0;
    int slots = params.slots();
    for (int i = 0; i < slots; i++) {
      maxErr = Math.max(maxErr, Math.abs(got[i] - x[i] * y[i]));
      maxErr = Math.max(maxErr, Math.abs(fused[i] - x[i] * y[i]));
      maxErr = Math.max(maxErr, Math.abs(rot[i] - x[(i + 1) % slots]));
    }
    if (!(maxErr < 1e-4)) {
      throw new IllegalStateException(
          "self-check failed for "
              + params
              + " with "
              + threads
              + " threads: max error "
              + maxErr
              + " on multiply+relinearize+rescale (fused or not) / rotate by 1");
    }
  }

  private static StringBuilder header(String engine, String runtimeKey, String runtime) {
    StringBuilder json = new StringBuilder();
    json.append("{\n  \"engine\": ").append(quote(engine)).append(",\n");
    json.append("  \"").append(runtimeKey).append("\": ").append(quote(runtime)).append(",\n");
    json.append("  \"scaleBits\": 40,\n  \"results\": {");
    return json;
  }

  /**
   * Appends one N: with {@code threads}, ours (op -&gt; thread count -&gt; result, from sides
   * "ours&lt;t&gt;"); otherwise the single side {@code sideName} (op -&gt; result).
   */
  private static void appendN(
      StringBuilder json,
      boolean first,
      int n,
      Map<String, Map<String, InterleavedTimer.Result>> results,
      int[] threads,
      String sideName) {
    json.append(first ? "\n" : ",\n");
    json.append("    \"")
        .append(n)
        .append("\": {\n      \"primes\": ")
        .append(Arrays.toString(BenchParams.bits(n)))
        .append(",\n");
    if (threads != null) {
      json.append("      \"trainingParameters\": ")
          .append(quote(BenchParams.trainingParameters(n).toString()))
          .append(",\n");
    }
    json.append("      \"ops\": {");
    int o = 0;
    for (Map.Entry<String, Map<String, InterleavedTimer.Result>> op : results.entrySet()) {
      if (threads != null) {
        json.append(o++ == 0 ? "\n" : ",\n")
            .append("        ")
            .append(quote(op.getKey()))
            .append(": {");
        int t = 0;
        for (int th : threads) {
          InterleavedTimer.Result r = op.getValue().get("ours" + th);
          if (r != null) {
            json.append(t++ == 0 ? "" : ", ")
                .append('"')
                .append(th)
                .append("\": ")
                .append(result(r));
          }
        }
        json.append('}');
      } else {
        InterleavedTimer.Result r = op.getValue().get(sideName);
        if (r != null) {
          json.append(o++ == 0 ? "\n" : ",\n")
              .append("        ")
              .append(quote(op.getKey()))
              .append(": ")
              .append(result(r));
        }
      }
    }
    json.append("\n      }\n    }");
  }

  private static String result(InterleavedTimer.Result r) {
    return String.format(Locale.ROOT, "{\"ms\": %.6f, \"reps\": %d}", r.medianMs(), r.reps());
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static int[] parseList(String[] args, int i, String flag) {
    List<Integer> values = new ArrayList<>();
    for (String s : value(args, i, flag).split(",")) {
      try {
        values.add(Integer.parseInt(s.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + ": '" + s + "' is not an integer", e);
      }
    }
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The JVM, and whether the NTT of primes below 2^50 runs on vectors (the JVM has
   * jdk.incubator.vector).
   */
  private static String jvmDescription() {
    boolean vector = BenchParams.parameters(8192).nttTables(1).vectorized();
    return System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version")
        + " ("
        + System.getProperty("java.vm.vendor")
        + ")"
        + (vector ? ", vector NTT" : ", scalar NTT");
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static void progress(String format, Object... args) {
    System.err.println("[he-vs-seal] " + String.format(Locale.ROOT, format, args));
  }
}
