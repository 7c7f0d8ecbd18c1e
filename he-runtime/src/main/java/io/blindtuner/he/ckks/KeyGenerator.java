package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.Csprng;
import io.blindtuner.he.ring.LimbOps;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.ring.PrngFactory;
import io.blindtuner.he.ring.RnsPoly;
import io.blindtuner.he.ring.Samplers;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Creates the secret key (ternary, from a CSPRNG) and the keys derived from it, in SEAL's layouts
 * (key-switching keys in the parameters' {@link KeySwitchLayout}: SEAL's unless the spec asked for
 * the hybrid one). Hospital-side. Each key ciphertext's uniform part a is expanded from a fresh
 * SecureRandom seed with the generator's seed PRNG (default AES-CTR; the SEAL wire format plugs in
 * SEAL's), and the seed is kept with the key ({@link KeySeed}) so the key can be sent in seeded
 * form. Seeds come from SecureRandom; s and e from SecureRandom-seeded AES-CTR streams.
 */
public final class KeyGenerator {
  private final CkksParameters params;
  private final CkksKernels kernels;
  private final PrngFactory seedPrng;
  private final SecureRandom random;
  private final SecretKey secretKey;

  /** A generator with a fresh secret key, AES-CTR seeds, single-threaded. */
  public KeyGenerator(CkksParameters params) {
    this(params, null, Csprng.AES_CTR, Parallelism.SERIAL);
  }

  /**
   * A generator for an existing secret key (null: generate one), AES-CTR seeds.
   *
   * @throws ParameterMismatchException if the key belongs to other parameters
   */
  public KeyGenerator(CkksParameters params, SecretKey secretKey, Parallelism parallelism) {
    this(params, secretKey, Csprng.AES_CTR, parallelism);
  }

  /**
   * A generator for an existing secret key (null: generate one).
   *
   * @param seedPrng expands the recorded seed of each key ciphertext's a (a SealPrngFactory for
   *     SEAL's seeded form)
   * @throws ParameterMismatchException if the key belongs to other parameters
   * @throws HeException if seedPrng is null
   */
  public KeyGenerator(
      CkksParameters params, SecretKey secretKey, PrngFactory seedPrng, Parallelism parallelism) {
    if (seedPrng == null) {
      throw new HeException("KeyGenerator needs a seed PRNG (Csprng.AES_CTR by default)");
    }
    this.params = params;
    this.seedPrng = seedPrng;
    this.kernels = new CkksKernels(params, parallelism);
    this.random = new SecureRandom();
    if (secretKey == null) {
      int[] s = new int[params.n()];
      try (Csprng prng = Csprng.fresh(random)) {
        Samplers.ternary(prng, s);
      }
      RnsPoly poly = new RnsPoly(params.n(), params.keyLimbCount(), true);
      kernels.smallToNtt(s, poly.limbs(), params.keyLimbCount());
      Arrays.fill(s, 0);
      this.secretKey = new SecretKey(params, poly);
    } else {
      params.check(secretKey.parametersId(), "secret key", "KeyGenerator");
      this.secretKey = secretKey;
    }
  }

  public SecretKey secretKey() {
    return secretKey;
  }

  /** Public key (-(a*s + e), a) at the key level, with the seed of a. */
  public PublicKey createPublicKey() {
    RnsPoly p0 = new RnsPoly(params.n(), params.keyLimbCount(), true);
    RnsPoly p1 = new RnsPoly(params.n(), params.keyLimbCount(), true);
    KeySeed seed = encryptZero(p0, p1);
    return new PublicKey(params, p0, p1, seed);
  }

  /** Relinearization key: key switching from s^2 to s. */
  public RelinKeys createRelinKeys() {
    int m = params.keyLimbCount();
    RnsPoly s2 = new RnsPoly(params.n(), m, true);
    for (int j = 0; j < m; j++) {
      LimbOps.mul(
          secretKey.poly().limb(j), secretKey.poly().limb(j), s2.limb(j), params.modulus(j));
    }
    RelinKeys keys = new RelinKeys(createKeySwitchKey(s2));
    wipe(s2);
    return keys;
  }

