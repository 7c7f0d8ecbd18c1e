package io.blindtuner.vision.safetensors;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes float tensors as a safetensors file (F32, F16 or BF16), e.g. for random test models or
 * exported weights. Tensors are stored in the order added; the header is padded with spaces to a
 * multiple of 8 bytes as the reference implementation does.
 */
public final class SafetensorsWriter {
  private record Entry(String name, long[] shape, float[] values) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  /**
   * Adds a tensor.
   *
   * @throws IllegalArgumentException if the shape's element count differs from the values' length
   *     or the name is already used
   */
  public SafetensorsWriter add(String name, float[] values, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          name + ": shape holds " + n + " elements, values " + values.length);
    }
    if (entries.stream().anyMatch(e -> e.name.equals(name)) || name.equals("__metadata__")) {
      throw new IllegalArgumentException("tensor name used twice: " + name);
    }
    entries.add(new Entry(name, shape.clone(), values));
    return this;
  }

  /** Adds a {@code __metadata__} string. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /**
   * Writes the file with every tensor in {@code dtype}.
   *
   * @throws IllegalArgumentException if dtype is not F32, F16 or BF16
   * @throws IOException if writing fails
   */
  public void write(Path file, DType dtype) throws IOException {
    if (!dtype.isFloat()) {
      throw new IllegalArgumentException("can only write float tensors, not " + dtype);
    }
    StringBuilder h = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      h.append("\"__metadata__\":{");
      int i = 0;
      for (Map.Entry<String, String> m : metadata.entrySet()) {
        h.append(i++ > 0 ? "," : "")
            .append(quote(m.getKey()))
            .append(':')
            .append(quote(m.getValue()));
      }
      h.append('}');
    }
    long offset = 0;
    for (Entry e : entries) {
      long bytes = (long) e.values.length * dtype.bytes();
      h.append(h.length() > 1 ? "," : "")
          .append(quote(e.name))
          .append(":{\"dtype\":\"")
          .append(dtype.name())
          .append("\",\"shape\":[");
      for (int i = 0; i < e.shape.length; i++) {
        h.append(i > 0 ? "," : "").append(e.shape[i]);
      }
      h.append("],\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + bytes)
          .append("]}");
      offset += bytes;
    }
    h.append('}');
    byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (header.length + 7) / 8 * 8;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(header);
      out.write(" ".repeat(padded - header.length).getBytes(StandardCharsets.US_ASCII));
      ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (Entry e : entries) {
        for (float v : e.values) {
          if (buf.remaining() < 4) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
          }
          switch (dtype) {
            case F32 -> buf.putFloat(v);
            case F16 -> buf.putShort(Half.fromFloat(v));
            default -> buf.putShort(bf16(v));
          }
        }
      }
      out.write(buf.array(), 0, buf.position());
    }
  }

  /** Rounds a float to bfloat16, ties to even (as PyTorch does). */
  static short bf16(float v) {
    int b = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((b >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((b >>> 16) & 1);
    return (short) ((b + rounding) >>> 16);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
