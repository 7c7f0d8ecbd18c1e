package io.blindtuner.vision.data;

import io.blindtuner.vision.MalformedFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one .npy v1.0 array of dtype uint8 in C order (the MedMNIST layout). The header is a short
 * Python dict literal; it is parsed strictly (exactly the keys descr, fortran_order and shape) so a
 * file that is not what we expect is refused instead of being misread.
 */
public final class NpyReader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** The v1.0 header length is a uint16; numpy itself keeps it small. */
  private static final int MAX_HEADER = 65535;

  private NpyReader() {}

  /**
   * Reads an array whose entry holds exactly {@code declaredSize} bytes (header plus data).
   *
   * @param name file and entry name, used in messages
   * @param in the entry content
   * @param declaredSize the entry size the container declares, or -1 if unknown
   * @param maxDataBytes the largest data size accepted (checked before allocating)
   * @throws MalformedFileException if the magic, version, header, dtype, order or shape is wrong,
   *     the data is truncated, or the entry holds bytes beyond the array
   * @throws IOException if reading fails
   */
  public static NpyArray read(String name, InputStream in, long declaredSize, long maxDataBytes)
      throws IOException {
    byte[] pre = readFully(name, in, 10, "the 10-byte preamble");
    for (int i = 0; i < MAGIC.length; i++) {
      if (pre[i] != MAGIC[i]) {
        throw new MalformedFileException(name + ": not a .npy array (bad magic)");
      }
    }
    if (pre[6] != 1 || pre[7] != 0) {
      throw new MalformedFileException(
          name
              + ": .npy version "
              + (pre[6] & 0xff)
              + "."
              + (pre[7] & 0xff)
              + " is not supported (expected 1.0)");
    }
    int headerLen = (pre[8] & 0xff) | (pre[9] & 0xff) << 8;
    if (headerLen > MAX_HEADER || (declaredSize >= 0 && 10L + headerLen > declaredSize)) {
      throw new MalformedFileException(
          name + ": header length " + headerLen + " exceeds the entry size " + declaredSize);
    }
    String header =
        new String(readFully(name, in, headerLen, "the header"), StandardCharsets.ISO_8859_1);
    Map<String, Object> dict = new HeaderParser(name, header).parse();
    if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
      throw new MalformedFileException(
          name
              + ": header keys "
              + dict.keySet()
              + " are not exactly {descr, fortran_order, shape}");
    }
    Object descr = dict.get("descr");
    if (!"|u1".equals(descr) && !"<u1".equals(descr) && !">u1".equals(descr)) {
      throw new MalformedFileException(name + ": dtype " + descr + " is not uint8 ('|u1')");
    }
    if (!Boolean.FALSE.equals(dict.get("fortran_order"))) {
      throw new MalformedFileException(
          name + ": fortran_order is " + dict.get("fortran_order") + ", expected False (C order)");
    }
    if (!(dict.get("shape") instanceof long[] dims)) {
      throw new MalformedFileException(
          name + ": shape " + dict.get("shape") + " is not a tuple of integers");
    }
    // One byte[] holds the data, so no cap above the array limit can apply (and (int) count must
    // not wrap).
    long limit = Math.min(maxDataBytes, Integer.MAX_VALUE - 8);
    long count = 1;
    int[] shape = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0 || dims[i] > limit) {
        throw new MalformedFileException(
            name
                + ": dimension "
                + dims[i]
                + " is negative or exceeds the limit of "
                + limit
                + " bytes");
      }
      shape[i] = (int) dims[i];
      count *= dims[i];
      if (count > limit) {
        throw new MalformedFileException(
            name + ": array of " + count + "+ bytes exceeds the limit of " + limit + " bytes");
      }
    }
    if (declaredSize >= 0 && 10L + headerLen + count != declaredSize) {
      throw new MalformedFileException(
          name
              + ": header declares "
              + count
              + " data bytes but the entry holds "
              + (declaredSize - 10 - headerLen));
    }
    byte[] data = readFully(name, in, (int) count, "the data");
    if (in.read() != -1) {
      throw new MalformedFileException(name + ": extra bytes after the " + count + " data bytes");
    }
    return new NpyArray(name, shape, data);
  }

  private static byte[] readFully(String name, InputStream in, int n, String what)
      throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new MalformedFileException(
          name + ": truncated in " + what + ": expected " + n + " bytes, got " + b.length);
    }
    return b;
  }

  /**
   * Strict parser for numpy's header dict: {'key': value, ...} with strings, True/False and int
   * tuples.
   */
  private static final class HeaderParser {
    private final String name;
    private final String s;
    private int pos;

    HeaderParser(String name, String s) {
      this.name = name;
      this.s = s;
    }

    Map<String, Object> parse() throws MalformedFileException {
      if (!s.endsWith("\n")) {
        throw error("header does not end with a newline");
      }
      Map<String, Object> out = new HashMap<>();
      skipSpace();
      expect('{');
      skipSpace();
      while (peek() != '}') {
        String key = string();
        skipSpace();
        expect(':');
        skipSpace();
        if (out.put(key, value()) != null) {
          throw error("duplicate key '" + key + "'");
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
          skipSpace();
        } else if (peek() != '}') {
          throw error("expected ',' or '}' at offset " + pos);
        }
      }
      pos++;
      skipSpace();
      if (pos != s.length()) {
        throw error("unexpected text after the dict at offset " + pos);
      }
      return out;
    }

    private Object value() throws MalformedFileException {
      char c = peek();
      if (c == '\'') {
        return string();
      }
      if (s.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      if (c == '(') {
        pos++;
        List<Long> dims = new ArrayList<>();
        skipSpace();
        while (peek() != ')') {
          dims.add(integer());
          skipSpace();
          if (peek() == ',') {
            pos++;
            skipSpace();
          } else if (peek() != ')') {
            throw error("expected ',' or ')' in shape at offset " + pos);
          }
        }
        pos++;
        return dims.stream().mapToLong(Long::longValue).toArray();
      }
      throw error("unexpected value at offset " + pos);
    }

    private long integer() throws MalformedFileException {
      int start = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos)) && pos - start < 12) {
        pos++;
      }
      if (start == pos || (pos < s.length() && Character.isDigit(s.charAt(pos)))) {
        throw error("bad integer in shape at offset " + start);
      }
      return Long.parseLong(s.substring(start, pos));
    }

    private String string() throws MalformedFileException {
      expect('\'');
      int end = s.indexOf('\'', pos);
      if (end < 0) {
        throw error("unterminated string at offset " + pos);
      }
      String v = s.substring(pos, end);
      pos = end + 1;
      return v;
    }

    private void skipSpace() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n')) {
        pos++;
      }
    }

    private char peek() throws MalformedFileException {
      if (pos >= s.length()) {
        throw error("header ends early");
      }
      return s.charAt(pos);
    }

    private void expect(char c) throws MalformedFileException {
      if (peek() != c) {
        throw error("expected '" + c + "' at offset " + pos);
      }
      pos++;
    }

    private MalformedFileException error(String what) {
      return new MalformedFileException(name + ": bad .npy header (" + what + "): " + s.strip());
    }
  }
}
