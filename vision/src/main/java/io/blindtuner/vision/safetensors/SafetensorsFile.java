package io.blindtuner.vision.safetensors;

import io.blindtuner.vision.MalformedFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading: an 8-byte little-endian header length, a JSON header
 * mapping tensor names to dtype, shape and byte offsets, then the data. The header is fully
 * validated on open (size cap, syntax, dtypes, shapes, offsets inside the file and consistent with
 * the shapes, no overlaps), so later reads cannot go out of bounds.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** The format's own cap on the header (100 MB). */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens and validates a safetensors file.
   *
   * @throws MalformedFileException naming the file (and tensor) if the header is too large, not
   *     JSON, or has an entry with an unknown dtype, a bad shape, or offsets outside the data or
   *     overlapping another tensor
   * @throws IOException if the file cannot be read
   */
  public static SafetensorsFile open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long size = ch.size();
      if (size < 8) {
        throw new MalformedFileException(
            path + ": too short for a safetensors file (" + size + " bytes)");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0, path);
      long headerLen = lenBuf.getLong(0);
      if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > size - 8) {
        throw new MalformedFileException(
            path
                + ": header length "
                + headerLen
                + " is outside 1.."
                + Math.min(MAX_HEADER_BYTES, size - 8)
                + " (file has "
                + size
                + " bytes)");
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8, path);
      hb.flip();
      String header;
      try {
        header =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(hb)
                .toString();
      } catch (CharacterCodingException e) {
        throw new MalformedFileException(path + ": header is not UTF-8", e);
      }
      if (!header.startsWith("{")) {
        throw new MalformedFileException(path + ": header does not start with '{'");
      }
      Object root;
      try {
        root = JsonParser.parse(header);
      } catch (IllegalArgumentException e) {
        throw new MalformedFileException(path + ": header is not valid JSON: " + e.getMessage(), e);
      }
      if (!(root instanceof Map<?, ?> map)) {
        throw new MalformedFileException(path + ": header is not a JSON object");
      }
      long dataSize = size - 8 - headerLen;
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String name = (String) e.getKey();
        if (name.equals("__metadata__")) {
          if (!(e.getValue() instanceof Map<?, ?> md)) {
            throw new MalformedFileException(path + ": __metadata__ is not an object");
          }
          for (Map.Entry<?, ?> m : md.entrySet()) {
            if (!(m.getValue() instanceof String v)) {
              throw new MalformedFileException(
                  path + ": __metadata__ value of " + m.getKey() + " is not a string");
            }
            metadata.put((String) m.getKey(), v);
          }
          continue;
        }
        tensors.put(name, entry(path, name, e.getValue(), dataSize));
      }
      List<TensorInfo> sorted = new ArrayList<>(tensors.values());
      sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
      for (int i = 1; i < sorted.size(); i++) {
        TensorInfo a = sorted.get(i - 1);
        TensorInfo b = sorted.get(i);
        if (b.begin() < a.end()) {
          throw new MalformedFileException(
              path + ": tensors " + a.name() + " and " + b.name() + " overlap");
        }
      }
      return new SafetensorsFile(
          path,
          ch,
          8 + headerLen,
          Collections.unmodifiableMap(tensors),
          Collections.unmodifiableMap(metadata));
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static TensorInfo entry(Path path, String name, Object value, long dataSize)
      throws MalformedFileException {
    String where = path + ": tensor " + name;
    if (!(value instanceof Map<?, ?> m)
        || !m.keySet().equals(java.util.Set.of("dtype", "shape", "data_offsets"))) {
      throw new MalformedFileException(
          where + ": entry must be an object with dtype, shape and data_offsets");
    }
    DType dtype = m.get("dtype") instanceof String s ? DType.of(s) : null;
    if (dtype == null) {
      throw new MalformedFileException(where + ": unknown dtype " + m.get("dtype"));
    }
    if (!(m.get("shape") instanceof List<?> dims)) {
      throw new MalformedFileException(where + ": shape is not a list");
    }
    long[] shape = new long[dims.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(dims.get(i) instanceof Long d) || d < 0) {
        throw new MalformedFileException(where + ": bad dimension " + dims.get(i));
      }
      shape[i] = d;
      try {
        count = Math.multiplyExact(count, d);
      } catch (ArithmeticException x) {
        throw new MalformedFileException(where + ": shape " + dims + " overflows");
      }
    }
    if (!(m.get("data_offsets") instanceof List<?> off)
        || off.size() != 2
        || !(off.get(0) instanceof Long begin)
        || !(off.get(1) instanceof Long end)) {
      throw new MalformedFileException(where + ": data_offsets is not [begin, end]");
    }
    if (begin < 0 || end < begin || end > dataSize) {
      throw new MalformedFileException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] lie outside the "
              + dataSize
              + " data bytes");
    }
    if (count > (Long.MAX_VALUE / 8) || end - begin != count * dtype.bytes()) {
      throw new MalformedFileException(
          where
              + ": data_offsets span "
              + (end - begin)
              + " bytes but shape "
              + dims
              + " of "
              + dtype
              + " needs "
              + count * dtype.bytes());
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path)
      throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new MalformedFileException(path + ": truncated");
      }
      pos += r;
    }
  }

  public Path path() {
    return path;
  }

  /** Every tensor, in header order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The {@code __metadata__} strings (empty if absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Reads a tensor as floats (F32 as is; F16 and BF16 widened exactly).
   *
   * @throws IllegalArgumentException if there is no such tensor
   * @throws MalformedFileException if its dtype is not a float type or it is too large for one
   *     array
   * @throws IOException if reading fails
   */
  public float[] readFloats(String name) throws IOException {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new IllegalArgumentException(path + ": no tensor " + name);
    }
    if (!t.dtype().isFloat()) {
      throw new MalformedFileException(
          path
              + ": tensor "
              + name
              + " has dtype "
              + t.dtype()
              + "; only F32, F16 and BF16 are supported");
    }
    if (t.elements() > Integer.MAX_VALUE - 8) {
      throw new MalformedFileException(
          path + ": tensor " + name + " has too many elements (" + t.elements() + ")");
    }
    int n = (int) t.elements();
    float[] out = new float[n];
    int chunkBytes = 1 << 20;
    ByteBuffer buf = ByteBuffer.allocate(chunkBytes).order(ByteOrder.LITTLE_ENDIAN);
    int w = t.dtype().bytes();
    long pos = dataStart + t.begin();
    for (int i = 0; i < n; ) {
      int m = Math.min(n - i, chunkBytes / w);
      buf.clear().limit(m * w);
      readFully(channel, buf, pos, path);
      buf.flip();
      pos += (long) m * w;
      switch (t.dtype()) {
        case F32 -> buf.asFloatBuffer().get(out, i, m);
        case F16 -> {
          for (int k = 0; k < m; k++) {
            out[i + k] = Half.toFloat(buf.getShort(k * 2));
          }
        }
        case BF16 -> {
          for (int k = 0; k < m; k++) {
            out[i + k] = Float.intBitsToFloat((buf.getShort(k * 2) & 0xffff) << 16);
          }
        }
        default -> throw new IllegalStateException("unreachable: " + t.dtype());
      }
      i += m;
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
