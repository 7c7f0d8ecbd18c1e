package io.blindtuner.vision.data;

import io.blindtuner.vision.MalformedFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Reads a .npz file (a zip of .npy arrays) into arrays keyed by entry name without ".npy". */
public final class NpzReader {
  /**
   * Default cap on one array: well above the largest MedMNIST 28x28 array (PathMNIST train, 212
   * MB).
   */
  public static final long DEFAULT_MAX_ENTRY_BYTES = 1L << 30;

  /**
   * Default cap on all entries together: 4x the largest MedMNIST 28x28 file's arrays (PathMNIST,
   * 252 MB).
   */
  public static final long DEFAULT_MAX_TOTAL_BYTES = 1L << 30;

  private NpzReader() {}

  /**
   * Reads the entries of an .npz file. The zip directory is checked first — entry count, names,
   * declared sizes each and in total — so a file of unexpected or oversized entries is refused
   * before anything is decompressed.
   *
   * @param file the .npz file
   * @param names the entry names expected (without ".npy"); the file may hold a subset of them
   * @param maxEntryBytes the largest array accepted
   * @param maxTotalBytes the largest sum of the entries' decompressed sizes (.npy headers included)
   * @return the arrays, in the zip's order
   * @throws NoSuchFileException if the file does not exist
   * @throws MalformedFileException if the file is not a zip; holds more entries than names, an
   *     entry not named in {@code names}, an entry twice, or entries above the caps; or an entry is
   *     malformed or its size or CRC disagrees with the zip directory
   * @throws IOException if reading fails
   */
  public static Map<String, NpyArray> read(
      Path file, Set<String> names, long maxEntryBytes, long maxTotalBytes) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no such .npz file");
    }
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new MalformedFileException(
          file + ": not a valid .npz (zip) file: " + e.getMessage(), e);
    }
    try (zip) {
      List<? extends ZipEntry> entries = directory(file, zip, names, maxEntryBytes, maxTotalBytes);
      Map<String, NpyArray> out = new LinkedHashMap<>();
      for (ZipEntry e : entries) {
        String entryName = file.getFileName() + "[" + e.getName() + "]";
        NpyArray a;
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(zip.getInputStream(e), crc)) {
          a = NpyReader.read(entryName, in, e.getSize(), maxEntryBytes);
        } catch (ZipException z) {
          throw new MalformedFileException(entryName + ": corrupt zip entry: " + z.getMessage(), z);
        } catch (java.io.EOFException eof) {
          throw new MalformedFileException(entryName + ": truncated compressed data", eof);
        }
        if (e.getCrc() != -1 && crc.getValue() != e.getCrc()) {
          throw new MalformedFileException(entryName + ": CRC-32 mismatch (file is corrupt)");
        }
        out.put(key(e), a);
      }
      return out;
    }
  }

  /** Checks the zip directory alone (nothing is decompressed) and returns its entries in order. */
  private static List<? extends ZipEntry> directory(
      Path file, ZipFile zip, Set<String> names, long maxEntryBytes, long maxTotalBytes)
      throws MalformedFileException {
    if (zip.size() > names.size()) {
      throw new MalformedFileException(
          file
              + ": "
              + zip.size()
              + " entries, more than the "
              + names.size()
              + " expected ("
              + expected(names)
              + ")");
    }
    List<? extends ZipEntry> entries = new ArrayList<>(zip.stream().toList());
    Set<String> seen = new HashSet<>();
    long total = 0;
    for (ZipEntry e : entries) {
      String entryName = file.getFileName() + "[" + e.getName() + "]";
      if (e.isDirectory() || !e.getName().endsWith(".npy")) {
        throw new MalformedFileException(entryName + ": entry is not a .npy array");
      }
      if (!names.contains(key(e))) {
        throw new MalformedFileException(
            entryName + ": unexpected entry; expected only " + expected(names));
      }
      if (!seen.add(key(e))) {
        throw new MalformedFileException(entryName + ": entry appears twice");
      }
      long size = e.getSize();
      if (size < 0 || size > maxEntryBytes + MAX_HEADER_BYTES) {
        throw new MalformedFileException(
            entryName
                + ": entry size "
                + size
                + " exceeds the limit of "
                + maxEntryBytes
                + " bytes");
      }
      total += size;
    }
    if (total > maxTotalBytes) {
      throw new MalformedFileException(
          file
              + ": entries hold "
              + total
              + " bytes in total, above the limit of "
              + maxTotalBytes);
    }
    return entries;
  }

  private static String expected(Set<String> names) {
    return new TreeSet<>(names).stream().map(n -> n + ".npy").collect(Collectors.joining(", "));
  }

  private static String key(ZipEntry e) {
    return e.getName().substring(0, e.getName().length() - ".npy".length());
  }

  /** Room for the .npy preamble and header beside the data. */
  private static final long MAX_HEADER_BYTES = 10 + 65535;
}
