package io.blindtuner.model.hospital;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.Decryptor;
import io.blindtuner.he.ckks.Encryptor;
import io.blindtuner.he.ckks.KeyGenerator;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.wire.EngineCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretKeyFileTest {
  private static final String PHRASE = "correct horse battery staple";
  private static CkksParameters params;
  private static SecretKey key;
  private static Path written;

  @TempDir static Path dir;

  /**
   * Header offsets: magic 0, version 4, KDF 5, iterations 6, salt 10, nonce 26, parameter id 38,
   * data 46.
   */
  private static final int VERSION_AT = 4;

  private static final int SALT_AT = 10;
  private static final int PARAMS_AT = 38;
  private static final int DATA_AT = 46;

  private static Passphrase passphrase(String text) throws IOException {
    Path f = Files.createTempFile(dir, "pass", "");
    Files.write(f, text.getBytes(StandardCharsets.UTF_8));
    return Passphrase.fromFile(f);
  }

  @BeforeAll
  static void writeOnce() throws IOException {
    params = CkksParameters.create(CkksSpec.of(1024, 50, 40, 50).asInsecure());
    key = new KeyGenerator(params).secretKey();
    written = dir.resolve("edge.key");
    SecretKeyFile.write(written, key, params, passphrase(PHRASE));
  }

  private static Path altered(String name, int at, int xor) throws IOException {
    byte[] b = Files.readAllBytes(written);
    b[at] ^= (byte) xor;
    return Files.write(dir.resolve(name), b);
  }

  @Test
  void roundTripsTheKeyAndTheLoadedKeyDecrypts() throws IOException {
    SecretKey loaded = SecretKeyFile.read(written, params, passphrase(PHRASE));
    for (int j = 0; j < params.keyLimbCount(); j++) {
      assertThat(loaded.poly().limb(j)).isEqualTo(key.poly().limb(j));
    }
    CkksEncoder encoder = new CkksEncoder(params);
    double[] v = {0.25, -0.5, 0.75};
    Ciphertext ct = new Ciphertext(params);
    new Encryptor(params, key).encryptSymmetric(encoder.encode(v, 1, Math.pow(2, 35)), ct);
    double[] got = encoder.decode(new Decryptor(params, loaded).decryptNew(ct));
    for (int i = 0; i < v.length; i++) {
      // fresh symmetric noise in a slot: 5 sd of sqrt(N) * 3.2 / 2^35 = 2^-25.9; 2^-22 leaves a 16x
      // margin
      assertThat(Math.abs(got[i] - v[i])).isLessThan(0x1p-22);
    }
  }

  @Test
  void holdsAKeyOfTheHybridLayoutWithItsSpecialPrimes() throws IOException {
    CkksParameters hybrid =
        CkksParameters.create(
            CkksSpec.of(1024, 50, 40, 40, 50).asInsecure().withKeySwitching(2, 49, 49));
    SecretKey k = new KeyGenerator(hybrid).secretKey();
    Path f = dir.resolve("hybrid.key");
    SecretKeyFile.write(f, k, hybrid, passphrase(PHRASE));
    SecretKey loaded = SecretKeyFile.read(f, hybrid, passphrase(PHRASE));
    assertThat(hybrid.keyLimbCount()).isEqualTo(5);
    for (int j = 0; j < hybrid.keyLimbCount(); j++) {
      assertThat(loaded.poly().limb(j)).isEqualTo(k.poly().limb(j));
    }
    // read for SEAL's layout of the same data primes: more bytes than such a key takes, refused
    // before any KDF work
    assertThatThrownBy(() -> SecretKeyFile.read(f, params, passphrase(PHRASE)))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("more than a secret key of these parameters takes");
  }

  @Test
  void theFileHidesTheKeyAndIsPrivateToItsOwner() throws IOException {
    byte[] file = Files.readAllBytes(written);
    byte[] plain = EngineCodec.of(params).write(key);
    assertThat(new String(file, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("BTSK");
    assertThat(file.length).isEqualTo(DATA_AT + plain.length + 16);
    // no 16-byte window of the key's bytes past the engine's public object header appears in the
    // file
    for (int i = 16; i + 16 <= plain.length; i += 16) {
      byte[] window = Arrays.copyOfRange(plain, i, i + 16);
      for (int j = 0; j + 16 <= file.length; j++) {
        assertThat(Arrays.equals(file, j, j + 16, window, 0, 16)).isFalse();
      }
    }
    if (written.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void wipesThePassphraseOnceUsed() throws IOException {
    Passphrase p = passphrase(PHRASE);
    char[] live = p.chars();
    SecretKeyFile.read(written, params, p);
    assertThat(live).containsOnly('\0');
  }

  @Test
  void aWrongPassphraseOrAnAlteredFileIsOneClearError() throws IOException {
    assertThatThrownBy(
            () -> SecretKeyFile.read(written, params, passphrase("correct horse battery stapler")))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(written.toString())
        .hasMessageContaining("wrong passphrase (passphrase file ")
        .hasMessageContaining("authentication failed");
    // the ciphertext, the tag and the salt (which feeds the KDF) are all covered
    for (int at : new int[] {DATA_AT + 100, (int) Files.size(written) - 1, SALT_AT}) {
      Path bad = altered("altered-" + at + ".key", at, 1);
      assertThatThrownBy(() -> SecretKeyFile.read(bad, params, passphrase(PHRASE)))
          .as("byte %d", at)
          .isInstanceOf(KeyFileException.class)
          .hasMessageContaining(bad.toString())
          .hasMessageContaining("authentication failed");
    }
  }

  @Test
  void refusesForeignHeadersBeforeDerivingAnyKey() throws IOException {
    Path magic = altered("magic.key", 0, 0x20);
    assertThatThrownBy(() -> SecretKeyFile.read(magic, params, passphrase(PHRASE)))
        .hasMessage(magic + ": not a blindtuner secret key file (bad magic)");
    Path version = altered("version.key", VERSION_AT, 3);
    assertThatThrownBy(() -> SecretKeyFile.read(version, params, passphrase(PHRASE)))
        .hasMessage(version + ": format version 1 is not supported (expected 2)");
    Path ids = altered("params.key", PARAMS_AT + 7, 1);
    assertThatThrownBy(() -> SecretKeyFile.read(ids, params, passphrase(PHRASE)))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(ids + ": the key belongs to CKKS parameter set ")
        .hasMessageContaining("not " + Long.toHexString(params.id()));
    CkksParameters other = CkksParameters.create(CkksSpec.of(1024, 50, 40, 40, 50).asInsecure());
    assertThatThrownBy(() -> SecretKeyFile.read(written, other, passphrase(PHRASE)))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(
            "the key belongs to CKKS parameter set " + Long.toHexString(params.id()));
  }

  @Test
  void refusesTruncatedAndOversizedFilesBeforeReadingThem() throws IOException {
    byte[] b = Files.readAllBytes(written);
    Path cut = Files.write(dir.resolve("cut.key"), Arrays.copyOf(b, 20));
    assertThatThrownBy(() -> SecretKeyFile.read(cut, params, passphrase(PHRASE)))
        .isInstanceOf(KeyFileException.class)
        .hasMessage(cut + ": truncated (20 bytes)");
    // twice a packed key and more: above even a version-1 key's 8 bytes a residue
    int oversized = 2 * b.length + 2048;
    Path big = Files.write(dir.resolve("big.key"), Arrays.copyOf(b, oversized));
    assertThatThrownBy(() -> SecretKeyFile.read(big, params, passphrase(PHRASE)))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(
            big + ": " + oversized + " bytes, more than a secret key of these parameters");
  }

  @Test
  void neverOverwritesAndRefusesShortPassphrases() throws IOException {
    assertThatThrownBy(() -> SecretKeyFile.write(written, key, params, passphrase(PHRASE)))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(written.toString());
    Passphrase shortOne = passphrase("hunter2");
    assertThatThrownBy(() -> SecretKeyFile.write(dir.resolve("new.key"), key, params, shortOne))
        .isInstanceOf(KeyFileException.class)
        .hasMessage(shortOne.source() + " holds 7 characters; a key file needs at least 12");
    assertThat(dir.resolve("new.key")).doesNotExist();
  }
}
