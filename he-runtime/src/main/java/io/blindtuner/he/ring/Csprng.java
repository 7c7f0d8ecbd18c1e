package io.blindtuner.he.ring;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A CSPRNG: AES-256 in counter mode (AES-NI through javax.crypto) keyed with a 32-byte seed, counter from 0.
 * Seeds come from {@link SecureRandom}; the same seed always gives the same stream (used for seeded
 * ciphertexts and keys). Not thread-safe: one instance per sampling task.
 */
public final class Csprng implements Prng {
    public static final int SEED_BYTES = 32;
    private static final int BUFFER = 4096;

    /** Factory for AES-CTR streams. */
    public static final PrngFactory AES_CTR = new PrngFactory() {
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

    /**
     * @throws IllegalArgumentException if the seed is not 32 bytes
     */
    public Csprng(byte[] seed) {
        if (seed == null || seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("Csprng seed must be " + SEED_BYTES + " bytes");
        }
        try {
            cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
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

    /** A stream with a fresh seed from the given SecureRandom. */
    public static Csprng fresh(SecureRandom random) {
        return new Csprng(newSeed(random));
    }

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

    private void refill() {
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
}
