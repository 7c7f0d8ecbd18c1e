package io.blindtuner.vision.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small .npy/.npz files the way numpy does, so tests can build good and broken fixtures. */
final class NpzFixtures {
  private NpzFixtures() {}

  /** A .npy v1.0 entry with the given header dict text (padded like numpy) and raw data. */
  static byte[] npy(String dict, byte[] data) {
    StringBuilder h = new StringBuilder(dict);
    while ((10 + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    h.append('\n');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(h.length() & 0xff);
    out.write(h.length() >> 8);
    out.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(data);
    return out.toByteArray();
  }

  /** A uint8 C-order .npy of the given shape. */
  static byte[] npyU8(byte[] data, int... shape) {
    String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
        : java.util.Arrays.stream(shape).mapToObj(Integer::toString)
            .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
    return npy("{'descr': '|u1', 'fortran_order': False, 'shape': " + tuple + ", }", data);
  }

  /** Writes a deflated zip of the entries (name -> content) to {@code file}. */
  static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
    try (OutputStream fo = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(fo)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return file;
  }

  /** Deterministic pixel bytes. */
  static byte[] pattern(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed * 17 + (i >> 3));
    }
    return b;
  }

  /** A MedMNIST-layout dataset: n train/val/test images of h x w (x3 if rgb), labels i % classes. */
  static Map<String, byte[]> dataset(int n, int h, int w, boolean rgb, int classes) {
    Map<String, byte[]> m = new java.util.LinkedHashMap<>();
    int c = rgb ? 3 : 1;
    int seed = 0;
    for (String s : new String[] {"train", "val", "test"}) {
      byte[] img = pattern(n * h * w * c, seed++);
      m.put(s + "_images.npy", rgb ? npyU8(img, n, h, w, 3) : npyU8(img, n, h, w));
      byte[] lab = new byte[n];
      for (int i = 0; i < n; i++) {
        lab[i] = (byte) (i % classes);
      }
      m.put(s + "_labels.npy", npyU8(lab, n, 1));
    }
    return m;
  }
}
