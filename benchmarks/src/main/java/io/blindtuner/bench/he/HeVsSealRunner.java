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
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Our side of bench/he-vs-seal.sh: times the operations of bench/node/seal-bench.js on our engine, with the
 * same parameter sets, scale and timing rule ({@link MedianTimer}), once per thread count, and prints JSON on
 * stdout (progress on stderr). The JSON has the shape bench/node/report.js reads:
 * {@code results.<N>.ops.<op>.<threads> = {ms, reps}}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.blindtuner.bench.he.HeVsSealRunner [--n 8192,16384]
 * [--threads 1,2] [--quick]}.
 */
public final class HeVsSealRunner {
    private static final MedianTimer FAST = new MedianTimer(10, 1_000_000_000L, 15, 1_500_000_000L, 2000);
    private static final MedianTimer SLOW = new MedianTimer(1, 0, 5, 0, 5);
    private static final MedianTimer FAST_QUICK = new MedianTimer(3, 100_000_000L, 5, 100_000_000L, 50);
    private static final MedianTimer SLOW_QUICK = new MedianTimer(1, 0, 3, 0, 3);

    private HeVsSealRunner() {}

    public static void main(String[] args) throws Exception {
        int[] ns = {8192, 16384};
        int[] threads = {1, 2};
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> ns = parseList(args, ++i, "--n");
                case "--threads" -> threads = parseList(args, ++i, "--threads");
                case "--quick" -> quick = true;
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "' (expected --n LIST, --threads LIST, --quick)");
            }
        }
        for (int n : ns) {
            BenchParams.bits(n);
        }
        for (int t : threads) {
            if (t < 1 || t > 64) {
                throw new IllegalArgumentException("thread count must be in [1, 64], got " + t);
            }
        }
        int maxThreads = Arrays.stream(threads).max().orElse(1);
        ExecutorService pool = BenchParams.workerPool(maxThreads);
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"engine\": \"blindtuner he-runtime (pure Java)\",\n");
        json.append("  \"jvm\": ").append(quote(jvmDescription())).append(",\n");
        json.append("  \"scaleBits\": 40,\n  \"results\": {");
        try {
            for (int k = 0; k < ns.length; k++) {
                int n = ns[k];
                Map<String, Map<Integer, MedianTimer.Result>> ops = benchN(n, threads, pool, quick);
                json.append(k == 0 ? "\n" : ",\n");
                json.append("    \"").append(n).append("\": {\n      \"primes\": ")
                        .append(Arrays.toString(BenchParams.bits(n))).append(",\n      \"ops\": {");
                int o = 0;
                for (Map.Entry<String, Map<Integer, MedianTimer.Result>> op : ops.entrySet()) {
                    json.append(o++ == 0 ? "\n" : ",\n").append("        ").append(quote(op.getKey())).append(": {");
                    int t = 0;
                    for (Map.Entry<Integer, MedianTimer.Result> r : op.getValue().entrySet()) {
                        json.append(t++ == 0 ? "" : ", ").append('"').append(r.getKey()).append("\": {\"ms\": ")
                                .append(String.format(Locale.ROOT, "%.6f", r.getValue().medianMs()))
                                .append(", \"reps\": ").append(r.getValue().reps()).append('}');
                    }
                    json.append('}');
                }
                json.append("\n      }\n    }");
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        json.append("\n  }\n}\n");
        System.out.print(json);
        System.out.flush();
    }

    private static Map<String, Map<Integer, MedianTimer.Result>> benchN(int n, int[] threadCounts, ExecutorService pool,
            boolean quick) throws Exception {
        CkksParameters params = BenchParams.parameters(n);
        int top = params.maxLevel();
        progress("N=%d: %s; generating keys", n, params);
        KeyGenerator keygen = new KeyGenerator(params);
        SecretKey sk = keygen.secretKey();
        PublicKey pk = keygen.createPublicKey();
        RelinKeys rk = keygen.createRelinKeys();
        GaloisKeys gk = keygen.createGaloisKeys();

        SecureRandom random = new SecureRandom();
        double[] x = new double[params.slots()];
        double[] y = new double[params.slots()];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble() * 2 - 1;
            y[i] = random.nextDouble() * 2 - 1;
        }
        MedianTimer fast = quick ? FAST_QUICK : FAST;
        MedianTimer slow = quick ? SLOW_QUICK : SLOW;
        Map<String, Map<Integer, MedianTimer.Result>> results = new LinkedHashMap<>();
        for (int threads : threadCounts) {
            Parallelism par = threads == 1 ? Parallelism.SERIAL : new Parallelism(pool, threads);
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

            Plaintext pt = new Plaintext(params, top, BenchParams.SCALE);
            Ciphertext out = new Ciphertext(params);
            Ciphertext prod = evaluator.multiplyNew(cx, cy);
            Op op = (name, timer, run) -> {
                progress("N=%d threads=%d %s ...", n, threads, name);
                MedianTimer.Result r = timer.measure(run);
                progress("N=%d threads=%d %s: %.3f ms (median of %d)", n, threads, name, r.medianMs(), r.reps());
                results.computeIfAbsent(name, key -> new LinkedHashMap<>()).put(threads, r);
            };
            op.run("encode", fast, MedianTimer.whole(() -> encoder.encode(x, null, top, BenchParams.SCALE, pt)));
            op.run("encrypt", fast, MedianTimer.whole(() -> encryptor.encrypt(px, out)));
            op.run("decrypt_decode", fast, MedianTimer.whole(() -> {
                decryptor.decrypt(cx, pt);
                encoder.decode(pt);
            }));
            op.run("add", fast, MedianTimer.whole(() -> evaluator.add(cx, cy, out)));
            op.run("multiply_plain", fast, MedianTimer.whole(() -> evaluator.multiplyPlain(cx, py, out)));
            // The engine's fused call (one rounding division by P*q_level); SEAL has none, node-seal makes the
            // three calls. The three separate calls are timed too (multiply_relin_rescale_3calls).
            op.run("multiply_relin_rescale", fast,
                    MedianTimer.whole(() -> evaluator.multiplyRelinRescale(cx, cy, rk, out)));
            op.run("multiply_relin_rescale_3calls", fast, MedianTimer.whole(() -> {
                evaluator.multiply(cx, cy, out);
                evaluator.relinearize(out, rk, out);
                evaluator.rescale(out, out);
            }));
            op.run("rotate", fast, MedianTimer.whole(() -> evaluator.rotate(cx, 1, gk, out)));
            op.run("multiply", fast, MedianTimer.whole(() -> evaluator.multiply(cx, cy, out)));
            op.run("relinearize", fast, MedianTimer.whole(() -> evaluator.relinearize(prod, rk, out)));
            op.run("rescale", fast, MedianTimer.whole(() -> evaluator.rescale(cx, out)));
            op.run("galois_keygen", slow, MedianTimer.whole(parallelKeygen::createGaloisKeys));
        }
        return results;
    }

    /** One timed op: measures it and records the result under its name and thread count. */
    @FunctionalInterface
    private interface Op {
        void run(String name, MedianTimer timer, MedianTimer.TimedRun run) throws Exception;
    }

    /**
     * Decrypts x*y (fused, and as multiply, relinearize, rescale) and x rotated by 1 before timing, so a broken
     * engine or setup cannot produce a fast-looking table. 1e-4 is far above CKKS's error at scale 2^40 (about
     * 2^-20 after one multiplication on inputs in [-1, 1]) and far below any real mistake (errors of order 1).
     */
    private static void selfCheck(int n, int threads, CkksParameters params, CkksEncoder encoder, Decryptor decryptor,
            Evaluator evaluator, RelinKeys rk, GaloisKeys gk, Ciphertext cx, Ciphertext cy, double[] x, double[] y) {
        Ciphertext prod = evaluator.multiplyNew(cx, cy);
        evaluator.relinearize(prod, rk, prod);
        evaluator.rescale(prod, prod);
        double[] got = encoder.decode(decryptor.decryptNew(prod));
        double[] fused = encoder.decode(decryptor.decryptNew(evaluator.multiplyRelinRescaleNew(cx, cy, rk)));
        double[] rot = encoder.decode(decryptor.decryptNew(evaluator.rotateNew(cx, 1, gk)));
        double maxErr = 0;
        int slots = params.slots();
        for (int i = 0; i < slots; i++) {
            maxErr = Math.max(maxErr, Math.abs(got[i] - x[i] * y[i]));
            maxErr = Math.max(maxErr, Math.abs(fused[i] - x[i] * y[i]));
            maxErr = Math.max(maxErr, Math.abs(rot[i] - x[(i + 1) % slots]));
        }
        if (!(maxErr < 1e-4)) {
            throw new IllegalStateException("self-check failed at N=" + n + " with " + threads
                    + " threads: max error " + maxErr + " on multiply+relinearize+rescale (fused or not) / rotate by 1");
        }
    }

    private static int[] parseList(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a comma-separated list of integers");
        }
        List<Integer> values = new ArrayList<>();
        for (String s : args[i].split(",")) {
            try {
                values.add(Integer.parseInt(s.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": '" + s + "' is not an integer", e);
            }
        }
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String jvmDescription() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vm.vendor") + ")";
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void progress(String format, Object... args) {
        System.err.println("[ours] " + String.format(Locale.ROOT, format, args));
    }
}
