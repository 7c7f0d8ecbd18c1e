package io.blindtuner.he.seal;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;

/**
 * Little-endian reader over the (decompressed) members of a SEAL object. Every read is checked
 * against the current limit, which nested objects narrow to the size their own header declares, so
 * a lying size field or a truncated stream raises {@link SealFormatException} naming the field, and
 * no read runs past the bytes the object declared.
 */
final class SealInput {
  private final InputStream in;
  private final String what;
  private final byte[] buf = new byte[1 << 16];
  private final long outerLimit;
  private int bufPos;
  private int bufLen;
  private long pos;
  private long limit;
  private final boolean capped;

  /**
   * @param limit bytes the members may use: the declared size, or for compressed data the cap
   * @param capped whether limit is a decompression cap rather than a declared size
   */
  SealInput(InputStream in, long limit, String what, boolean capped) {
    this.in = in;
    this.limit = limit;
    this.outerLimit = limit;
    this.what = what;
    this.capped = capped;
  }

  private String over(String field, long n) {
    if (capped && limit == outerLimit) {
      return what + ": decompressed data exceeds the cap of " + limit + " bytes at " + field;
    }
    return what
        + ": truncated at "
        + field
        + " (needs "
        + n
        + " bytes, "
        + Math.max(0, remaining())
        + " remain in the object)";
  }

  String what() {
    return what;
  }

  long position() {
    return pos;
  }

  long remaining() {
    return limit - pos;
  }

  int u8(String field) {
    need(1, field);
    pos++;
    return buf[bufPos++] & 0xff;
  }

  long u64(String field) {
    need(8, field);
    long r = Blake2b.le64(buf, bufPos);
    bufPos += 8;
    pos += 8;
    return r;
  }

  double f64(String field) {
    return Double.longBitsToDouble(u64(field));
  }

  void longs(long[] dst, int off, int len, String field) {
    if (8L * len > remaining()) {
      throw new SealFormatException(over(field, 8L * len));
    }
    while (len > 0) {
      int n = Math.min(len, buf.length / 8);
      need(8 * n, field);
      for (int i = 0; i < n; i++) {
        dst[off + i] = Blake2b.le64(buf, bufPos + 8 * i);
      }
      bufPos += 8 * n;
      pos += 8L * n;
      off += n;
      len -= n;
    }
  }

  /**
   * Reads a nested SEAL object (its own 16-byte header, then members), confining body to the size
   * the nested header declares and checking that body consumed exactly that many bytes.
   */
  <T> T nested(String inner, Function<SealHeader, T> body) {
    need(SealHeader.BYTES, inner + " header");
    SealHeader h = SealHeader.parse(buf, bufPos, SealHeader.BYTES, what + ": " + inner);
    bufPos += SealHeader.BYTES;
    pos += SealHeader.BYTES;
    if (h.comprMode() != SealComprMode.NONE) {
      throw new SealFormatException(
          what + ": nested " + inner + " is compressed; SEAL never writes that");
    }
    long members = h.size() - SealHeader.BYTES;
    if (Long.compareUnsigned(members, remaining()) > 0) {
      if (capped && limit == outerLimit) {
        throw new SealFormatException(over("nested " + inner, members));
      }
      throw new SealFormatException(
          what
              + ": nested "
              + inner
              + " declares "
              + Long.toUnsignedString(h.size())
              + " bytes but only "
              + (remaining() + SealHeader.BYTES)
              + " remain");
    }
    long outer = limit;
    long end = pos + members;
    limit = end;
    T result = body.apply(h);
    if (pos != end) {
      throw new SealFormatException(
          what
              + ": nested "
              + inner
              + " declares "
              + h.size()
              + " bytes but its members use "
              + (pos - end + members + SealHeader.BYTES));
    }
    limit = outer;
    return result;
  }

  /**
   * All remaining member bytes: up to the declared size, or for compressed data to the stream's end
   * (capped).
   */
  byte[] readAll() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while (remaining() > 0) {
      if (bufPos == bufLen) {
        bufPos = 0;
        bufLen = 0;
        try {
          int r = in.read(buf, 0, (int) Math.min(buf.length, remaining()));
          if (r < 0) {
            if (capped) {
              return out.toByteArray();
            }
            throw new SealFormatException(what + ": data ends before the declared size");
          }
          bufLen = r;
        } catch (IOException e) {
          throw new SealFormatException(what + ": corrupt or truncated data: " + e.getMessage(), e);
        }
      }
      int n = (int) Math.min(bufLen - bufPos, remaining());
      out.write(buf, bufPos, n);
      bufPos += n;
      pos += n;
    }
    if (capped) {
      try {
        // the cap was reached: anything more is over it
        expectEnd();
      } catch (SealFormatException e) {
        throw new SealFormatException(
            what + ": decompressed data exceeds the cap of " + limit + " bytes", e);
      }
    }
    return out.toByteArray();
  }

  /** Checks that the underlying (decompressed) stream holds nothing after the members. */
  void expectEnd() {
    if (bufPos < bufLen) {
      throw new SealFormatException(what + ": unexpected bytes after the members");
    }
    try {
      if (in.read() != -1) {
        throw new SealFormatException(what + ": unexpected bytes after the members");
      }
    } catch (IOException e) {
      throw new SealFormatException(
          what + ": corrupt compressed data after the members: " + e.getMessage(), e);
    }
  }

  private void need(int n, String field) {
    if (n > remaining()) {
      throw new SealFormatException(over(field, n));
    }
    if (bufLen - bufPos >= n) {
      return;
    }
    System.arraycopy(buf, bufPos, buf, 0, bufLen - bufPos);
    bufLen -= bufPos;
    bufPos = 0;
    try {
      while (bufLen < n) {
        int r = in.read(buf, bufLen, buf.length - bufLen);
        if (r < 0) {
          throw new SealFormatException(
              what
                  + ": data ends at "
                  + field
                  + " (needs "
                  + n
                  + " bytes, "
                  + bufLen
                  + " available)");
        }
        bufLen += r;
      }
    } catch (IOException e) {
      throw new SealFormatException(
          what + ": corrupt or truncated data at " + field + ": " + e.getMessage(), e);
    }
  }
}
