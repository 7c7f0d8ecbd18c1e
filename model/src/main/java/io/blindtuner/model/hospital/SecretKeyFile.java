package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.wire.EngineCodec;
import io.blindtuner.he.wire.EngineFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The edge's secret key at rest: the engine's bytes of the key ({@link EngineCodec}, which holds
 * keys of every key-switching layout, the hybrid one included) sealed with AES-256-GCM under a key
 * derived from a passphrase by PBKDF2-HMAC-SHA256.
 *
 * <p>Layout (big-endian): magic {@code BTSK}, version (1 byte), KDF id (1 byte, 1 =
 * PBKDF2-HMAC-SHA256), iterations (4 bytes), salt (16 bytes), GCM nonce (12 bytes), CKKS parameter
 * id (8 bytes), then the ciphertext with its 16-byte tag. The whole header is the AEAD's associated
 * data, so the KDF settings and the parameter id cannot be altered without the tag failing. Salt
 * and nonce are fresh per file.
 *
 * <p>The passphrase is wiped when {@code write} or {@code read} returns; so are the derived key
 * bytes and the key's serialized form that this class holds (the JDK's own copies inside the KDF
 * and cipher objects are left to them).
 */
public final class SecretKeyFile {
  /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about 0.3 s on one core here. */
  public static final int ITERATIONS = 600_000;

  /**
   * Iteration counts a file may declare: raising the cost later stays readable, a huge count cannot
   * stall us.
   */
  static final int MIN_ITERATIONS = 100_000;

  static final int MAX_ITERATIONS = 10_000_000;

  /**
   * Shorter passphrases are refused when writing: PBKDF2 slows guessing, it cannot make a short one
   * strong.
   */
  public static final int MIN_PASSPHRASE_CHARS = 12;

  private static final byte[] MAGIC = "BTSK".getBytes(StandardCharsets.US_ASCII);
  private static final byte VERSION = 2; // 1 held SEAL's bytes, for SEAL's layout only
  private static final byte KDF_PBKDF2_HMAC_SHA256 = 1;
  private static final int SALT_BYTES = 16;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final int HEADER_BYTES = MAGIC.length + 1 + 1 + 4 + SALT_BYTES + NONCE_BYTES + 8;

  /** Room for the engine's object header beside the key's coefficients. */
  private static final int OBJECT_OVERHEAD_BYTES = 64;

  private SecretKeyFile() {}

  /**
   * Writes {@code key} encrypted under {@code passphrase} to a new file (owner read/write only
   * where the file system has POSIX permissions), through a temporary file moved into place.
   *
   * @throws IllegalArgumentException if the key belongs to other parameters than {@code params}
   * @throws KeyFileException naming the passphrase's source if it is shorter than {@link
   *     #MIN_PASSPHRASE_CHARS}
   * @throws FileAlreadyExistsException if {@code file} exists (a key file is never overwritten)
   * @throws IOException if writing fails
   */
  public static void write(Path file, SecretKey key, CkksParameters params, Passphrase passphrase)
      throws IOException {
    byte[] plain = null;
    byte[] derived = null;
    try {
      if (key.parametersId() != params.id()) {
        throw new IllegalArgumentException(
            file
                + ": the secret key belongs to parameter set "
                + Long.toHexString(key.parametersId())
                + ", not "
                + Long.toHexString(params.id()));
      }
      checkStrength(passphrase);
      if (Files.exists(file)) {
        throw new FileAlreadyExistsException(
            file.toString(), null, "refusing to overwrite a secret key file");
      }
      SecureRandom random = new SecureRandom();
      byte[] salt = new byte[SALT_BYTES];
      byte[] nonce = new byte[NONCE_BYTES];
      random.nextBytes(salt);
      random.nextBytes(nonce);
      byte[] header =
          ByteBuffer.allocate(HEADER_BYTES)
              .put(MAGIC)
              .put(VERSION)
              .put(KDF_PBKDF2_HMAC_SHA256)
              .putInt(ITERATIONS)
              .put(salt)
              .put(nonce)
              .putLong(params.id())
              .array();
      derived = derive(passphrase, salt, ITERATIONS);
      plain = EngineCodec.of(params).write(key);
      byte[] sealed = aead(Cipher.ENCRYPT_MODE, derived, nonce, header).doFinal(plain);
      Path dir = file.toAbsolutePath().getParent();
      Path tmp =
          dir.getFileSystem().supportedFileAttributeViews().contains("posix")
              ? Files.createTempFile(
                  dir,
                  ".secret-key",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, ".secret-key", ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(tmp)) {
          out.write(header);
          out.write(sealed);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "AES-256-GCM or PBKDF2WithHmacSHA256 is unavailable in this JDK", e);
    } finally {
      wipe(plain);
      wipe(derived);
      passphrase.close();
    }
  }

