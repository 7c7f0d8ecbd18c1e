package io.blindtuner.vision.features;

import io.blindtuner.vision.MalformedFileException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Featurized tokens of a whole data set, as written by {@code blindtuner featurize} and read by
 * training, so training never featurizes again.
 *
 * <p>Format version 1, little-endian throughout:
 *
 * <pre>
 *   8 bytes  magic "BTTOKENS"
 *   u32      version (1)
 *   str      featurizer name       (str = u16 byte length, then UTF-8; at most 4096 bytes)
 *   str      featurizer description
 *   str      data set name
 *   u32      classes
 *   u32      T (tokens per image)
 *   u32      d (values per token)
 *   u32      number of splits (1..16)
 *   per split:
 *     str    split name
 *     u32    n (images)
 *     n x i32            labels
 *     n x T x d x f32    tokens, image-major then token then value
 *   32 bytes SHA-256 of every byte before it
 * </pre>
 *
 * @param featurizer the featurizer name (e.g. "patch featurizer (weight-free)")
 * @param description the featurizer configuration
 * @param dataset the data set name
 * @param classes number of classes
 * @param tokens T
 * @param dim d
 * @param splits the splits, each of shape (n, T, d)
 */
public record TokenFile(
    String featurizer,
    String description,
    String dataset,
    int classes,
    int tokens,
    int dim,
    List<FeatureSet> splits) {

  public static final int VERSION = 1;
  private static final byte[] MAGIC = "BTTOKENS".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_STRING = 4096;
  private static final int MAX_SPLITS = 16;
  private static final long MAX_TOKEN_VALUES = 1L << 20;
  private static final int MAX_IMAGES = 1 << 24;

  /**
   * @throws IllegalArgumentException if a split's shape differs from (n, T, d), names repeat, or
   *     limits are exceeded
   */
  public TokenFile {
    Objects.requireNonNull(featurizer, "featurizer");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(dataset, "dataset");
    splits = List.copyOf(splits);
    if (classes < 1 || tokens < 1 || dim < 1 || (long) tokens * dim > MAX_TOKEN_VALUES) {
      throw new IllegalArgumentException(
          "bad token file shape: classes=" + classes + " T=" + tokens + " d=" + dim);
    }
    if (splits.isEmpty() || splits.size() > MAX_SPLITS) {
      throw new IllegalArgumentException(
          "a token file holds 1.." + MAX_SPLITS + " splits, got " + splits.size());
    }
    Set<String> names = new HashSet<>();
    for (FeatureSet s : splits) {
      if (s.tokens() != tokens || s.dim() != dim) {
        throw new IllegalArgumentException(
            "split "
                + s.split()
                + " has T="
                + s.tokens()
                + " d="
                + s.dim()
                + ", the file has T="
                + tokens
                + " d="
                + dim);
      }
      if (!names.add(s.split())) {
        throw new IllegalArgumentException("split " + s.split() + " appears twice");
      }
      for (int l : s.labels()) {
        if (l < 0 || l >= classes) {
          throw new IllegalArgumentException(
              "split " + s.split() + " has label " + l + " outside 0.." + (classes - 1));
        }
      }
    }
  }

  /**
   * The split called {@code name}.
   *
   * @throws IllegalArgumentException if there is none; the message lists the splits present
   */
  public FeatureSet split(String name) {
    for (FeatureSet s : splits) {
      if (s.split().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "token file of "
            + dataset
            + " has no split '"
            + name
            + "' (has "
            + splits.stream().map(FeatureSet::split).toList()
            + ")");
  }

  /**
   * Writes the file (atomically: to a temporary sibling, then renamed).
   *
   * @throws IOException if writing fails
   */
  public void write(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path tmp = Files.createTempFile(parent, abs.getFileName().toString(), ".part");
    try {
      MessageDigest sha = sha256();
      try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
          DigestOutputStream out = new DigestOutputStream(raw, sha)) {
        Le w = new Le(out);
        out.write(MAGIC);
        w.u32(VERSION);
        w.str(featurizer);
        w.str(description);
        w.str(dataset);
        w.u32(classes);
        w.u32(tokens);
        w.u32(dim);
        w.u32(splits.size());
        for (FeatureSet s : splits) {
          w.str(s.split());
          w.u32(s.n());
          for (int l : s.labels()) {
            w.u32(l);
          }
          w.floats(s.values());
        }
        out.on(false);
        out.write(sha.digest());
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads and validates a token file.
   *
   * @throws MalformedFileException if the magic, version, strings, shapes or checksum are wrong, a
   *     size exceeds the limits or the file's length, or the file is truncated or has trailing
   *     bytes
   * @throws IOException if reading fails
   */
  public static TokenFile read(Path file) throws IOException {
    long size = Files.size(file);
    MessageDigest sha = sha256();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        DigestInputStream in = new DigestInputStream(raw, sha)) {
      Reader r = new Reader(file, in, size);
      byte[] magic = r.bytes(MAGIC.length, "magic");
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new MalformedFileException(file + ": not a blindtuner token file (bad magic)");
      }
      int version = r.u32("version");
      if (version != VERSION) {
        throw new MalformedFileException(
            file
                + ": token file version "
                + version
                + " is not supported (expected "
                + VERSION
                + ")");
      }
      String featurizer = r.str("featurizer name");
      String description = r.str("featurizer description");
      String dataset = r.str("data set name");
      int classes = r.u32("classes");
      int tokens = r.u32("T");
      int dim = r.u32("d");
      if (classes < 1 || tokens < 1 || dim < 1 || (long) tokens * dim > MAX_TOKEN_VALUES) {
        throw new MalformedFileException(
            file + ": bad shape classes=" + classes + " T=" + tokens + " d=" + dim);
      }
      int count = r.u32("split count");
      if (count < 1 || count > MAX_SPLITS) {
        throw new MalformedFileException(
            file + ": split count " + count + " is outside 1.." + MAX_SPLITS);
      }
      List<FeatureSet> splits = new ArrayList<>();
      for (int k = 0; k < count; k++) {
        String name = r.str("split name");
        int n = r.u32("image count of split " + name);
        long bytes = (long) n * 4 + (long) n * tokens * dim * 4;
        if (n < 0 || n > MAX_IMAGES || bytes > r.remaining()) {
          throw new MalformedFileException(
              file
                  + ": split "
                  + name
                  + " declares "
                  + n
                  + " images ("
                  + bytes
                  + " bytes) but only "
                  + r.remaining()
                  + " bytes remain");
        }
        long values = (long) n * tokens * dim;
        if (values > Integer.MAX_VALUE - 8) { // one float[] holds them; the int product would wrap
          throw new MalformedFileException(
              file
                  + ": split "
                  + name
                  + " declares "
                  + n
                  + " images of "
                  + values
                  + " values, more than one array can hold");
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
          labels[i] = r.u32("label");
        }
        float[] tokenValues = r.floats((int) values, "tokens of split " + name);
        try {
          splits.add(new FeatureSet(name, n, tokens, dim, tokenValues, labels));
        } catch (IllegalArgumentException e) {
          throw new MalformedFileException(file + ": " + e.getMessage(), e);
        }
      }
      in.on(false);
      byte[] expected = sha.digest();
      byte[] stored = r.bytes(32, "SHA-256 checksum");
      if (!MessageDigest.isEqual(expected, stored)) {
        throw new MalformedFileException(file + ": SHA-256 checksum mismatch (file is corrupt)");
      }
      if (in.read() != -1) {
        throw new MalformedFileException(file + ": trailing bytes after the checksum");
      }
      try {
        return new TokenFile(featurizer, description, dataset, classes, tokens, dim, splits);
      } catch (IllegalArgumentException e) {
        throw new MalformedFileException(file + ": " + e.getMessage(), e);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** Little-endian writer. */
  private static final class Le {
    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

    Le(OutputStream out) {
      this.out = out;
    }

    void u32(int v) throws IOException {
      out.write(v);
      out.write(v >>> 8);
      out.write(v >>> 16);
      out.write(v >>> 24);
    }

    void str(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length > MAX_STRING) {
        throw new IllegalArgumentException(
            "string longer than " + MAX_STRING + " bytes: " + s.substring(0, 40));
      }
      out.write(b.length);
      out.write(b.length >>> 8);
      out.write(b);
    }

    void floats(float[] v) throws IOException {
      for (int i = 0; i < v.length; ) {
        buf.clear();
        int m = Math.min(v.length - i, buf.capacity() / 4);
        buf.asFloatBuffer().put(v, i, m);
        out.write(buf.array(), 0, m * 4);
        i += m;
      }
    }
  }

  /**
   * Little-endian reader that names the file and field in every error and knows how many bytes
   * remain.
   */
  private static final class Reader {
    private final Path file;
    private final InputStream in;
    private long remaining;

    Reader(Path file, InputStream in, long size) {
      this.file = file;
      this.in = in;
      this.remaining = size;
    }

    long remaining() {
      return remaining;
    }

    byte[] bytes(int n, String what) throws IOException {
      byte[] b = in.readNBytes(n);
      remaining -= b.length;
      if (b.length != n) {
        throw new MalformedFileException(
            file + ": truncated in " + what + " (expected " + n + " bytes, got " + b.length + ")");
      }
      return b;
    }

    int u32(String what) throws IOException {
      byte[] b = bytes(4, what);
      int v = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
      return v;
    }

    String str(String what) throws IOException {
      byte[] l = bytes(2, what + " length");
      int len = (l[0] & 0xff) | (l[1] & 0xff) << 8;
      if (len > MAX_STRING) {
        throw new MalformedFileException(
            file + ": " + what + " length " + len + " exceeds " + MAX_STRING);
      }
      return new String(bytes(len, what), StandardCharsets.UTF_8);
    }

    float[] floats(int n, String what) throws IOException {
      float[] v = new float[n];
      byte[] chunk = new byte[1 << 16];
      for (int i = 0; i < n; ) {
        int m = Math.min(n - i, chunk.length / 4);
        int got = in.readNBytes(chunk, 0, m * 4);
        remaining -= got;
        if (got != m * 4) {
          throw new MalformedFileException(
              file + ": truncated in " + what + " at value " + i + " of " + n);
        }
        ByteBuffer.wrap(chunk, 0, m * 4)
            .order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer()
            .get(v, i, m);
        i += m;
      }
      return v;
    }
  }
}
