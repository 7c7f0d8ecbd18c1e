package io.blindtuner.pipeline.cli;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.HeException;
import io.blindtuner.he.ckks.Plaintext;
import io.blindtuner.he.seal.SealCodec;
import io.blindtuner.he.seal.SealComprMode;
import io.blindtuner.he.seal.SealEncryptionParameters;
import io.blindtuner.he.seal.SealFormatException;
import io.blindtuner.he.seal.SealHeader;
import io.blindtuner.he.seal.SealInspector;
import io.blindtuner.he.seal.SealObjectInfo;
import io.blindtuner.he.seal.SealSerialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code blindtuner seal}: work with files written by Microsoft SEAL 4.1 clients (SEAL, TenSEAL,
 * node-seal): {@code inspect} says what a file is, {@code eval} runs one CKKS operation on SEAL
 * ciphertexts with SEAL keys and writes a SEAL ciphertext back.
 */
@Command(
    name = "seal",
    mixinStandardHelpOptions = true,
    description =
        "Inspect and evaluate Microsoft SEAL files (SEAL 4.0 to 4.4 and 3.4 to 3.7, TenSEAL, node-seal"
            + " clients); writes SEAL 4.1, which every SEAL 4.x reads.",
    subcommands = {SealCommand.Inspect.class, SealCommand.Eval.class})
