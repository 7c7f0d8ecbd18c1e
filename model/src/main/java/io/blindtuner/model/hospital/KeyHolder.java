package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.Decryptor;
import io.blindtuner.he.ckks.Encryptor;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.KeyGenerator;
import io.blindtuner.he.ckks.NoiseFlooding;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Csprng;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.wire.WireCodec;
import io.blindtuner.model.packing.ScaleLadder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hospital's key material: a fresh secret key (CSPRNG, inside {@link KeyGenerator}), the public
 * key, and the evaluation keys it hands to the cloud: relinearization keys and Galois keys for
 * exactly the requested steps. Encrypts slot vectors on the {@link ScaleLadder} (public key, or
 * secret key in seeded form, seeded for the wire by {@link WireCodec#seedPrng}, for what it sends
 * the cloud), decrypts to slot vectors. The secret key never leaves this object.
 */
public final class KeyHolder {
  private final CkksParameters params;
  private final CkksEncoder encoder;
  private final Encryptor encryptor;
  private final Encryptor symmetric;
  private final Decryptor decryptor;
  private final RelinKeys relinKeys;
  private final GaloisKeys galoisKeys;
  private final ScaleLadder ladder;
  private final byte[] refreshCoinKey;
  private final NoiseFlooding release;
  private final SecretKey secretKey;

  /**
   * Generates the keys on one thread; Galois keys for {@code rotationSteps} only (no conjugation).
   */
  public KeyHolder(CkksParameters params, int[] rotationSteps) {
    this(params, rotationSteps, Parallelism.SERIAL);
  }

  /**
   * Generates the keys; work inside each operation is spread over RNS limbs by {@code parallelism}.
   */
  public KeyHolder(CkksParameters params, int[] rotationSteps, Parallelism parallelism) {
    this(params, rotationSteps, null, parallelism);
  }

  /**
   * Holds {@code secretKey} (a fresh one if null) and generates the other keys from it: a restarted
   * edge resumes a job with the secret key it kept ({@link #writeSecretKey}); the evaluation keys
   * it makes again are new encryptions of the same key material, as valid as the first.
   *
   * @throws io.blindtuner.he.ckks.ParameterMismatchException if the secret key belongs to other
   *     parameters
   */
  public KeyHolder(
      CkksParameters params, int[] rotationSteps, SecretKey secretKey, Parallelism parallelism) {
    this.params = params;
    KeyGenerator gen = new KeyGenerator(params, secretKey, WireCodec.seedPrng(params), parallelism);
    this.secretKey = gen.secretKey();
    this.encoder = new CkksEncoder(params, parallelism);
    this.encryptor =
        new Encryptor(params, gen.createPublicKey(), null, Csprng.AES_CTR, parallelism);
    this.symmetric =
        new Encryptor(params, null, gen.secretKey(), WireCodec.seedPrng(params), parallelism);
    this.decryptor = new Decryptor(params, gen.secretKey());
    this.relinKeys = gen.createRelinKeys();
    this.galoisKeys = gen.createGaloisKeys(rotationSteps, false);
    this.ladder = new ScaleLadder(params);
    this.refreshCoinKey = derivedKey(gen.secretKey(), "blindtuner refresh coins v1");
    this.release =
        new NoiseFlooding(
            params, decryptor, encoder, NoiseFlooding.DEFAULT_MAX_RELEASES, new SecureRandom());
  }

  /**
   * A 256-bit key for one purpose, derived from the secret key (SHA-256 over a purpose label and
   * the key's coefficients): secret as long as the key is, the same after a restart with the same
   * key, and independent between purposes.
   */
  private static byte[] derivedKey(SecretKey sk, String purpose) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(purpose.getBytes(StandardCharsets.UTF_8));
      ByteBuffer buf = ByteBuffer.allocate(8 * sk.poly().n());
      long[] limb = sk.poly().limb(0);
      for (long v : limb) {
        buf.putLong(v);
      }
      md.update(buf.array());
      Arrays.fill(buf.array(), (byte) 0);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  public CkksParameters parameters() {
    return params;
  }

  /**
   * Writes the secret key to {@code file}, encrypted under {@code passphrase} ({@link
   * SecretKeyFile}): the one way it leaves this object, so that a restarted edge can finish the
   * job.
   *
   * @throws KeyFileException naming the passphrase's source if it is too short
   * @throws java.nio.file.FileAlreadyExistsException if the file exists
   * @throws IOException if writing fails
   */
  public void writeSecretKey(Path file, Passphrase passphrase) throws IOException {
    SecretKeyFile.write(file, secretKey, params, passphrase);
  }

  public CkksEncoder encoder() {
    return encoder;
  }

  public RelinKeys relinKeys() {
    return relinKeys;
  }

  public GaloisKeys galoisKeys() {
    return galoisKeys;
  }

  /**
   * Encrypts slot values fresh at the top level.
   *
   * @throws io.blindtuner.he.ckks.HeException if there are more values than slots or they do not
   *     fit
   */
  public Ciphertext encrypt(double[] slots) {
    return encrypt(slots, params.maxLevel());
  }

  /**
   * Encrypts slot values fresh at {@code level} (on the ladder's scale for that level).
   *
   * @throws io.blindtuner.he.ckks.HeException if there are more values than slots or they do not
   *     fit
   * @throws io.blindtuner.he.ckks.LevelException if the level is out of range
   */
  public Ciphertext encrypt(double[] slots, int level) {
    checkLevel(level);
    return encryptor.encryptNew(encoder.encode(slots, level, ladder.scale(level)));
  }

  /**
   * Encrypts slot values fresh at {@code level} with the secret key, c1 expanded from a public
   * seed: on the wire only c0 and the 32-byte seed travel, about half a public-key ciphertext
   * (SEAL's seeded form).
   *
   * @throws io.blindtuner.he.ckks.HeException if there are more values than slots or they do not
   *     fit
   * @throws io.blindtuner.he.ckks.LevelException if the level is out of range
   */
  public SeededCiphertext encryptSeeded(double[] slots, int level) {
    checkLevel(level);
    return symmetric.encryptSymmetricSeeded(encoder.encode(slots, level, ladder.scale(level)));
  }

  /**
   * Encrypts slot values like {@link #encryptSeeded(double[], int)}, but with randomness derived
   * from {@code request} by HMAC-SHA256 under a key derived from the secret key: the same request
   * always gets the same ciphertext, distinct requests get independent randomness. For refresh
   * replies, so that a repeated request teaches the cloud nothing new and a resumed computation is
   * reproduced exactly.
   *
   * @param request a digest identifying the request and the position in it (distinct for distinct
   *     plaintexts)
   * @throws io.blindtuner.he.ckks.HeException if there are more values than slots or they do not
   *     fit
   * @throws io.blindtuner.he.ckks.LevelException if the level is out of range
   */
  public SeededCiphertext encryptSeededFor(byte[] request, double[] slots, int level) {
    checkLevel(level);
    byte[] coins = new byte[symmetric.coinBytes()];
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(refreshCoinKey, "HmacSHA256"));
      for (int block = 0, off = 0; off < coins.length; block++, off += 32) {
        mac.update(request);
        mac.update((byte) block);
        byte[] b = mac.doFinal();
        System.arraycopy(b, 0, coins, off, Math.min(32, coins.length - off));
        Arrays.fill(b, (byte) 0);
      }
      return symmetric.encryptSymmetricSeeded(
          encoder.encode(slots, level, ladder.scale(level)), coins);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
    } finally {
      Arrays.fill(coins, (byte) 0);
    }
  }

  /** The canonical scale of a fresh ciphertext at {@code level}. */
  public double scale(int level) {
    checkLevel(level);
    return ladder.scale(level);
  }

  private void checkLevel(int level) {
    if (level < 0 || level > params.maxLevel()) {
      throw new io.blindtuner.he.ckks.LevelException(
          "cannot encrypt at level "
              + level
              + "; the parameter set's"
              + " levels are 0.."
              + params.maxLevel());
    }
  }

  /**
   * Decrypts values that will leave the key holder (trained weights, predictions, metrics), flooded
   * against IND-CPA-D attacks ({@link NoiseFlooding}: at most {@link
   * NoiseFlooding#DEFAULT_MAX_RELEASES} per key).
   *
   * @throws io.blindtuner.he.ckks.HeException if this key has made all its releases
   * @throws io.blindtuner.he.ckks.ParameterMismatchException if the ciphertext belongs to other
   *     parameters
   */
  public NoiseFlooding.Release decryptForRelease(Ciphertext c) {
    return release.decrypt(c);
  }

  /**
   * Decrypts to slot values, for use inside the key holder only (a refresh re-encrypts them).
   *
   * @throws io.blindtuner.he.ckks.ParameterMismatchException if the ciphertext belongs to other
   *     parameters
   */
  public double[] decrypt(Ciphertext c) {
    return encoder.decode(decryptor.decryptNew(c));
  }
}
