package io.blindtuner.pipeline.kafka;

import io.blindtuner.config.KafkaSettings;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content-addressed store of large objects (evaluation keys, checkpoints, models) in a local
 * directory: a blob lies at {@code sha256/<first two hex digits>/<sha256>} under the root, and
 * Kafka carries its {@link BlobRef}. A write goes to a temporary file that is synced and then moved
 * into place atomically, so a reader never sees half a blob and a crash leaves none. A read
 * resolves the blob by its digest (the edge and the trainer may mount the store at different paths)
 * and verifies size and SHA-256 while reading: a mismatch is refused naming the blob, and a reader
 * of {@link #open} sees the failure at the latest on its last read, before it has been told the
 * end.
 */
public final class BlobStore {
  private static final String SETTING = KafkaSettings.SECTION + ".blobs.max-blob-size";
  private static final int BUFFER = 1 << 16;

  private final Path root;
  private final Path tmp;
  private final long maxBlobBytes;

  /**
   * @param root the store's directory (created if missing)
   * @param maxBlobBytes the largest blob written or read
   * @throws IOException if the directory cannot be created
   */
  public BlobStore(Path root, long maxBlobBytes) throws IOException {
    if (maxBlobBytes <= 0) {
      throw new IllegalArgumentException("maxBlobBytes must be positive, got " + maxBlobBytes);
    }
    this.root = root.toAbsolutePath().normalize();
    this.tmp = this.root.resolve("tmp");
    this.maxBlobBytes = maxBlobBytes;
    Files.createDirectories(tmp);
  }

  /**
   * The store the settings describe ({@code blindtuner.kafka.blobs}). @throws IOException as the
   * constructor
   */
  public static BlobStore of(KafkaSettings settings) throws IOException {
    return new BlobStore(settings.blobDir(), settings.maxBlobBytes());
  }

  /**
   * Stores the bytes of a stream (read to its end, not closed).
   *
   * @return the blob's claim check
   * @throws IOException if the stream exceeds the store's cap (nothing is kept) or cannot be read
   *     or written
   */
  public BlobRef put(InputStream in) throws IOException {
    MessageDigest sha = sha256();
    Path temp = Files.createTempFile(tmp, "put-", ".tmp");
    try {
      long size = 0;
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(ch);
        byte[] buf = new byte[BUFFER];
        for (int n; (n = in.read(buf)) != -1; ) {
          size += n;
          if (size > maxBlobBytes) {
            throw new IOException(
                "blob exceeds the store's cap of " + maxBlobBytes + " bytes (" + SETTING + ")");
          }
          sha.update(buf, 0, n);
          out.write(buf, 0, n);
        }
        ch.force(true);
      }
      String hex = HexFormat.of().formatHex(sha.digest());
      Path target = pathOf(hex);
      Files.createDirectories(target.getParent());
      // Same digest, same bytes: replacing an existing copy is harmless and heals a damaged one.
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return new BlobRef(target.toUri(), hex, size);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Stores bytes. @throws IOException as {@link #put(InputStream)} */
  public BlobRef put(byte[] bytes) throws IOException {
    return put(new ByteArrayInputStream(bytes));
  }

  /**
   * Opens a blob for reading. The stream checks size and SHA-256 as it goes: reading past the
   * expected size, or reaching the end with a different size or digest, throws {@link
   * BlobCorruptedException} instead of returning the data or the end.
   *
   * @throws BlobCorruptedException if the blob is missing, its file has another size, or its
   *     reference does not name this digest
   * @throws IOException if the reference exceeds the store's cap, or on a read error
   */
  public InputStream open(BlobRef ref) throws IOException {
    Path path = check(ref);
    return new VerifyingStream(Files.newInputStream(path), ref);
  }

  /**
   * Reads a whole blob into memory, verified.
   *
   * @throws BlobCorruptedException as {@link #open}, or if the bytes do not match the digest
   * @throws IOException if the blob is too large for an array or the store's cap, or on a read
   *     error
   */
  public byte[] get(BlobRef ref) throws IOException {
    if (ref.size() > Integer.MAX_VALUE - 8) {
      throw new IOException(
          "blob "
              + ref.sha256()
              + " of "
              + ref.size()
              + " bytes is too large to read into "
              + "memory; stream it with open()");
    }
    try (InputStream in = open(ref)) {
      byte[] out = new byte[(int) ref.size()];
      int off = 0;
      while (off < out.length) {
        int n = in.read(out, off, out.length - off);
        if (n < 0) {
          break;
        }
        off += n;
      }
      // Drive the stream to its end so that it verifies size and digest.
      if (off != out.length || in.read() != -1) {
        throw new BlobCorruptedException(ref, "shorter than " + ref.size() + " bytes");
      }
      return out;
    }
  }

  private Path check(BlobRef ref) throws IOException {
    if (ref.size() > maxBlobBytes) {
      throw new IOException(
          "blob "
              + ref.sha256()
              + " of "
              + ref.size()
              + " bytes exceeds the store's cap of "
              + maxBlobBytes
              + " bytes ("
              + SETTING
              + ")");
    }
    String uriPath = ref.uri().getPath();
    if (uriPath == null || !uriPath.endsWith("/" + ref.sha256())) {
      throw new BlobCorruptedException(ref, "reference uri does not name its digest");
    }
    Path path = pathOf(ref.sha256());
    long actual;
    try {
      actual = Files.size(path);
    } catch (NoSuchFileException e) {
      throw new BlobCorruptedException(ref, "missing from the store at " + root);
    }
    if (actual != ref.size()) {
      throw new BlobCorruptedException(ref, "is " + actual + " bytes, expected " + ref.size());
    }
    return path;
  }

  private Path pathOf(String hex) {
    return root.resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /**
   * Counts and hashes what passes; refuses more bytes than expected and a wrong size or digest at
   * the end.
   */
  private static final class VerifyingStream extends FilterInputStream {
    private final BlobRef ref;
    private final MessageDigest sha = sha256();
    private long count;
    private boolean verified;

    VerifyingStream(InputStream in, BlobRef ref) {
      super(in);
      this.ref = ref;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        verifyEnd();
        return -1;
      }
      count += n;
      if (count > ref.size()) {
        throw new BlobCorruptedException(ref, "longer than " + ref.size() + " bytes");
      }
      sha.update(b, off, n);
      if (count == ref.size()) {
        // Verify before handing out the last bytes, so no caller acts on an unverified whole.
        verifyEnd();
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipped bytes must be hashed too.
      byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(0, n))];
      long skipped = 0;
      while (skipped < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void verifyEnd() throws IOException {
      if (verified) {
        return;
      }
      if (count != ref.size()) {
        throw new BlobCorruptedException(ref, "is " + count + " bytes, expected " + ref.size());
      }
      String hex = HexFormat.of().formatHex(sha.digest());
      if (!hex.equals(ref.sha256())) {
        throw new BlobCorruptedException(
            ref, "content does not match its SHA-256 (read " + hex + ")");
      }
      verified = true;
    }
  }
}
