package io.blindtuner.vision.data;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small .npy/.npz files the way numpy does, so tests can build good and broken fixtures. */
public final class NpzFixtures {
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
  public static byte[] npyU8(byte[] data, int... shape) {
    String tuple =
        shape.length == 1
            ? "(" + shape[0] + ",)"
            : java.util.Arrays.stream(shape)
                .mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
    return npy("{'descr': '|u1', 'fortran_order': False, 'shape': " + tuple + ", }", data);
  }

  /** Writes a deflated zip of the entries (name -> content) to {@code file}. */
  public static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
    try (OutputStream fo = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(fo)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return file;
  }

  /**
   * Writes a zip whose entries all share one deflated body: a .npy of {@code dataBytes} zero bytes
   * (shape {@code (dataBytes,)}). Written by hand so that names may repeat and a 1 GiB entry costs
   * one deflate of zeros (4.5 MB at the fastest level, 1 MB at the best) however many entries use
   * it.
   */
  static Path zeroBombs(Path file, List<String> names, int dataBytes) throws IOException {
    Deflated body = ZEROS.computeIfAbsent(dataBytes, NpzFixtures::deflateZeros);
    byte[] deflated = body.bytes;
    int crc = (int) body.crc;
    long size = body.size;
    ByteArrayOutputStream central = new ByteArrayOutputStream();
    try (OutputStream fo = new BufferedOutputStream(Files.newOutputStream(file))) {
      long offset = 0;
      for (String name : names) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer local =
            le(30 + n.length)
                .putInt(0x04034b50)
                .putShort((short) 20)
                .putShort((short) 0)
                .putShort((short) 8)
                .putShort((short) 0)
                .putShort((short) 0x21)
                .putInt(crc)
                .putInt(deflated.length)
                .putInt((int) size)
                .putShort((short) n.length)
                .putShort((short) 0)
                .put(n);
        fo.write(local.array());
        fo.write(deflated);
        central.writeBytes(
            le(46 + n.length)
                .putInt(0x02014b50)
                .putShort((short) 20)
                .putShort((short) 20)
                .putShort((short) 0)
                .putShort((short) 8)
                .putShort((short) 0)
                .putShort((short) 0x21)
                .putInt(crc)
                .putInt(deflated.length)
                .putInt((int) size)
                .putShort((short) n.length)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 0)
                .putInt(0)
                .putInt((int) offset)
                .put(n)
                .array());
        offset += 30 + n.length + deflated.length;
      }
      fo.write(central.toByteArray());
      fo.write(
          le(22)
              .putInt(0x06054b50)
              .putShort((short) 0)
              .putShort((short) 0)
              .putShort((short) names.size())
              .putShort((short) names.size())
              .putInt(central.size())
              .putInt((int) offset)
              .putShort((short) 0)
              .array());
    }
    return file;
  }

  private record Deflated(byte[] bytes, long crc, long size) {}

  /** Deflating 1 GiB takes seconds, so each size is deflated once per test run. */
  private static final Map<Integer, Deflated> ZEROS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static Deflated deflateZeros(int dataBytes) {
    byte[] header =
        npy(
            "{'descr': '|u1', 'fortran_order': False, 'shape': (" + dataBytes + ",), }",
            new byte[0]);
    CRC32 crc = new CRC32();
    crc.update(header);
    Deflater d = new Deflater(Deflater.BEST_SPEED, true);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] out = new byte[1 << 16];
    byte[] zeros = new byte[1 << 20];
    d.setInput(header);
    drain(d, body, out);
    for (long left = dataBytes; left > 0; left -= zeros.length) {
      int n = (int) Math.min(zeros.length, left);
      crc.update(zeros, 0, n);
      d.setInput(zeros, 0, n);
      drain(d, body, out);
    }
    d.finish();
    while (!d.finished()) {
      body.write(out, 0, d.deflate(out));
    }
    d.end();
    return new Deflated(body.toByteArray(), crc.getValue(), header.length + (long) dataBytes);
  }

  private static void drain(Deflater d, ByteArrayOutputStream body, byte[] out) {
    while (!d.needsInput()) {
      body.write(out, 0, d.deflate(out));
    }
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Deterministic pixel bytes. */
  static byte[] pattern(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed * 17 + (i >> 3));
    }
    return b;
  }

  /**
   * A MedMNIST-layout dataset: n train/val/test images of h x w (x3 if rgb), labels i % classes.
   */
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
