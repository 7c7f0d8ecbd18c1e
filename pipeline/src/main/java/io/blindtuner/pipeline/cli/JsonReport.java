package io.blindtuner.pipeline.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A tiny JSON writer for {@code --report FILE}: maps (keys as strings, insertion order kept when
 * the map keeps it), lists and arrays, numbers, strings, booleans and null. Non-finite doubles
 * become null, as JSON has no NaN.
 */
public final class JsonReport {
  private JsonReport() {}

  /**
   * Writes {@code value} as pretty JSON followed by a newline.
   *
   * @throws IOException if writing fails
   * @throws IllegalArgumentException if the value holds a type JSON cannot express
   */
  public static void write(Path file, Object value) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson(value) + "\n", StandardCharsets.UTF_8);
  }

  /**
   * The JSON text of {@code value}, indented by two spaces.
   *
   * @throws IllegalArgumentException if the value holds a type JSON cannot express
   */
  public static String toJson(Object value) {
    StringBuilder b = new StringBuilder();
    append(b, value, "");
    return b.toString();
  }

  private static void append(StringBuilder b, Object v, String indent) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof String s) {
      quote(b, s);
    } else if (v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      b.append(
          Double.isFinite(d)
              ? (d == Math.rint(d) && Math.abs(d) < 1e15
                  ? Long.toString((long) d)
                  : Double.toString(d))
              : "null");
    } else if (v instanceof Number) {
      b.append(v);
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        b.append("{}");
        return;
      }
      String in = indent + "  ";
      b.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(in);
        quote(b, String.valueOf(e.getKey()));
        b.append(": ");
        append(b, e.getValue(), in);
        b.append(++i < m.size() ? ",\n" : "\n");
      }
      b.append(indent).append('}');
    } else if (v instanceof Iterable<?> it) {
      java.util.List<Object> items = new java.util.ArrayList<>();
      it.forEach(items::add);
      list(b, items, indent);
    } else if (v.getClass().isArray()) {
      int n = java.lang.reflect.Array.getLength(v);
      java.util.List<Object> items = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        items.add(java.lang.reflect.Array.get(v, i));
      }
      list(b, items, indent);
    } else {
      throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
    }
  }

  private static void list(StringBuilder b, java.util.List<Object> items, String indent) {
    boolean flat =
        items.stream().allMatch(x -> x == null || x instanceof Number || x instanceof Boolean);
    b.append('[');
    for (int i = 0; i < items.size(); i++) {
      if (!flat) {
        b.append('\n').append(indent).append("  ");
      }
      append(b, items.get(i), indent + "  ");
      if (i + 1 < items.size()) {
        b.append(flat ? ", " : ",");
      }
    }
    if (!flat && !items.isEmpty()) {
      b.append('\n').append(indent);
    }
    b.append(']');
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
