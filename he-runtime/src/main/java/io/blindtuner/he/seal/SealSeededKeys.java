package io.blindtuner.he.seal;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.ring.Csprng;
import io.blindtuner.he.ring.LimbOps;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.RnsPoly;
import io.blindtuner.he.ring.Samplers;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Creates public, relinearization and Galois keys in SEAL's seeded ("compressed") form, which stores
 * each key ciphertext as b and the 64-byte seed of a, halving what a client uploads. Each key
 * ciphertext is a fresh encryption of zero at the key level, as SEAL's encrypt_zero_symmetric with
 * save_seed: a = SEAL's uniform expansion of a fresh CSPRNG seed (read as NTT values), e a fresh error,
 * b = -(a*s + e), plus [P mod q_i]*s' on limb i of digit i for a key-switching key to s' (SEAL's
 * generate_one_kswitch_key). Hospital-side: it holds the secret key.
 */
public final class SealSeededKeys {
  private final SealCodec codec;
  private final CkksParameters params;
  private final SecretKey secretKey;
  private final SecureRandom random;
  private final SealPrngType prng;

  /**
   * @param prng the seed expansion to record (SEAL's default is BLAKE2XB)
   * @throws IllegalArgumentException if the secret key belongs to other parameters
   */
  public SealSeededKeys(SealCodec codec, SecretKey secretKey, SecureRandom random, SealPrngType prng) {
    if (secretKey.parametersId() != codec.parameters().id()) {
      throw new IllegalArgumentException("secret key belongs to other parameters than the codec");
    }
    this.codec = codec;
    this.params = codec.parameters();
    this.secretKey = secretKey;
    this.random = random;
    this.prng = prng;
  }

  /** A seeded PublicKey in SEAL bytes. */
  public byte[] publicKey(SealComprMode mode) {
    return SealWire.writeCiphertext(encryptZero(), mode);
  }

  /** Seeded RelinKeys (s^2 to s) in SEAL bytes. */
  public byte[] relinKeys(SealComprMode mode) {
    int m = params.keyLimbCount();
    RnsPoly s2 = new RnsPoly(params.n(), m, true);
    for (int j = 0; j < m; j++) {
      LimbOps.mul(secretKey.poly().limb(j), secretKey.poly().limb(j), s2.limb(j), params.modulus(j));
    }
    return SealWire.writeKSwitchKeys(new SealKSwitchKeysData(codec.sealParameters().keyParmsId(),
        List.of(keySwitchKey(s2))), mode);
  }

  /**
   * Seeded GaloisKeys for the given Galois elements (3^step mod 2N for rotations, 2N-1 for conjugation).
   *
   * @throws io.blindtuner.he.ckks.HeException if an element is not odd in [1, 2N)
   */
  public byte[] galoisKeys(int[] elements, SealComprMode mode) {
    int max = 1;
    for (int g : elements) {
      params.galoisTable(g); // validates g
      max = Math.max(max, g);
    }
    List<List<SealCiphertextData>> keys = new ArrayList<>();
    for (int i = 0; i <= SealKSwitchKeysData.galoisIndex(max); i++) {
      keys.add(new ArrayList<>());
    }
    int m = params.keyLimbCount();
    for (int g : elements) {
      int[] table = params.galoisTable(g);
      RnsPoly rotated = new RnsPoly(params.n(), m, true);
      for (int j = 0; j < m; j++) {
        long[] src = secretKey.poly().limb(j);
        long[] dst = rotated.limb(j);
        for (int x = 0; x < dst.length; x++) {
          dst[x] = src[table[x]];
        }
      }
      keys.set(SealKSwitchKeysData.galoisIndex(g), keySwitchKey(rotated));
    }
    return SealWire.writeKSwitchKeys(new SealKSwitchKeysData(codec.sealParameters().keyParmsId(), keys), mode);
  }

  private List<SealCiphertextData> keySwitchKey(RnsPoly target) {
    List<SealCiphertextData> parts = new ArrayList<>();
    long special = params.prime(params.specialIndex());
    for (int i = 0; i <= params.maxLevel(); i++) {
      SealCiphertextData zero = encryptZero();
      Modulus qi = params.modulus(i);
      long factor = qi.reduce(special);
      long[] bi = zero.polys()[0][i];
      long[] si = target.limb(i);
      for (int x = 0; x < bi.length; x++) {
        bi[x] = qi.add(bi[x], qi.mul(si[x], factor));
      }
      parts.add(zero);
    }
    return parts;
  }

  /** (b, a) = (-(a*s + e), a) at the key level, a expanded from a fresh seed. */
  private SealCiphertextData encryptZero() {
    int n = params.n();
    int m = params.keyLimbCount();
    byte[] seedBytes = new byte[8 * SealPrngInfo.SEED_WORDS];
    random.nextBytes(seedBytes);
    SealPrngInfo seed = SealPrngInfo.fromBytes(prng, seedBytes);
    long[][] a = SealUniformSampler.sample(seed, params.primes(), n);
    int[] e = new int[n];
    Samplers.gaussian(Csprng.fresh(random), e);
    long[][] b = new long[m][n];
    Modulus[] moduli = new Modulus[m];
    for (int j = 0; j < m; j++) {
      moduli[j] = params.modulus(j);
    }
    Samplers.toRns(e, moduli, b, m);
    for (int j = 0; j < m; j++) {
      params.nttTables(j).forward(b[j]);
      LimbOps.mulAdd(a[j], secretKey.poly().limb(j), b[j], moduli[j]);
      LimbOps.negate(b[j], b[j], moduli[j]);
    }
    Arrays.fill(e, 0);
    return new SealCiphertextData(codec.sealParameters().keyParmsId(), true, new long[][][] {b, a}, 1.0, 1, seed);
  }
}
