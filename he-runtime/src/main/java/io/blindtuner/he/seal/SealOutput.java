package io.blindtuner.he.seal;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/** Little-endian writer for the members of a SEAL object, with nested uncompressed objects. */
final class SealOutput {
  private final ByteArrayOutputStream out;
  private final byte[] scratch = new byte[1 << 16];

  SealOutput(int sizeHint) {
    out = new ByteArrayOutputStream(Math.max(32, sizeHint));
  }

  void u8(int v) {
    out.write(v);
  }

  void u64(long v) {
    for (int i = 0; i < 8; i++) {
      scratch[i] = (byte) (v >>> (8 * i));
    }
    out.write(scratch, 0, 8);
  }

  void f64(double v) {
    u64(Double.doubleToRawLongBits(v));
  }

  void longs(long[] src, int off, int len) {
    while (len > 0) {
      int n = Math.min(len, scratch.length / 8);
      for (int i = 0; i < n; i++) {
        long v = src[off + i];
        int b = 8 * i;
        for (int k = 0; k < 8; k++) {
          scratch[b + k] = (byte) (v >>> (8 * k));
        }
      }
      out.write(scratch, 0, 8 * n);
      off += n;
      len -= n;
    }
  }

  void bytes(byte[] b) {
    out.write(b, 0, b.length);
  }

  /** Writes a nested object: a version-4.1 uncompressed header, then what body writes. */
  void nested(int sizeHint, Consumer<SealOutput> body) {
    SealOutput inner = new SealOutput(sizeHint);
    body.accept(inner);
    byte[] members = inner.toByteArray();
    bytes(SealHeader.encode(SealComprMode.NONE, SealHeader.BYTES + (long) members.length));
    bytes(members);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
