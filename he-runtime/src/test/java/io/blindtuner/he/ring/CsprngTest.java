package io.blindtuner.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CsprngTest {
  private static byte[] keystream(byte[] seed, int n) throws Exception {
    Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
    aes.init(
        Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
    return aes.update(new byte[n]);
  }

  private static byte[] buffer(Csprng prng) throws Exception {
    Field f = Csprng.class.getDeclaredField("buffer");
    f.setAccessible(true);
    return (byte[]) f.get(prng);
  }

  @Test
  void streamIsAesCtrOfTheSeedFromCounterZero() throws Exception {
    byte[] seed = Csprng.newSeed(new SecureRandom());
    byte[] got = new byte[10_000];
    try (Csprng prng = new Csprng(seed)) {
      prng.nextBytes(got, 0, 5);
      prng.nextBytes(got, 5, got.length - 5);
    }
    assertThat(got).isEqualTo(keystream(seed, got.length));
  }

  @Test
  void closeZeroesTheUnreadKeystreamAndLaterReadsThrow() throws Exception {
    Csprng prng = Csprng.fresh(new SecureRandom());
    prng.nextLong();
    // the rest of the 4 KiB block is future randomness, held until read
    assertThat(buffer(prng)).isNotEqualTo(new byte[buffer(prng).length]);
    prng.close();
    assertThat(buffer(prng)).isEqualTo(new byte[buffer(prng).length]);
    assertThatThrownBy(prng::nextLong)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Csprng is closed");
    assertThatThrownBy(() -> prng.nextBytes(new byte[1], 0, 1))
        .isInstanceOf(IllegalStateException.class);
    prng.close();
  }

  @Test
  void theCallersSeedIsUntouchedAndStillGivesTheSameStream() throws Exception {
    byte[] seed = Csprng.newSeed(new SecureRandom());
    byte[] copy = seed.clone();
    byte[] a = new byte[64];
    try (Csprng prng = new Csprng(seed)) {
      prng.nextBytes(a, 0, a.length);
    }
    // the provider wiped its own copy of the key, not the seed a seeded ciphertext still needs
    assertThat(seed).isEqualTo(copy);
    byte[] b = new byte[64];
    try (Csprng again = new Csprng(seed)) {
      again.nextBytes(b, 0, b.length);
    }
    assertThat(b).isEqualTo(a);
  }
}
