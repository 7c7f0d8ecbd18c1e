package io.blindtuner.model.hospital;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The passphrase that opens the edge's secret key file, held as chars so it can be wiped: read from
 * a file (a mounted Kubernetes Secret) or an environment variable. {@link SecretKeyFile} wipes it
 * once used; {@link #close()} wipes it too. An environment variable's own String cannot be wiped
 * (the JVM keeps the environment), which is why a mounted file is the better source.
 */
public final class Passphrase implements AutoCloseable {
  /** The largest passphrase file read (checked before reading): far above any passphrase. */
  public static final int MAX_FILE_BYTES = 4096;

  private final char[] chars;
  private final String source;

  private Passphrase(char[] chars, String source) {
    this.chars = chars;
    this.source = source;
  }

  /**
   * Reads a passphrase file as UTF-8, without one trailing newline (as secrets written by {@code
   * echo} end).
   *
   * @throws NoSuchFileException if the file does not exist
   * @throws KeyFileException naming the file if it is larger than {@link #MAX_FILE_BYTES}, not
   *     UTF-8, or empty
   * @throws IOException if reading fails
   */
  public static Passphrase fromFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such passphrase file");
    }
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new KeyFileException(
          "passphrase file "
              + file
              + " holds "
              + size
              + " bytes, more than the "
              + MAX_FILE_BYTES
              + " a passphrase may");
    }
    byte[] bytes = Files.readAllBytes(file);
    CharBuffer decoded = null;
    try {
      decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      int n = decoded.remaining();
      if (n > 0 && decoded.get(n - 1) == '\n') {
        n--;
        if (n > 0 && decoded.get(n - 1) == '\r') {
          n--;
        }
      }
      char[] chars = new char[n];
      decoded.get(chars, 0, n);
      return of(chars, "passphrase file " + file);
    } catch (CharacterCodingException e) {
      throw new KeyFileException("passphrase file " + file + " is not UTF-8 text", e);
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (decoded != null) {
        Arrays.fill(decoded.array(), '\0');
      }
    }
  }

  /**
   * The value of environment variable {@code name}.
   *
   * @throws KeyFileException naming the variable if it is not set or empty
   */
  public static Passphrase fromEnvironment(String name) throws KeyFileException {
    String value = System.getenv(name);
    if (value == null) {
      throw new KeyFileException(
          "environment variable " + name + " (the key file's passphrase) is not set");
    }
    return of(value.toCharArray(), "environment variable " + name);
  }

  private static Passphrase of(char[] chars, String source) throws KeyFileException {
    if (chars.length == 0) {
      throw new KeyFileException(source + " is empty");
    }
    return new Passphrase(chars, source);
  }

  /** The live characters (wiped by {@link #close()}). */
  char[] chars() {
    return chars;
  }

  /**
   * How many characters it has (checked against {@link SecretKeyFile#MIN_PASSPHRASE_CHARS} before
   * work).
   */
  public int length() {
    return chars.length;
  }

  /** Where it came from, for messages: "passphrase file F" or "environment variable V". */
  public String source() {
    return source;
  }

  /** Overwrites the characters with zeros. Idempotent. */
  @Override
  public void close() {
    Arrays.fill(chars, '\0');
  }

  @Override
  public String toString() {
    return "Passphrase[" + source + "]";
  }
}
