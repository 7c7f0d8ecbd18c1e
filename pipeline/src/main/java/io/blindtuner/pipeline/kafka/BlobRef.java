package io.blindtuner.pipeline.kafka;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A claim check: where a large object lies in the {@link BlobStore}, its SHA-256 and its size.
 * Kafka carries this (a few hundred bytes) instead of the object; the reader verifies the object
 * against it. Binary form, version 1: {@code version u8 | sha256 (32 bytes) | size i64 | uri length
 * u16 | uri (UTF-8)}.
 *
 * @param uri where the writer stored it
 * @param sha256 the SHA-256 of its bytes, 64 lower-case hex digits
 * @param size its length in bytes
 */
public record BlobRef(URI uri, String sha256, long size) {
  private static final int VERSION = 1;
  private static final int MAX_URI_BYTES = 4096;
  private static final int FIXED_BYTES = 1 + 32 + 8 + 2;

  /**
   * @throws IllegalArgumentException if the digest is not 64 lower-case hex digits or the size is
   *     negative
   */
  public BlobRef {
    Objects.requireNonNull(uri, "uri");
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "sha256 must be 64 lower-case hex digits, got '" + sha256 + "'");
    }
    if (size < 0) {
      throw new IllegalArgumentException("blob size must not be negative, got " + size);
    }
  }

  /** The small record value that carries it. */
  public byte[] toBytes() {
    byte[] u = uri.toString().getBytes(StandardCharsets.UTF_8);
    if (u.length > MAX_URI_BYTES) {
      throw new IllegalArgumentException(
          "blob uri longer than " + MAX_URI_BYTES + " bytes: " + uri);
    }
    return ByteBuffer.allocate(FIXED_BYTES + u.length)
        .put((byte) VERSION)
        .put(HexFormat.of().parseHex(sha256))
        .putLong(size)
        .putShort((short) u.length)
        .put(u)
        .array();
  }

  /**
   * Parses {@link #toBytes()}.
   *
   * @throws MalformedRecordException if truncated, of another version, or the uri is invalid
   */
  public static BlobRef fromBytes(byte[] bytes) throws MalformedRecordException {
    if (bytes == null || bytes.length < FIXED_BYTES) {
      throw new MalformedRecordException(
          "blob reference truncated: "
              + (bytes == null ? 0 : bytes.length)
              + " bytes, needs at least "
              + FIXED_BYTES);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int version = Byte.toUnsignedInt(b.get());
    if (version != VERSION) {
      throw new MalformedRecordException("unsupported blob reference version " + version);
    }
    byte[] digest = new byte[32];
    b.get(digest);
    long size = b.getLong();
    int uriLength = Short.toUnsignedInt(b.getShort());
    if (size < 0) {
      throw new MalformedRecordException("blob reference with negative size " + size);
    }
    if (uriLength > MAX_URI_BYTES || uriLength != b.remaining()) {
      throw new MalformedRecordException(
          "blob reference uri length " + uriLength + " but " + b.remaining() + " bytes follow");
    }
    byte[] u = new byte[uriLength];
    b.get(u);
    try {
      return new BlobRef(
          new URI(new String(u, StandardCharsets.UTF_8)), HexFormat.of().formatHex(digest), size);
    } catch (URISyntaxException e) {
      throw new MalformedRecordException("blob reference with an invalid uri: " + e.getMessage());
    }
  }
}