public final class SealCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Reads a file, naming it if it cannot be read.
   *
   * @throws IllegalArgumentException naming the role and the file if it is missing, a directory,
   *     unreadable or larger than any SEAL object blindtuner reads ({@link
   *     SealSerialization#DEFAULT_MAX_BYTES})
   */
  static byte[] read(Path file, String role) {
    try {
      long size = Files.size(file);
      if (size > SealSerialization.DEFAULT_MAX_BYTES) {
        throw new IllegalArgumentException(
            role
                + " file "
                + file
                + " has "
                + size
                + " bytes, more than the "
                + SealSerialization.DEFAULT_MAX_BYTES
                + " of the largest SEAL object read");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + role + " file " + file + ": " + e.getMessage(), e);
    }
  }

  /** {@code seal inspect FILE [--params P]}. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description =
          "Print what a SEAL file holds: kind, parameters, level, scale, size, compression, seeded or not. "
              + "With --params the object is also fully validated against those encryption parameters.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A SEAL-serialized object.")
    Path file;

    @Option(
        names = "--params",
        paramLabel = "P",
        description = "SEAL EncryptionParameters file to validate against.")
    Path params;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      byte[] data = read(file, "SEAL");
      SealObjectInfo info;
      try {
        SealEncryptionParameters p =
            params == null ? null : SealEncryptionParameters.load(read(params, "parameters"));
        info = SealInspector.inspect(data, p);
      } catch (SealFormatException e) {
        spec.commandLine().getErr().println("not a valid SEAL object: " + e.getMessage());
        return 1;
      }
      print(out, file, data.length, info, params != null);
      return 0;
    }
  }

  static void print(PrintWriter out, Path file, long bytes, SealObjectInfo i, boolean validated) {
    out.printf(Locale.ROOT, "file          %s (%d bytes)%n", file, bytes);
    out.printf(Locale.ROOT, "kind          %s%n", i.kind());
    out.printf(
        Locale.ROOT,
        "format        SEAL %d.%d, compression %s, members %d bytes (blindtuner %s)%n",
        i.header().versionMajor(),
        i.header().versionMinor(),
        i.header().comprMode().name().toLowerCase(Locale.ROOT),
        i.memberBytes(),
        SealHeader.READS);
    if (i.parameters() != null) {
      SealEncryptionParameters p = i.parameters();
      long[] q = p.coeffModulus();
      out.printf(
          Locale.ROOT,
          "scheme        %s%n",
          p.scheme() == SealEncryptionParameters.SCHEME_CKKS ? "CKKS" : "scheme " + p.scheme());
      out.printf(Locale.ROOT, "N             %d (%d slots)%n", p.degree(), p.degree() / 2);
      out.printf(Locale.ROOT, "coeff_modulus %s%n", Arrays.toString(q));
      out.printf(
          Locale.ROOT,
          "bits          %s = %d (special prime last)%n",
          Arrays.toString(Arrays.stream(q).map(x -> 64 - Long.numberOfLeadingZeros(x)).toArray()),
          Arrays.stream(q).map(x -> 64 - Long.numberOfLeadingZeros(x)).sum());
      out.printf(Locale.ROOT, "key parms_id  %s%n", p.keyParmsId());
      return;
    }
    out.printf(Locale.ROOT, "parms_id      %s%n", i.parmsId());
    if (i.degree() > 0) {
      out.printf(
          Locale.ROOT, "N             %d, %d primes at this level%n", i.degree(), i.primeCount());
    }
    out.printf(
        Locale.ROOT,
        "level         %s%n",
        i.level() != null ? i.level() : "unknown (give --params)");
    if (i.size() > 0) {
      out.printf(Locale.ROOT, "size          %d polynomials%n", i.size());
    }
    if (!Double.isNaN(i.scale())) {
      out.printf(
          Locale.ROOT, "scale         2^%.4f (%s)%n", Math.log(i.scale()) / Math.log(2), i.scale());
    }
    if (i.keyCount() > 0) {
      out.printf(Locale.ROOT, "keys          %d%n", i.keyCount());
    }
    if (!i.galoisElements().isEmpty()) {
      out.printf(
          Locale.ROOT,
          "galois elts   %s = %s%n",
          i.galoisElements(),
          steps(i.galoisElements(), i.degree()));
    }
    out.printf(
        Locale.ROOT,
        "seeded        %s%n",
        i.seeded()
            ? "yes (" + (i.prng() == null ? "?" : i.prng().name().toLowerCase(Locale.ROOT)) + ")"
            : "no");
    out.printf(
        Locale.ROOT,
        "validated     %s%n",
        validated ? "yes, against --params" : "no (give --params to validate)");
  }

  /**
   * Names Galois elements as rotation steps (3^step mod 2N, SEAL's rotate_vector; negative steps
   * for elements reached from the right) and conjugation (2N - 1).
   */
  static String steps(List<Integer> elements, int n) {
    int slots = n / 2;
    long m = 2L * n;
    Map<Long, Integer> stepOf = new LinkedHashMap<>();
    long g = 1;
    for (int s = 0; s < slots; s++) {
      stepOf.put(g, s > slots / 2 ? s - slots : s);
      g = g * 3 % m;
    }
    StringBuilder b = new StringBuilder();
    for (int e : elements) {
      b.append(b.length() == 0 ? "" : ", ");
      Integer s = stepOf.get((long) e);
      b.append(e == m - 1 ? "conjugation" : s != null ? "step " + s : "element " + e);
    }
    return b.toString();
  }

  /**
   * {@code seal eval}: one CKKS operation on SEAL files, result written as a SEAL ciphertext. The
   * cloud side: it needs no secret key.
   */
  @Command(
      name = "eval",
      mixinStandardHelpOptions = true,
      description =
          "Run one CKKS operation on SEAL ciphertexts with SEAL keys and write a SEAL ciphertext: "
              + "add, sub (ciphertext B or --scalar), multiply (relinearized with --relin-keys and rescaled; or by "
              + "--scalar, rescaled), multiply_plain (B a SEAL plaintext, rescaled), rotate (--step, --galois-keys; "
              + "positive = left), conjugate (--galois-keys), rescale.")
  static final class Eval implements Callable<Integer> {
    /** The operations, as SEAL names them. */
    enum Op {
      add,
      sub,
      multiply,
      multiply_plain,
      rotate,
      conjugate,
      rescale
    }

    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--params",
        required = true,
        paramLabel = "P",
        description = "SEAL EncryptionParameters file (CKKS).")
    Path params;

    @Option(
        names = "--op",
        required = true,
        paramLabel = "OP",
        description = "One of: ${COMPLETION-CANDIDATES}.")
    Op op;

    @Option(
        names = "--in",
        required = true,
        paramLabel = "FILE",
        description = "Input A, then B where the operation takes two.")
    List<Path> in;

    @Option(names = "--relin-keys", paramLabel = "K", description = "SEAL RelinKeys (multiply).")
    Path relinKeys;

    @Option(
        names = "--galois-keys",
        paramLabel = "G",
        description = "SEAL GaloisKeys (rotate, conjugate).")
    Path galoisKeys;

    @Option(
        names = "--step",
        paramLabel = "S",
        description = "Rotation step (positive = left, SEAL's rotate_vector).")
    Integer step;

    @Option(
        names = "--scalar",
        paramLabel = "X",
        description = "Real constant for add, sub or multiply instead of B.")
    Double scalar;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "C",
        description = "Output SEAL ciphertext file.")
    Path out;

    @Option(
        names = "--compression",
        defaultValue = "zstd",
        paramLabel = "MODE",
        description = "Compression of the output: none, zlib or zstd (default ${DEFAULT-VALUE}).")
    String compression;

    @Option(
        names = "--allow-insecure",
        description = "Accept parameters below 128-bit security (tests only).")
    boolean allowInsecure;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON summary to FILE.")
    Path report;

    @Override
    public Integer call() throws IOException {
      PrintWriter w = spec.commandLine().getOut();
      long t0 = System.nanoTime();
      Ciphertext result;
      SealCodec codec;
      Ciphertext a;
      try {
        SealEncryptionParameters p = SealEncryptionParameters.load(read(params, "parameters"));
        codec = allowInsecure ? SealCodec.ofInsecure(p) : SealCodec.of(p);
        a = codec.readCiphertext(read(in.get(0), "input A"));
        result = apply(codec, a, new Evaluator(codec.parameters()));
      } catch (SealFormatException | HeException e) {
        spec.commandLine().getErr().println("seal eval " + op + ": " + e.getMessage());
        return 1;
      }
      SealComprMode mode =
          switch (compression.toLowerCase(Locale.ROOT)) {
            case "none" -> SealComprMode.NONE;
            case "zlib" -> SealComprMode.ZLIB;
            case "zstd" -> SealComprMode.ZSTD;
            default ->
                throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--compression must be none, zlib or zstd, got " + compression);
          };
      byte[] bytes = codec.write(result, mode);
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(out, bytes);
      double seconds = (System.nanoTime() - t0) / 1e9;
      w.printf(
          Locale.ROOT,
          "%s: level %d -> %d, scale 2^%.3f -> 2^%.3f, size %d%n",
          op,
          a.level(),
          result.level(),
          log2(a.scale()),
          log2(result.scale()),
          result.size());
      w.printf(
          Locale.ROOT,
          "wrote %s (%d bytes, SEAL 4.1, %s) in %.2f s%n",
          out,
          bytes.length,
          mode.name().toLowerCase(Locale.ROOT),
          seconds);
      if (report != null) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("op", op.name());
        r.put("inputs", in.stream().map(Path::toString).toList());
        r.put("output", out.toString());
        r.put("outputBytes", bytes.length);
        r.put("compression", mode.name().toLowerCase(Locale.ROOT));
        r.put("levelIn", a.level());
        r.put("levelOut", result.level());
        r.put("log2ScaleIn", log2(a.scale()));
        r.put("log2ScaleOut", log2(result.scale()));
        r.put("seconds", seconds);
        JsonReport.write(report, r);
      }
      return 0;
    }

    private Ciphertext apply(SealCodec codec, Ciphertext a, Evaluator eval) {
      return switch (op) {
        case add, sub -> {
          if (scalar != null) {
            yield eval.addScalarNew(a, op == Op.add ? scalar : -scalar);
          }
          Ciphertext b = second(codec);
          eval.matchLevels(a, b);
          yield op == Op.add ? eval.addNew(a, b) : eval.subNew(a, b);
        }
        case multiply -> {
          if (scalar != null) {
            // Encode the constant at the scale of the prime rescale drops, so the result keeps a's
            // scale.
            double dropped = codec.parameters().prime(a.level());
            yield eval.rescaleNew(eval.multiplyScalarNew(a, scalar, dropped));
          }
          if (relinKeys == null) {
            throw new HeException("multiply needs --relin-keys (SEAL RelinKeys) to relinearize");
          }
          Ciphertext b = second(codec);
          eval.matchLevels(a, b);
          yield eval.rescaleNew(
              eval.relinearizeNew(
                  eval.multiplyNew(a, b), codec.readRelinKeys(read(relinKeys, "relin keys"))));
        }
        case multiply_plain -> {
          Plaintext b = codec.readPlaintext(read(input(1), "plaintext B"));
          int level = Math.min(a.level(), b.level());
          Plaintext bl = b.level() == level ? b : eval.modSwitchToNew(b, level);
          Ciphertext al = a.level() == level ? a : eval.modSwitchToNew(a, level);
          yield eval.rescaleNew(eval.multiplyPlainNew(al, bl));
        }
        case rotate -> {
          if (step == null) {
            throw new HeException("rotate needs --step");
          }
          yield eval.rotateNew(a, step, galois(codec));
        }
        case conjugate -> eval.conjugateNew(a, galois(codec));
        case rescale -> eval.rescaleNew(a);
      };
    }

    private Ciphertext second(SealCodec codec) {
      return codec.readCiphertext(read(input(1), "input B"));
    }

    private Path input(int i) {
      if (in.size() <= i) {
        throw new HeException(
            op
                + " needs a second --in (B)"
                + (op == Op.multiply_plain ? ": a SEAL plaintext" : " or --scalar"));
      }
      return in.get(i);
    }

    private GaloisKeys galois(SealCodec codec) {
      if (galoisKeys == null) {
        throw new HeException(op + " needs --galois-keys (SEAL GaloisKeys)");
      }
      return codec.readGaloisKeys(read(galoisKeys, "Galois keys"));
    }

    private static double log2(double x) {
      return Math.log(x) / Math.log(2);
    }
  }
}
