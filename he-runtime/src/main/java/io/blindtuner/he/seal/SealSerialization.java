package io.blindtuner.he.seal;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * SEAL's Serialization::Save/Load framing: a {@link SealHeader} followed by the object's members,
 * raw or compressed as one zlib stream (RFC 1950, as zlib's deflate writes it) or one Zstandard
 * frame. Decompression is streamed and capped, so a stream that expands without bound stops at the
 * cap with {@link SealFormatException}.
 */
public final class SealSerialization {
  /** Default cap on the decompressed members of one object: 1 GiB. */
  public static final long DEFAULT_MAX_BYTES = 1L << 30;

  private SealSerialization() {}

  /** Frames members (already written by body) with a 4.1 header and the given compression. */
  static byte[] save(SealComprMode mode, int sizeHint, Consumer<SealOutput> body) {
    SealOutput o = new SealOutput(sizeHint);
    body.accept(o);
    byte[] members = o.toByteArray();
    byte[] payload =
        switch (mode) {
          case NONE -> members;
          case ZLIB -> deflate(members);
          case ZSTD -> zstd(members);
        };
    byte[] out = new byte[SealHeader.BYTES + payload.length];
    System.arraycopy(SealHeader.encode(mode, out.length), 0, out, 0, SealHeader.BYTES);
    System.arraycopy(payload, 0, out, SealHeader.BYTES, payload.length);
    return out;
  }

  /**
   * Reads one whole SEAL object occupying all of data.
   *
   * @param maxBytes cap on the (decompressed) member bytes
   * @throws SealFormatException if the header is invalid, the declared size differs from the data
   *     length, decompression fails or exceeds maxBytes, or body finds the members malformed or
   *     leaves bytes unread
   */
  static <T> T load(byte[] data, String what, long maxBytes, Function<LoadContext, T> body) {
    SealHeader h = SealHeader.parse(data, 0, data.length, what);
    if (h.size() != data.length) {
      throw new SealFormatException(
          what
              + ": header declares "
              + Long.toUnsignedString(h.size())
              + " bytes but the data has "
              + data.length);
    }
    int payloadLen = data.length - SealHeader.BYTES;
    InputStream raw = new ByteArrayInputStream(data, SealHeader.BYTES, payloadLen);
    InputStream members;
    long limit;
    switch (h.comprMode()) {
      case NONE -> {
        members = raw;
        limit = payloadLen;
      }
      case ZLIB -> {
        members = new StrictInflaterStream(data, SealHeader.BYTES, payloadLen, what);
        limit = maxBytes;
      }
      case ZSTD -> {
        try {
          members = new ZstdInputStreamNoFinalizer(raw, RecyclingBufferPool.INSTANCE);
        } catch (IOException e) {
          throw new SealFormatException(what + ": cannot open zstd stream: " + e.getMessage(), e);
        }
        limit = maxBytes;
      }
      default -> throw new IllegalStateException();
    }
    if (limit > maxBytes) {
      throw new SealFormatException(
          what + ": object of " + limit + " bytes exceeds the cap of " + maxBytes);
    }
    try (InputStream closing = members) {
      SealInput in = new SealInput(closing, limit, what, h.comprMode() != SealComprMode.NONE);
      T result = body.apply(new LoadContext(h, in));
      if (h.comprMode() == SealComprMode.NONE) {
        if (in.remaining() != 0) {
          throw new SealFormatException(
              what + ": " + in.remaining() + " unread bytes after the members");
        }
      } else {
        in.expectEnd();
      }
      return result;
    } catch (IOException e) {
      throw new SealFormatException(what + ": cannot close the decompressor: " + e.getMessage(), e);
    }
  }

  /** The header of the object being read and a reader over its members. */
  record LoadContext(SealHeader header, SealInput in) {}

  private static byte[] deflate(byte[] in) {
    // Ciphertext words are random below a 40-60-bit prime: LZ matching finds nothing, only the zero
    // high
    // bytes compress. Huffman-only coding gets that gain (slightly smaller than level 6) 15x
    // faster.
    Deflater d = new Deflater(Deflater.BEST_SPEED);
    d.setStrategy(Deflater.HUFFMAN_ONLY);
    try {
      d.setInput(in);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, in.length / 2));
      byte[] buf = new byte[1 << 16];
      while (!d.finished()) {
        int n = d.deflate(buf);
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } finally {
      d.end();
    }
  }

  private static byte[] zstd(byte[] in) {
    try {
      return Zstd.compress(in, Zstd.defaultCompressionLevel());
    } catch (ZstdException e) {
      throw new IllegalStateException("zstd compression failed", e);
    }
  }

  /**
   * A zlib stream over an in-memory payload that, unlike InflaterInputStream, rejects a payload
   * that ends before the stream does, asks for a dictionary, or carries bytes after the stream.
   */
  private static final class StrictInflaterStream extends InputStream {
    private final Inflater inf = new Inflater();
    private final String what;
    private boolean done;

    StrictInflaterStream(byte[] data, int off, int len, String what) {
      inf.setInput(data, off, len);
      this.what = what;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (done) {
        return -1;
      }
      try {
        while (true) {
          if (inf.finished()) {
            if (inf.getRemaining() != 0) {
              throw new SealFormatException(
                  what + ": " + inf.getRemaining() + " bytes after the zlib stream");
            }
            done = true;
            inf.end();
            return -1;
          }
          int n = inf.inflate(b, off, len);
          if (n > 0) {
            return n;
          }
          if (inf.needsDictionary()) {
            throw new SealFormatException(what + ": zlib stream asks for a preset dictionary");
          }
          if (inf.needsInput()) {
            throw new SealFormatException(what + ": zlib stream is truncated");
          }
        }
      } catch (DataFormatException e) {
        throw new SealFormatException(what + ": corrupt zlib stream: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      inf.end();
    }
  }
}
