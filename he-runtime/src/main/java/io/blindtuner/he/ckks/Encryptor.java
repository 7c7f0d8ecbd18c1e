package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.Csprng;
import io.blindtuner.he.ring.LimbOps;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.ring.Prng;
import io.blindtuner.he.ring.PrngFactory;
import io.blindtuner.he.ring.Samplers;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Encrypts plaintexts with the public key (SEAL's encrypt_zero_asymmetric one level above, then
 * division by that prime with rounding, so fresh noise is tiny) or with the secret key (symmetric,
 * optionally seeded). Every u, e and seed comes from a SecureRandom-seeded AES-CTR stream.
 * Thread-safe.
 */
public final class Encryptor {
  private final CkksParameters params;
  private final PublicKey publicKey;
  private final SecretKey secretKey;
  private final CkksKernels kernels;
  private final PrngFactory seedPrng;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param publicKey for {@link #encrypt}; may be null if only symmetric encryption is used
   * @param secretKey for {@link #encryptSymmetric}; may be null (cloud side never has it)
   * @param seedPrng generator that expands the public seed of c1 in seeded symmetric ciphertexts
   * @throws ParameterMismatchException if a key belongs to other parameters
   * @throws HeException if both keys are null
   */
  public Encryptor(
      CkksParameters params,
      PublicKey publicKey,
      SecretKey secretKey,
      PrngFactory seedPrng,
      Parallelism parallelism) {
    if (publicKey == null && secretKey == null) {
      throw new HeException("Encryptor needs a public key or a secret key");
    }
    if (publicKey != null) {
      params.check(publicKey.parametersId(), "public key", "Encryptor");
    }
    if (secretKey != null) {
      params.check(secretKey.parametersId(), "secret key", "Encryptor");
    }
    this.params = params;
    this.publicKey = publicKey;
    this.secretKey = secretKey;
    this.seedPrng = seedPrng;
    this.kernels = new CkksKernels(params, parallelism);
  }

  /** Public-key encryptor, AES-CTR seeds, single-threaded. */
  public Encryptor(CkksParameters params, PublicKey publicKey) {
    this(params, publicKey, null, Csprng.AES_CTR, Parallelism.SERIAL);
  }

  /** Secret-key encryptor, AES-CTR seeds, single-threaded. */
  public Encryptor(CkksParameters params, SecretKey secretKey) {
    this(params, null, secretKey, Csprng.AES_CTR, Parallelism.SERIAL);
  }

  /**
   * Public-key encryption of {@code plain} into {@code out} (same level and scale).
   *
   * @throws HeException if there is no public key
   * @throws ParameterMismatchException if plain or out belong to other parameters
   */
  public void encrypt(Plaintext plain, Ciphertext out) {
    if (publicKey == null) {
      throw new HeException("encrypt: this Encryptor has no public key");
    }
    params.check(plain.parametersId(), "plaintext", "encrypt");
    params.check(out.parametersId(), "destination", "encrypt");
    int level = plain.level();
    int m = level + 2;
    int n = params.n();
    long[][] c0 = new long[m][n];
    long[][] c1 = new long[m][n];
    int[] u = new int[n];
    int[] e0 = new int[n];
    int[] e1 = new int[n];
    try (Csprng prng = Csprng.fresh(random)) {
      Samplers.ternary(prng, u);
      Samplers.gaussian(prng, e0);
      Samplers.gaussian(prng, e1);
    }
    long[][] uNtt = new long[m][n];
    kernels.smallToNtt(u, uNtt, m);
    Arrays.fill(u, 0);
    kernels.smallToNtt(e0, c0, m);
    kernels.smallToNtt(e1, c1, m);
    kernels
        .parallelism()
        .forEachRange(
            m,
            n,
            (j, from, to) -> {
              LimbOps.mulAdd(publicKey.p0().limb(j), uNtt[j], c0[j], params.moduli[j], from, to);
              LimbOps.mulAdd(publicKey.p1().limb(j), uNtt[j], c1[j], params.moduli[j], from, to);
            });
    // u alone decrypts this ciphertext, and e0, e1 with it: wipe them before they are left to the
    // collector.
    for (long[] limb : uNtt) {
      Arrays.fill(limb, 0);
    }
    Arrays.fill(e0, 0);
    Arrays.fill(e1, 0);
    kernels.divideRoundByLast(new long[][][] {c0, c1}, m);
    out.reshape(2, level, plain.scale());
    for (int j = 0; j <= level; j++) {
      LimbOps.add(c0[j], plain.poly().limb(j), out.poly(0).limb(j), params.moduli[j]);
      System.arraycopy(c1[j], 0, out.poly(1).limb(j), 0, n);
    }
  }

  /**
   * @throws HeException if there is no public key
   * @throws ParameterMismatchException if plain belongs to other parameters
   */
  public Ciphertext encryptNew(Plaintext plain) {
    Ciphertext out = new Ciphertext(params, 2, plain.level(), plain.scale());
    encrypt(plain, out);
    return out;
  }

  /**
   * Symmetric encryption (c1 uniform from a fresh CSPRNG stream, c0 = -(c1*s + e) + m).
   *
   * @throws HeException if there is no secret key
   * @throws ParameterMismatchException if plain or out belong to other parameters
   */
  public void encryptSymmetric(Plaintext plain, Ciphertext out) {
    encryptSymmetric(plain, out, Csprng.newSeed(random), Csprng.AES_CTR);
  }

  /**
   * Symmetric encryption whose c1 is expanded from a fresh public seed with this encryptor's seed
   * generator (default AES-CTR; the SEAL wire format plugs in SEAL's generator).
   *
   * @throws HeException if there is no secret key
   * @throws ParameterMismatchException if plain belongs to other parameters
   */
  public SeededCiphertext encryptSymmetricSeeded(Plaintext plain) {
    byte[] seed = new byte[seedPrng.seedBytes()];
    random.nextBytes(seed);
    Ciphertext out = new Ciphertext(params, 2, plain.level(), plain.scale());
    encryptSymmetric(plain, out, seed, seedPrng);
    return new SeededCiphertext(out, seed);
  }

  /** Length of the coins {@link #encryptSymmetricSeeded(Plaintext, byte[])} takes. */
  public int coinBytes() {
    return seedPrng.seedBytes() + Csprng.SEED_BYTES;
  }

  /**
   * Seeded symmetric encryption whose randomness comes entirely from {@code coins}: the seed of c1,
   * then the seed of the error stream. For a key holder that must answer a repeated request
   * identically (so a repeat teaches nothing and a resumed computation is reproduced exactly): it
   * derives the coins with a PRF under a secret of its own from the request, so distinct requests
   * get independent, secret randomness. Never pass public or reused coins for distinct plaintexts:
   * the error would repeat and leak the plaintexts' difference.
   *
   * @throws HeException if there is no secret key
   * @throws IllegalArgumentException if coins is not {@link #coinBytes()} long
   * @throws ParameterMismatchException if plain belongs to other parameters
   */
  public SeededCiphertext encryptSymmetricSeeded(Plaintext plain, byte[] coins) {
    if (coins.length != coinBytes()) {
      throw new IllegalArgumentException(
          "coins must be " + coinBytes() + " bytes, got " + coins.length);
    }
    byte[] seed = Arrays.copyOfRange(coins, 0, seedPrng.seedBytes());
    byte[] errorSeed = Arrays.copyOfRange(coins, seedPrng.seedBytes(), coins.length);
    Ciphertext out = new Ciphertext(params, 2, plain.level(), plain.scale());
    try (Csprng errors = new Csprng(errorSeed)) {
      encryptSymmetric(plain, out, seed, seedPrng, errors);
    } finally {
      Arrays.fill(errorSeed, (byte) 0);
    }
    return new SeededCiphertext(out, seed);
  }

  private void encryptSymmetric(Plaintext plain, Ciphertext out, byte[] seed, PrngFactory factory) {
    try (Csprng errors = Csprng.fresh(random)) {
      encryptSymmetric(plain, out, seed, factory, errors);
    }
  }

  private void encryptSymmetric(
      Plaintext plain, Ciphertext out, byte[] seed, PrngFactory factory, Prng errors) {
    if (secretKey == null) {
      throw new HeException("encryptSymmetric: this Encryptor has no secret key");
    }
    params.check(plain.parametersId(), "plaintext", "encryptSymmetric");
    params.check(out.parametersId(), "destination", "encryptSymmetric");
    int level = plain.level();
    out.reshape(2, level, plain.scale());
    kernels.encryptZeroSymmetric(
        secretKey.poly(),
        level + 1,
        factory.create(seed),
        errors,
        out.poly(0).limbs(),
        out.poly(1).limbs());
    for (int j = 0; j <= level; j++) {
      LimbOps.add(out.poly(0).limb(j), plain.poly().limb(j), out.poly(0).limb(j), params.moduli[j]);
    }
  }
}
