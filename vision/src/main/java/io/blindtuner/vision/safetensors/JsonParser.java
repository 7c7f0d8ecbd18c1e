package io.blindtuner.vision.safetensors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser for safetensors headers: objects become {@code LinkedHashMap<String,
 * Object>}, arrays {@code List<Object>}, integers {@code Long}, other numbers {@code Double}, plus
 * String, Boolean and null. Nesting depth is capped so a hostile header cannot exhaust the stack.
 */
final class JsonParser {
  private static final int MAX_DEPTH = 64;

  private final String s;
  private int pos;

  private JsonParser(String s) {
    this.s = s;
  }

  /**
   * Parses one JSON value that fills {@code text} (surrounding whitespace allowed).
   *
   * @throws IllegalArgumentException describing the first syntax error and its offset
   */
  static Object parse(String text) {
    JsonParser p = new JsonParser(text);
    p.space();
    Object v = p.value(0);
    p.space();
    if (p.pos != text.length()) {
      throw p.error("unexpected text after the JSON value");
    }
    return v;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    char c = peek();
    switch (c) {
      case '{':
        {
          pos++;
          Map<String, Object> m = new LinkedHashMap<>();
          space();
          if (peek() == '}') {
            pos++;
            return m;
          }
          while (true) {
            space();
            if (peek() != '"') {
              throw error("expected a string key");
            }
            String k = string();
            space();
            expect(':');
            space();
            if (m.put(k, value(depth + 1)) != null) {
              throw error("duplicate key \"" + k + "\"");
            }
            space();
            if (peek() == ',') {
              pos++;
            } else {
              expect('}');
              return m;
            }
          }
        }
      case '[':
        {
          pos++;
          List<Object> l = new ArrayList<>();
          space();
          if (peek() == ']') {
            pos++;
            return l;
          }
          while (true) {
            space();
            l.add(value(depth + 1));
            space();
            if (peek() == ',') {
              pos++;
            } else {
              expect(']');
              return l;
            }
          }
        }
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        return number();
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, pos)) {
      throw error("unexpected character");
    }
    pos += word.length();
    return v;
  }

  private Object number() {
    int start = pos;
    if (peekOr('-')) {
      pos++;
    }
    boolean integral = true;
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c >= '0' && c <= '9') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        pos++;
      } else {
        break;
      }
    }
    String t = s.substring(start, pos);
    if (t.isEmpty() || t.equals("-")) {
      throw error("unexpected character");
    }
    try {
      if (integral && t.length() <= 19) {
        return Long.parseLong(t);
      }
      return Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw error("bad number " + t);
    }
  }

  private String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (pos >= s.length()) {
        throw error("unterminated escape");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'n' -> b.append('\n');
        case 'r' -> b.append('\r');
        case 't' -> b.append('\t');
        case 'u' -> {
          if (pos + 4 > s.length()) {
            throw error("short \\u escape");
          }
          // Exactly four hex digits: Integer.parseInt would also take a sign ("\\u-001").
          int code = 0;
          for (int k = 0; k < 4; k++) {
            char h = s.charAt(pos + k);
            int digit = h < 128 ? Character.digit(h, 16) : -1;
            if (digit < 0) {
              throw error("bad \\u escape");
            }
            code = code * 16 + digit;
          }
          b.append((char) code);
          pos += 4;
        }
        default -> throw error("bad escape \\" + e);
      }
    }
  }

  private void space() {
    while (pos < s.length()
        && (s.charAt(pos) == ' '
            || s.charAt(pos) == '\n'
            || s.charAt(pos) == '\r'
            || s.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private boolean peekOr(char c) {
    return pos < s.length() && s.charAt(pos) == c;
  }

  private char peek() {
    if (pos >= s.length()) {
      throw error("unexpected end");
    }
    return s.charAt(pos);
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("JSON syntax error at offset " + pos + ": " + what);
  }
}
