package io.blindtuner.pipeline.cli;

import io.blindtuner.he.seal.SealEncryptionParameters;
import io.blindtuner.he.seal.SealFormatException;
import io.blindtuner.he.seal.SealInspector;
import io.blindtuner.he.seal.SealObjectInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
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
    description = "Inspect and evaluate Microsoft SEAL 4.1 files (SEAL, TenSEAL, node-seal clients).",
    subcommands = {SealCommand.Inspect.class})
public final class SealCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads a file, naming it if it cannot be read. */
  static byte[] read(Path file, String role) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(new CommandLine(new SealCommand()),
          "cannot read " + role + " file " + file + ": " + e.getMessage());
    }
  }

  /** {@code seal inspect FILE [--params P]}. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = "Print what a SEAL file holds: kind, parameters, level, scale, size, compression, seeded or not. "
          + "With --params the object is also fully validated against those encryption parameters.")
  static final class Inspect implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A SEAL-serialized object.")
    Path file;

    @Option(names = "--params", paramLabel = "P", description = "SEAL EncryptionParameters file to validate against.")
    Path params;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      byte[] data = read(file, "SEAL");
      SealObjectInfo info;
      try {
        SealEncryptionParameters p = params == null ? null : SealEncryptionParameters.load(read(params, "parameters"));
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
    out.printf(Locale.ROOT, "format        SEAL %d.%d, compression %s, members %d bytes%n",
        i.header().versionMajor(), i.header().versionMinor(), i.header().comprMode().name().toLowerCase(Locale.ROOT),
        i.memberBytes());
    if (i.parameters() != null) {
      SealEncryptionParameters p = i.parameters();
      long[] q = p.coeffModulus();
      out.printf(Locale.ROOT, "scheme        %s%n", p.scheme() == SealEncryptionParameters.SCHEME_CKKS ? "CKKS" : "scheme " + p.scheme());
      out.printf(Locale.ROOT, "N             %d (%d slots)%n", p.degree(), p.degree() / 2);
      out.printf(Locale.ROOT, "coeff_modulus %s%n", Arrays.toString(q));
      out.printf(Locale.ROOT, "bits          %s = %d (special prime last)%n",
          Arrays.toString(Arrays.stream(q).map(x -> 64 - Long.numberOfLeadingZeros(x)).toArray()),
          Arrays.stream(q).map(x -> 64 - Long.numberOfLeadingZeros(x)).sum());
      out.printf(Locale.ROOT, "key parms_id  %s%n", p.keyParmsId());
      return;
    }
    out.printf(Locale.ROOT, "parms_id      %s%n", i.parmsId());
    if (i.degree() > 0) {
      out.printf(Locale.ROOT, "N             %d, %d primes at this level%n", i.degree(), i.primeCount());
    }
    out.printf(Locale.ROOT, "level         %s%n", i.level() != null ? i.level() : "unknown (give --params)");
    if (i.size() > 0) {
      out.printf(Locale.ROOT, "size          %d polynomials%n", i.size());
    }
    if (!Double.isNaN(i.scale())) {
      out.printf(Locale.ROOT, "scale         2^%.4f (%s)%n", Math.log(i.scale()) / Math.log(2), i.scale());
    }
    if (i.keyCount() > 0) {
      out.printf(Locale.ROOT, "keys          %d%n", i.keyCount());
    }
    if (!i.galoisElements().isEmpty()) {
      out.printf(Locale.ROOT, "galois elts   %s (conjugation = %d)%n", i.galoisElements(), 2 * i.degree() - 1);
    }
    out.printf(Locale.ROOT, "seeded        %s%n", i.seeded() ? "yes (" + (i.prng() == null ? "?" : i.prng().name().toLowerCase(Locale.ROOT)) + ")" : "no");
    out.printf(Locale.ROOT, "validated     %s%n", validated ? "yes, against --params" : "no (give --params to validate)");
  }
}
