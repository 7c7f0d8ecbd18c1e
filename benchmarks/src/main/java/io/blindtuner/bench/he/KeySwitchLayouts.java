package io.blindtuner.bench.he;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.Decryptor;
import io.blindtuner.he.ckks.Encryptor;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.KeyGenerator;
import io.blindtuner.he.ckks.RelinKeys;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The key-switching layouts a training set can use, side by side, to choose the hybrid digits by
 * measurement: for N=16384 with data primes [60, 40x6] (BenchParams' set without its special
 * prime), SEAL's layout and hybrid choices within the 128-bit bound, each with log2(QP), NTTs
 * counted per rotation and per fused multiply+relinearize+rescale at the top level, the bytes of
 * one Galois key, the median single-thread times of those two ops (interleaved over the layouts, so
 * load hits all alike), and the worst slot error of both in bits.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.blindtuner.bench.he.KeySwitchLayouts [--reps K]};
 * prints a markdown table on stdout, progress on stderr.
 */
public final class KeySwitchLayouts {
  private static final int N = 16384;
  private static final int[] DATA_BITS = {60, 40, 40, 40, 40, 40, 40};

  /** A layout to compare: hybrid digits (0 = SEAL's layout) and special-prime bits. */
  private record Choice(int digits, int[] specialBits) {
    CkksSpec spec() {
      int[] bits = Arrays.copyOf(DATA_BITS, DATA_BITS.length + 1);
      bits[DATA_BITS.length] = 60;
      CkksSpec seal = CkksSpec.of(N, bits);
      return digits == 0 ? seal : seal.withKeySwitching(digits, specialBits);
    }
  }

  static final List<Choice> CHOICES =
      List.of(
          new Choice(0, new int[] {60}),
          new Choice(7, new int[] {60}),
          new Choice(4, new int[] {40, 40}),
          new Choice(4, new int[] {60, 60}),
          new Choice(3, new int[] {60, 60}),
          new Choice(3, new int[] {46, 46, 46}),
          new Choice(4, new int[] {49, 49}),
          new Choice(2, new int[] {60, 60}));

  private KeySwitchLayouts() {}

  /** One layout's keys, inputs and measurements. */
  private static final class Row {
    final CkksParameters params;
    final Evaluator evaluator;
    final RelinKeys rk;
    final GaloisKeys gk;
    final Ciphertext x;
    final Ciphertext y;
    final Ciphertext out;
    final double[] rotateMs;
    final double[] mrrMs;
    long rotateNtts;
    long mrrNtts;
    double rotateErrorBits;
    double mrrErrorBits;

    Row(CkksParameters params, int reps, double[] xs, double[] ys) {
      this.params = params;
      KeyGenerator keygen = new KeyGenerator(params);
      evaluator = new Evaluator(params);
      rk = keygen.createRelinKeys();
      gk = keygen.createGaloisKeys(new int[] {1}, false);
      CkksEncoder encoder = new CkksEncoder(params);
      Encryptor encryptor = new Encryptor(params, keygen.createPublicKey());
      x = encryptor.encryptNew(encoder.encode(xs, params.maxLevel(), BenchParams.SCALE));
      y = encryptor.encryptNew(encoder.encode(ys, params.maxLevel(), BenchParams.SCALE));
      out = new Ciphertext(params);
      rotateMs = new double[reps];
      mrrMs = new double[reps];
      Decryptor decryptor = new Decryptor(params, keygen.secretKey());
      double[] rot = encoder.decode(decryptor.decryptNew(evaluator.rotateNew(x, 1, gk)));
      double[] mrr =
          encoder.decode(decryptor.decryptNew(evaluator.multiplyRelinRescaleNew(x, y, rk)));
      double rotErr = 0;
      double mrrErr = 0;
      for (int i = 0; i < xs.length; i++) {
        rotErr = Math.max(rotErr, Math.abs(rot[i] - xs[(i + 1) % xs.length]));
        mrrErr = Math.max(mrrErr, Math.abs(mrr[i] - xs[i] * ys[i]));
      }
      rotateErrorBits = Math.log(rotErr) / Math.log(2);
      mrrErrorBits = Math.log(mrrErr) / Math.log(2);
      long before = ntts();
      evaluator.rotate(x, 1, gk, out);
      rotateNtts = ntts() - before;
      before = ntts();
      evaluator.multiplyRelinRescale(x, y, rk, out);
      mrrNtts = ntts() - before;
    }

    long ntts() {
      long c = 0;
      for (int i = 0; i < params.keyLimbCount(); i++) {
        c += params.nttTables(i).transformCount();
      }
      return c;
    }
  }

  public static void main(String[] args) {
    int reps = 15;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--reps") && i + 1 < args.length) {
        reps = Integer.parseInt(args[++i]);
      } else {
        throw new IllegalArgumentException(
            "unknown argument '" + args[i] + "' (expected --reps K)");
      }
    }
    SecureRandom random = new SecureRandom();
    double[] xs = new double[N / 2];
    double[] ys = new double[N / 2];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = random.nextDouble() * 2 - 1;
      ys[i] = random.nextDouble() * 2 - 1;
    }
    Row[] rows = new Row[CHOICES.size()];
    for (int c = 0; c < rows.length; c++) {
      System.err.println("[layouts] keys for " + CHOICES.get(c).spec());
      rows[c] = new Row(CkksParameters.create(CHOICES.get(c).spec()), reps, xs, ys);
    }
    // Warm-up, then interleaved repetitions: rep r of every layout before rep r+1 of any.
    for (int w = 0; w < 5; w++) {
      for (Row row : rows) {
        row.evaluator.rotate(row.x, 1, row.gk, row.out);
        row.evaluator.multiplyRelinRescale(row.x, row.y, row.rk, row.out);
      }
    }
    for (int r = 0; r < reps; r++) {
      for (Row row : rows) {
        long t0 = System.nanoTime();
        row.evaluator.rotate(row.x, 1, row.gk, row.out);
        long t1 = System.nanoTime();
        row.evaluator.multiplyRelinRescale(row.x, row.y, row.rk, row.out);
        long t2 = System.nanoTime();
        row.rotateMs[r] = (t1 - t0) / 1e6;
        row.mrrMs[r] = (t2 - t1) / 1e6;
      }
    }
    System.out.println(
        "| layout | log2 QP | NTTs rotate | NTTs mul+relin+rescale | Galois key MB | rotate ms | "
            + "mul+relin+rescale ms | rotate error bits | mul+relin+rescale error bits |");
    System.out.println("|---|---|---|---|---|---|---|---|---|");
    for (int c = 0; c < rows.length; c++) {
      Row row = rows[c];
      Choice ch = CHOICES.get(c);
      String name =
          ch.digits() == 0
              ? "SEAL (7 digits, P=[60])"
              : "hybrid " + ch.digits() + " digits, P=" + Arrays.toString(ch.specialBits());
      System.out.println(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %.2f | %.2f | %.2f | %.1f | %.1f |",
              name,
              row.params.totalBits(),
              row.rotateNtts,
              row.mrrNtts,
              row.gk.get(row.params.galoisElement(1)).sizeBytes() / 1e6,
              median(row.rotateMs),
              median(row.mrrMs),
              row.rotateErrorBits,
              row.mrrErrorBits));
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