  /**
   * Galois keys for the given rotation steps (positive = left) and, if {@code conjugation}, for
   * complex conjugation. Steps are taken modulo the slot count; step 0 is ignored.
   */
  public GaloisKeys createGaloisKeys(int[] steps, boolean conjugation) {
    TreeSet<Integer> elts = new TreeSet<>();
    for (int step : steps) {
      int g = params.galoisElement(step);
      if (g != 1) {
        elts.add(g);
      }
    }
    if (conjugation) {
      elts.add(params.conjugationElement());
    }
    return createGaloisKeysForElements(elts.stream().mapToInt(Integer::intValue).toArray());
  }

  /** SEAL's default set: steps &plusmn;2^i for 2^i &lt; N/2, and conjugation. */
  public GaloisKeys createGaloisKeys() {
    int slots = params.slots();
    int count = Integer.numberOfTrailingZeros(slots);
    int[] steps = new int[2 * count];
    for (int i = 0; i < count; i++) {
      steps[2 * i] = 1 << i;
      steps[2 * i + 1] = -(1 << i);
    }
    return createGaloisKeys(steps, true);
  }

  /**
   * Galois keys for explicit Galois elements.
   *
   * @throws HeException if an element is not odd in [1, 2N)
   */
  public GaloisKeys createGaloisKeysForElements(int... elements) {
    Map<Integer, KeySwitchKey> keys = new LinkedHashMap<>();
    for (int g : elements) {
      int[] table = params.galoisTable(g);
      int m = params.keyLimbCount();
      RnsPoly rotated = new RnsPoly(params.n(), m, true);
      for (int j = 0; j < m; j++) {
        long[] src = secretKey.poly().limb(j);
        long[] dst = rotated.limb(j);
        for (int x = 0; x < dst.length; x++) {
          dst[x] = src[table[x]];
        }
      }
      keys.put(g, createKeySwitchKey(rotated));
      wipe(rotated);
    }
    return new GaloisKeys(params, keys);
  }

  /**
   * SEAL's generate_one_kswitch_key, per digit of the parameters' layout: for digit j, Enc_s(0) at
   * key level plus [P mod q_i]*s' on each limb i of the digit (the gadget factor of digit j times
   * P, see {@link KeySwitchKey}), with the seed of each a_j. In SEAL's layout every digit is one
   * data prime.
   */
  KeySwitchKey createKeySwitchKey(RnsPoly newKey) {
    KeySwitchLayout layout = params.keySwitchLayout();
    int dnum = layout.digitCount();
    int m = params.keyLimbCount();
    RnsPoly[][] digits = new RnsPoly[dnum][2];
    KeySeed[] seeds = new KeySeed[dnum];
    for (int j = 0; j < dnum; j++) {
      RnsPoly b = new RnsPoly(params.n(), m, true);
      RnsPoly a = new RnsPoly(params.n(), m, true);
      seeds[j] = encryptZero(b, a);
      for (int i = layout.digitStart(j); i < layout.digitEnd(j); i++) {
        Modulus qi = params.modulus(i);
        long factor = params.specialModData[i];
        long[] bi = b.limb(i);
        long[] si = newKey.limb(i);
        for (int x = 0; x < bi.length; x++) {
          bi[x] = qi.add(bi[x], qi.mul(si[x], factor));
        }
      }
      digits[j][0] = b;
      digits[j][1] = a;
    }
    return new KeySwitchKey(params, digits, seeds);
  }

  /**
   * (b, a) = (-(a*s + e), a) at the key level, a expanded from a fresh seed (returned), e fresh.
   */
  private KeySeed encryptZero(RnsPoly b, RnsPoly a) {
    byte[] seed = new byte[seedPrng.seedBytes()];
    random.nextBytes(seed);
    try (Csprng errors = Csprng.fresh(random)) {
      kernels.encryptZeroSymmetric(
          secretKey.poly(),
          params.keyLimbCount(),
          seedPrng.create(seed),
          errors,
          b.limbs(),
          a.limbs());
    }
    return new KeySeed(seedPrng, seed);
  }

  /** Secret-derived temporaries (s^2, s(X^g)) are as sensitive as s: wipe them once used. */
  private static void wipe(RnsPoly secretDerived) {
    for (long[] limb : secretDerived.limbs()) {
      Arrays.fill(limb, 0);
    }
  }
}