  /**
   * Checks that a passphrase may seal a key file (before any work that would need it).
   *
   * @throws KeyFileException naming its source if it is shorter than {@link #MIN_PASSPHRASE_CHARS}
   */
  public static void checkStrength(Passphrase passphrase) throws KeyFileException {
    if (passphrase.length() < MIN_PASSPHRASE_CHARS) {
      throw new KeyFileException(
          passphrase.source()
              + " holds "
              + passphrase.length()
              + " characters; a key file needs at least "
              + MIN_PASSPHRASE_CHARS);
    }
  }

  /**
   * Reads a key file written by {@link #write} for {@code params}.
   *
   * @throws NoSuchFileException if the file does not exist
   * @throws KeyFileException naming the file if it is not a key file, of another version, KDF or
   *     parameter set, truncated or too large for a key of these parameters, or if the passphrase
   *     is wrong or the file was altered (the two look the same to an AEAD)
   * @throws IOException if reading fails
   */
  public static SecretKey read(Path file, CkksParameters params, Passphrase passphrase)
      throws IOException {
    byte[] plain = null;
    byte[] derived = null;
    try {
      if (!Files.isRegularFile(file)) {
        throw new NoSuchFileException(file.toString(), null, "no such secret key file");
      }
      // 8 bytes a residue: the engine's version-1 bytes, the largest a key was ever written in
      long max =
          HEADER_BYTES
              + (long) params.n() * params.keyLimbCount() * Long.BYTES
              + OBJECT_OVERHEAD_BYTES
              + TAG_BITS / 8;
      long size = Files.size(file);
      if (size > max) {
        throw new KeyFileException(
            file
                + ": "
                + size
                + " bytes, more than a secret key of these parameters takes ("
                + max
                + ")");
      }
      if (size < HEADER_BYTES + TAG_BITS / 8) {
        throw new KeyFileException(file + ": truncated (" + size + " bytes)");
      }
      byte[] all = Files.readAllBytes(file);
      ByteBuffer in = ByteBuffer.wrap(all);
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new KeyFileException(file + ": not a blindtuner secret key file (bad magic)");
      }
      byte version = in.get();
      if (version != VERSION) {
        throw new KeyFileException(
            file + ": format version " + version + " is not supported (expected " + VERSION + ")");
      }
      byte kdf = in.get();
      if (kdf != KDF_PBKDF2_HMAC_SHA256) {
        throw new KeyFileException(
            file + ": unknown key derivation " + kdf + " (expected 1, PBKDF2-HMAC-SHA256)");
      }
      int iterations = in.getInt();
      if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
        throw new KeyFileException(
            file
                + ": "
                + iterations
                + " PBKDF2 iterations, outside "
                + MIN_ITERATIONS
                + ".."
                + MAX_ITERATIONS);
      }
      byte[] salt = new byte[SALT_BYTES];
      byte[] nonce = new byte[NONCE_BYTES];
      in.get(salt).get(nonce);
      long paramsId = in.getLong();
      if (paramsId != params.id()) {
        throw new KeyFileException(
            file
                + ": the key belongs to CKKS parameter set "
                + Long.toHexString(paramsId)
                + ", not "
                + Long.toHexString(params.id())
                + " (the ones in use)");
      }
      derived = derive(passphrase, salt, iterations);
      try {
        plain =
            aead(Cipher.DECRYPT_MODE, derived, nonce, Arrays.copyOf(all, HEADER_BYTES))
                .doFinal(all, HEADER_BYTES, all.length - HEADER_BYTES);
      } catch (AEADBadTagException e) {
        throw new KeyFileException(
            file
                + ": wrong passphrase ("
                + passphrase.source()
                + "), or the file was altered: authentication failed",
            e);
      }
      try {
        return EngineCodec.of(params).readSecretKey(plain);
      } catch (EngineFormatException e) {
        throw new KeyFileException(
            file + ": authenticated, but not a secret key: " + e.getMessage(), e);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "AES-256-GCM or PBKDF2WithHmacSHA256 is unavailable in this JDK", e);
    } finally {
      wipe(plain);
      wipe(derived);
      passphrase.close();
    }
  }

  private static byte[] derive(Passphrase passphrase, byte[] salt, int iterations)
      throws GeneralSecurityException {
    PBEKeySpec spec = new PBEKeySpec(passphrase.chars(), salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } finally {
      spec.clearPassword();
    }
  }

  private static Cipher aead(int mode, byte[] key, byte[] nonce, byte[] header)
      throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
    c.updateAAD(header);
    return c;
  }

  private static void wipe(byte[] b) {
    if (b != null) {
      Arrays.fill(b, (byte) 0);
    }
  }
}
