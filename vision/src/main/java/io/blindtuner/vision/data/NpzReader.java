package io.blindtuner.vision.data;

import io.blindtuner.vision.MalformedFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Reads a .npz file (a zip of .npy arrays) into arrays keyed by entry name without ".npy". */
public final class NpzReader {
  /** Default cap on one array: well above the largest MedMNIST 28x28 array (TissueMNIST train, 130 MB). */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 1L << 30;

  private NpzReader() {}

  /**
   * Reads every entry of an .npz file.
   *
   * @param file the .npz file
   * @param maxEntryBytes the largest array accepted, checked before allocating
   * @return the arrays, in the zip's order
   * @throws NoSuchFileException if the file does not exist
   * @throws MalformedFileException if the file is not a zip, an entry is not a .npy or is malformed, an entry
   *     is listed twice, or an entry's size or CRC disagrees with the zip directory
   * @throws IOException if reading fails
   */
  public static Map<String, NpyArray> read(Path file, long maxEntryBytes) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such .npz file");
    }
    Map<String, NpyArray> out = new LinkedHashMap<>();
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new MalformedFileException(file + ": not a valid .npz (zip) file: " + e.getMessage(), e);
    }
    try (zip) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        String entryName = file.getFileName() + "[" + e.getName() + "]";
        if (e.isDirectory() || !e.getName().endsWith(".npy")) {
          throw new MalformedFileException(entryName + ": entry is not a .npy array");
        }
        long size = e.getSize();
        if (size < 0 || size > maxEntryBytes + MAX_HEADER_BYTES) {
          throw new MalformedFileException(entryName + ": entry size " + size + " exceeds the limit of "
              + maxEntryBytes + " bytes");
        }
        NpyArray a;
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(zip.getInputStream(e), crc)) {
          a = NpyReader.read(entryName, in, size, maxEntryBytes);
        } catch (ZipException z) {
          throw new MalformedFileException(entryName + ": corrupt zip entry: " + z.getMessage(), z);
        } catch (java.io.EOFException eof) {
          throw new MalformedFileException(entryName + ": truncated compressed data", eof);
        }
        if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
          throw new MalformedFileException(entryName + ": CRC-32 mismatch (file is corrupt)");
        }
        String key = e.getName().substring(0, e.getName().length() - 4);
        if (out.put(key, a) != null) {
          throw new MalformedFileException(entryName + ": entry appears twice");
        }
      }
    }
    return out;
  }

  /** Room for the .npy preamble and header beside the data. */
  private static final long MAX_HEADER_BYTES = 10 + 65535;
}
