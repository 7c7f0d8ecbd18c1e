package io.blindtuner.he.ring;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;

/**
 * A CSPRNG: AES-256 in counter mode (AES-NI through javax.crypto) keyed with a 32-byte seed,
 * counter from 0. Seeds come from {@link SecureRandom}; the same seed always gives the same stream
 * (used for seeded ciphertexts and keys). Not thread-safe: one instance per sampling task.
 *
 * <p>Streams that sample secrets (the secret key, encryption randomness and errors) are closed
 * after use: {@link #close()} zeroes the unread keystream and re-keys the cipher with zeros, which
 * makes the JDK's AES zero its copy of the seed and its round keys. No other copy of the seed is
 * made here: the cipher reads it through a key object whose encoded form the provider wipes after
 * keying.
 */
public final class Csprng implements Prng, AutoCloseable {
  public static final int SEED_BYTES = 32;
  private static final int BUFFER = 4096;

  /** Factory for AES-CTR streams. */
  public static final PrngFactory AES_CTR =
      new PrngFactory() {
        @Override
        public int seedBytes() {
          return SEED_BYTES;
        }

        @Override
        public Prng create(byte[] seed) {
          return new Csprng(seed);
        }
      };

  private final Cipher cipher;
  private final byte[] zeros = new byte[BUFFER];
  private final byte[] buffer = new byte[BUFFER];
  private int position = BUFFER;
  private boolean closed;

  /**
   * @throws IllegalArgumentException if the seed is not 32 bytes
   */
  public Csprng(byte[] seed) {
    if (seed == null || seed.length != SEED_BYTES) {
      throw new IllegalArgumentException("Csprng seed must be " + SEED_BYTES + " bytes");
    }
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SeedKey(seed), new IvParameterSpec(new byte[16]));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding unavailable", e);
    }
  }

  /** A fresh seed from the given SecureRandom. */
  public static byte[] newSeed(SecureRandom random) {
    byte[] seed = new byte[SEED_BYTES];
    random.nextBytes(seed);
    return seed;
  }

  /**
   * A stream with a fresh seed from the given SecureRandom; the seed is zeroed once the cipher
   * holds it.
   */
  public static Csprng fresh(SecureRandom random) {
    byte[] seed = newSeed(random);
    try {
      return new Csprng(seed);
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * @throws IllegalStateException if this stream is closed
   */
  @Override
  public void nextBytes(byte[] dst, int off, int len) {
    while (len > 0) {
      if (position == BUFFER) {
        refill();
      }
      int k = Math.min(len, BUFFER - position);
      System.arraycopy(buffer, position, dst, off, k);
      position += k;
      off += k;
      len -= k;
    }
  }

  @Override
  public long nextLong() {
    if (position > BUFFER - 8) {
      byte[] b = new byte[8];
      nextBytes(b, 0, 8);
      return Prng.littleEndian(b, 0);
    }
    long v = Prng.littleEndian(buffer, position);
    position += 8;
    return v;
  }

  /**
   * Zeroes the unread keystream and re-keys the cipher with zeros (overwriting the provider's key
   * and round keys); later reads throw. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    position = BUFFER;
    try {
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SeedKey(new byte[SEED_BYTES]),
          new IvParameterSpec(new byte[16]));
      // one block under the zero key replaces the last keystream block the counter mode keeps
      cipher.update(zeros, 0, 16, buffer, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR re-key failed", e);
    } finally {
      Arrays.fill(buffer, (byte) 0);
    }
  }

  private void refill() {
    if (closed) {
      throw new IllegalStateException("Csprng is closed: its seed and keystream were zeroed");
    }
    try {
      int k = cipher.update(zeros, 0, BUFFER, buffer, 0);
      if (k != BUFFER) {
        throw new IllegalStateException("AES-CTR produced " + k + " bytes, expected " + BUFFER);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR keystream failed", e);
    }
    position = 0;
  }

  /**
   * The seed as an AES key without a copy of our own: the provider's {@code getEncoded()} copy is
   * zeroed by the provider once it has keyed the cipher (unlike {@link
   * javax.crypto.spec.SecretKeySpec}, whose copy cannot be).
   */
  private static final class SeedKey implements SecretKey {
    private static final long serialVersionUID = 1L;
    private final transient byte[] seed;

    SeedKey(byte[] seed) {
      this.seed = seed;
    }

    @Override
    public String getAlgorithm() {
      return "AES";
    }

    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      return seed.clone();
    }
  }
}
