package io.blindtuner.he.seal;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.blindtuner.he.ring.Parallelism;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both ways against node-seal 7.0.0 (SEAL 4.1.2) at N = 8192 and 16384, 128-bit secure sets:
 *
 * <ul>
 *   <li>SEAL to Java: we read node-seal's parameters, keys and ciphertexts (plain, seeded, zlib,
 *       zstd), decrypt with the SEAL secret key, evaluate add, sub, multiply (relinearize +
 *       rescale), multiply_plain, rotate, conjugate and rescale (of SEAL's a*b) with SEAL's keys,
 *       and node-seal decrypts our results with its secret key;
 *   <li>Java to SEAL: our keys (plain, seeded with BLAKE2Xb and with SHAKE256) and ciphertexts
 *       (public-key, seeded symmetric with either PRNG, zlib, zstd) are loaded by node-seal, which
 *       encrypts, evaluates with our relin and Galois keys and decrypts with our secret key.
 * </ul>
 *
 * <p>Bound: values lie in [-1, 1] at scale 2^40. Fresh public-key noise per coefficient is below
 * ~6σ·sqrt(4N/3) (σ = 3.2, u, e, e' ternary/Gaussian) ≈ 2^12 at N = 16384, and the canonical
 * embedding multiplies by at most sqrt(N) = 2^7 in the worst slot: ≤ 2^19 / 2^40 = 2^-21. Products
 * and rescale add |a|·e_b + |b|·e_a and a rounding term of the same order. Key switching (rotate,
 * conjugate, relinearize) adds per digit i about q_i·6σ·sqrt(N)/P in each coefficient, i.e. ≤
 * 2^60·2^4.3·2^7/2^60 and ×2^7 in slots: 2^-21.7 per digit, ×(up to 7 digits) ≈ 2^-19, which SEAL's
 * own rotations reach (the baseline rows). We require 2^-16 everywhere: 3 bits of slack over the
 * worst case, while any format, PRNG or slot-order mistake gives errors of order 1.
 */
class SealInteropTest {
  private static final double BOUND = 0x1p-16;
  private static final Map<String, Double> WORST = new LinkedHashMap<>();

  @TempDir Path work;

  @ParameterizedTest(name = "N={0}")
  @CsvSource({"8192, '60,40,40,60', '0,1,3'", "16384, '60,40,40,40,40,40,40,60', '0,1'"})
  void bothWaysWithNodeSeal(int n, String bits, String steps) throws IOException {
    NodeSeal.Fixture fx = NodeSeal.fixture("n" + n, n, bits, 40, steps);
    SealCodec codec = SealCodec.of(fx.params());
    CkksParameters params = codec.parameters();
    double[] a = fx.values("a");
    double[] b = fx.values("b");
    double scale = fx.scale();
    int[] rotSteps = java.util.Arrays.stream(fx.steps()).filter(s -> s != 0).toArray();
    String tag = "N=" + n + " ";
    Map<String, Double> errors = new LinkedHashMap<>();

    // ---- SEAL objects read, decrypted and evaluated by us.
    SecretKey sealSk = codec.readSecretKey(fx.bytes("secret.bin"));
    CkksEncoder encoder = new CkksEncoder(params);
    Decryptor decryptor = new Decryptor(params, sealSk);
    Evaluator eval = new Evaluator(params, Parallelism.SERIAL);
    for (String f :
        List.of(
            "ct_a.bin",
            "ct_a_seeded.bin",
            "ct_a_zlib.bin",
            "ct_a_zstd.bin",
            "ct_a_seeded_zlib.bin")) {
      errors.put(
          tag + "SEAL " + f + " -> Java decrypt",
          err(encoder.decode(decryptor.decryptNew(codec.readCiphertext(fx.bytes(f)))), a));
    }
    Ciphertext ctA = codec.readCiphertext(fx.bytes("ct_a.bin"));
    Ciphertext ctB = codec.readCiphertext(fx.bytes("ct_b.bin"));
    RelinKeys sealRk = codec.readRelinKeys(fx.bytes("relin.bin"));
    RelinKeys sealRkSeeded = codec.readRelinKeys(fx.bytes("relin_seeded.bin"));
    GaloisKeys sealGk = codec.readGaloisKeys(fx.bytes("galois_seeded_zstd.bin"));
    Plaintext ptB = codec.readPlaintext(fx.bytes("pt_b.bin"));
    Map<String, Ciphertext> results = new LinkedHashMap<>();
    Map<String, double[]> expected = new LinkedHashMap<>();
    results.put("add", eval.addNew(ctA, ctB));
    expected.put("add", map(a, b, Double::sum));
    results.put("sub", eval.subNew(ctA, ctB));
    expected.put("sub", map(a, b, (x, y) -> x - y));
    results.put(
        "multiply", eval.rescaleNew(eval.relinearizeNew(eval.multiplyNew(ctA, ctB), sealRk)));
    expected.put("multiply", map(a, b, (x, y) -> x * y));
    results.put(
        "multiply(seeded relin keys)",
        eval.rescaleNew(eval.relinearizeNew(eval.multiplyNew(ctA, ctB), sealRkSeeded)));
    expected.put("multiply(seeded relin keys)", map(a, b, (x, y) -> x * y));
    results.put("multiply_plain", eval.rescaleNew(eval.multiplyPlainNew(ctA, ptB)));
    expected.put("multiply_plain", map(a, b, (x, y) -> x * y));
    // SEAL's own a*b, relinearized but not rescaled (scale 2^80): we rescale it.
    results.put("rescale", eval.rescaleNew(codec.readCiphertext(fx.bytes("ct_ab_unrescaled.bin"))));
    expected.put("rescale", map(a, b, (x, y) -> x * y));
    for (int s : rotSteps) {
      results.put("rotate " + s, eval.rotateNew(ctA, s, sealGk));
      expected.put("rotate " + s, rotate(a, s));
    }
    results.put("conjugate", eval.conjugateNew(ctA, sealGk));
    expected.put("conjugate", a);
    StringBuilder tasks = new StringBuilder("{\"tasks\":[");
    String sealCommon =
        "\"params\":"
            + NodeSeal.json(fx.path("params.bin").toString())
            + ",\"secret\":"
            + NodeSeal.json(fx.path("secret.bin").toString());
    for (var r : results.entrySet()) {
      errors.put(
          tag + "SEAL keys, Java " + r.getKey() + " -> Java decrypt",
          err(encoder.decode(decryptor.decryptNew(r.getValue())), expected.get(r.getKey())));
      Path out =
          Files.write(
              work.resolve(r.getKey().replaceAll("[^a-z0-9]", "_") + ".bin"),
              codec.write(r.getValue(), SealComprMode.ZSTD));
      tasks
          .append("{\"name\":")
          .append(NodeSeal.json(tag + "SEAL keys, Java " + r.getKey() + " -> SEAL decrypt"))
          .append(",\"type\":\"decrypt\",")
          .append(sealCommon)
          .append(",\"ciphertext\":")
          .append(NodeSeal.json(out.toString()))
          .append(",\"expect\":")
          .append(NodeSeal.json(expected.get(r.getKey())))
          .append("},");
    }

    // ---- Our keys and ciphertexts, used by SEAL. One secret key; full keys from the default
    // (AES-CTR) generator,
    // seeded keys from generators expanding their seeds with SEAL's PRNGs.
    KeyGenerator keygen = new KeyGenerator(params);
    SecretKey sk = keygen.secretKey();
    PublicKey pk = keygen.createPublicKey();
    KeyGenerator seeded =
        new KeyGenerator(params, sk, SealPrngFactory.BLAKE2XB, Parallelism.SERIAL);
    KeyGenerator shake =
        new KeyGenerator(
            params, sk, new SealPrngFactory(SealPrngType.SHAKE256), Parallelism.SERIAL);
    int[] elements = new int[rotSteps.length + 1];
    for (int i = 0; i < rotSteps.length; i++) {
      elements[i] = params.galoisElement(rotSteps[i]);
    }
    elements[rotSteps.length] = params.conjugationElement();
    GaloisKeys gk = keygen.createGaloisKeysForElements(elements);
    Path skFile = Files.write(work.resolve("j_secret.bin"), codec.write(sk, SealComprMode.NONE));
    Map<String, Path[]> keySets = new LinkedHashMap<>();
    keySets.put(
        "full keys",
        new Path[] {
          Files.write(work.resolve("j_public.bin"), codec.write(pk, SealComprMode.NONE)),
          Files.write(
              work.resolve("j_relin.bin"),
              codec.write(keygen.createRelinKeys(), SealComprMode.NONE)),
          Files.write(work.resolve("j_galois.bin"), codec.write(gk, SealComprMode.ZLIB))
        });
    keySets.put(
        "seeded keys (shake256)",
        new Path[] {
          Files.write(
              work.resolve("j_public_shake.bin"),
              codec.writeSeeded(shake.createPublicKey(), SealComprMode.ZLIB)),
          Files.write(
              work.resolve("j_relin_shake.bin"),
              codec.writeSeeded(shake.createRelinKeys(), SealComprMode.NONE)),
          Files.write(
              work.resolve("j_galois_shake.bin"),
              codec.writeSeeded(shake.createGaloisKeysForElements(elements), SealComprMode.ZSTD))
        });
    keySets.put(
        "seeded keys",
        new Path[] {
          Files.write(
              work.resolve("j_public_seeded.bin"),
              codec.writeSeeded(seeded.createPublicKey(), SealComprMode.NONE)),
          Files.write(
              work.resolve("j_relin_seeded.bin"),
              codec.writeSeeded(seeded.createRelinKeys(), SealComprMode.ZSTD)),
          Files.write(
              work.resolve("j_galois_seeded.bin"),
              codec.writeSeeded(seeded.createGaloisKeysForElements(elements), SealComprMode.NONE))
        });
    String javaCommon =
        "\"params\":"
            + NodeSeal.json(fx.path("params.bin").toString())
            + ",\"secret\":"
            + NodeSeal.json(skFile.toString());
    // Baseline: SEAL with its own keys, so the Java-key rows can be read against SEAL's own noise.
    keySets.put(
        "SEAL's own keys (baseline)",
        new Path[] {fx.path("public.bin"), fx.path("relin.bin"), fx.path("galois.bin")});
    for (var ks : keySets.entrySet()) {
      boolean baseline = ks.getKey().startsWith("SEAL");
      tasks
          .append("{\"name\":")
          .append(NodeSeal.json(tag + (baseline ? "" : "Java ") + ks.getKey() + " -> SEAL"))
          .append(",\"type\":\"use-keys\",")
          .append(baseline ? sealCommon : javaCommon)
          .append(",\"public\":")
          .append(NodeSeal.json(ks.getValue()[0].toString()))
          .append(",\"relin\":")
          .append(NodeSeal.json(ks.getValue()[1].toString()))
          .append(",\"galois\":")
          .append(NodeSeal.json(ks.getValue()[2].toString()))
          .append(",\"a\":")
          .append(NodeSeal.json(a))
          .append(",\"b\":")
          .append(NodeSeal.json(b))
          .append(",\"scale\":")
          .append(scale)
          .append(",\"steps\":")
          .append(java.util.Arrays.toString(rotSteps))
          .append("},");
    }
    Encryptor encryptor =
        new Encryptor(params, pk, sk, SealPrngFactory.BLAKE2XB, Parallelism.SERIAL);
    Plaintext ptA = encoder.encode(a, params.maxLevel(), scale);
    Ciphertext javaCt = encryptor.encryptNew(ptA);
    Map<String, byte[]> javaCts = new LinkedHashMap<>();
    javaCts.put("public-key", codec.write(javaCt, SealComprMode.NONE));
    javaCts.put("zlib", codec.write(javaCt, SealComprMode.ZLIB));
    javaCts.put("zstd", codec.write(javaCt, SealComprMode.ZSTD));
    javaCts.put(
        "seeded symmetric",
        codec.write(
            encryptor.encryptSymmetricSeeded(ptA), SealPrngFactory.BLAKE2XB, SealComprMode.NONE));
    javaCts.put(
        "seeded symmetric zstd",
        codec.write(
            encryptor.encryptSymmetricSeeded(ptA), SealPrngFactory.BLAKE2XB, SealComprMode.ZSTD));
    SealPrngFactory shake256 = new SealPrngFactory(SealPrngType.SHAKE256);
    Encryptor shakeEncryptor = new Encryptor(params, pk, sk, shake256, Parallelism.SERIAL);
    javaCts.put(
        "seeded symmetric shake256",
        codec.write(shakeEncryptor.encryptSymmetricSeeded(ptA), shake256, SealComprMode.NONE));
    List<String> names = new ArrayList<>(javaCts.keySet());
    for (String name : names) {
      byte[] bytes = javaCts.get(name);
      assertThat(bytes.length).as(name).isGreaterThan(16);
      Path out = Files.write(work.resolve("j_ct_" + name.replace(' ', '_') + ".bin"), bytes);
      tasks
          .append("{\"name\":")
          .append(NodeSeal.json(tag + "Java " + name + " ciphertext -> SEAL decrypt"))
          .append(",\"type\":\"decrypt\",")
          .append(javaCommon)
          .append(",\"ciphertext\":")
          .append(NodeSeal.json(out.toString()))
          .append(",\"expect\":")
          .append(NodeSeal.json(a))
          .append("},");
    }
    tasks.setLength(tasks.length() - 1);
    tasks.append("]}");
    errors.putAll(NodeSeal.check(work, tasks.toString()));

    report(errors);
    assertThat(errors).hasSizeGreaterThan(20);
    assertThat(errors).allSatisfy((k, v) -> assertThat(v).as(k).isLessThan(BOUND));
  }

  private static synchronized void report(Map<String, Double> errors) throws IOException {
    WORST.putAll(errors);
    StringBuilder b =
        new StringBuilder("SEAL interop: precision in bits = -log2(max |error|) over all slots\n");
    for (var e : WORST.entrySet()) {
      b.append(String.format(Locale.ROOT, "%6.1f  %s%n", NodeSeal.bits(e.getValue()), e.getKey()));
    }
    System.out.print(b);
    Path file = NodeSeal.root().resolve("he-runtime/target/seal-interop-report.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, b.toString());
  }

  private static double err(double[] got, double[] want) {
    double e = 0;
    for (int i = 0; i < want.length; i++) {
      e = Math.max(e, Math.abs(got[i] - want[i]));
    }
    return e;
  }

  private static double[] map(double[] a, double[] b, DoubleBinaryOperator f) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = f.applyAsDouble(a[i], b[i]);
    }
    return r;
  }

  private static double[] rotate(double[] a, int step) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[Math.floorMod(i + step, a.length)];
    }
    return r;
  }
}
