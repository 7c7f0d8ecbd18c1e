package io.blindtuner.pipeline.hospital;

import io.blindtuner.vision.MalformedFileException;
import io.blindtuner.vision.data.ImageSplit;
import io.blindtuner.vision.data.NpyArray;
import io.blindtuner.vision.data.NpzReader;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watched folder of new labelled images at the hospital: PNG or JPEG files in a folder per class
 * ({@code INBOX/<class>/<file>.png}, the class by name or by number), or .npz files anywhere in the
 * inbox holding {@code images} (n x height x width, uint8) and {@code labels} (n or n x 1, uint8)
 * as MedMNIST stores them.
 *
 * <p>A file is taken once its size has stayed the same over two polls (a writer still copying it is
 * left alone; names starting with '.' or ending in .tmp or .part are never taken). A taken file is
 * moved, under the same relative path, to {@code INBOX/accepted/} when every image in it decodes to
 * the featurizer's size and a known class, or to {@code INBOX/rejected/} beside a {@code
 * .reason.txt} saying why (the file's dead letter); nothing is deleted. The accepted folder is the
 * durable record of what arrived: after a restart {@link #accepted} reads it back, so images that
 * came in before a crash are not lost. Not thread-safe: one poller.
 */
public final class ImageInbox {
  private static final Logger LOG = LoggerFactory.getLogger(ImageInbox.class);

  /** Largest file read: far above a 28 x 28 image, and an .npz of many thousands of them. */
  public static final long MAX_FILE_BYTES = 64L << 20;

  static final String ACCEPTED = "accepted";
  static final String REJECTED = "rejected";

  private final Path dir;
  private final List<String> classNames;
  private final int height;
  private final int width;
  private final Map<Path, Long> seen = new HashMap<>();

  /**
   * @param dir the inbox folder (created if missing)
   * @param classNames the model's classes, in label order
   * @param height image height the featurizer takes
   * @param width image width the featurizer takes
   * @throws IOException if the folder cannot be created
   */
  public ImageInbox(Path dir, List<String> classNames, int height, int width) throws IOException {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.classNames = List.copyOf(classNames);
    this.height = height;
    this.width = width;
    Files.createDirectories(dir.resolve(ACCEPTED));
    Files.createDirectories(dir.resolve(REJECTED));
  }

  /** One accepted image: grey pixels, row-major, and its label. */
  public record Labelled(byte[] pixels, int label) {}

  /**
   * Takes every file that has stopped growing since the last poll, moving it to accepted/ or
   * rejected/.
   *
   * @return the accepted images, in file-name order
   * @throws IOException if the inbox cannot be listed or a file cannot be moved
   */
  public List<Labelled> poll() throws IOException {
    List<Labelled> out = new ArrayList<>();
    Map<Path, Long> now = new HashMap<>();
    for (Path f : candidates()) {
      long size = Files.size(f);
      Long before = seen.get(f);
      if (before == null || before != size) {
        now.put(f, size);
        continue;
      }
      Path rel = dir.relativize(f);
      try {
        List<Labelled> images = read(f, rel);
        move(f, dir.resolve(ACCEPTED).resolve(rel));
        out.addAll(images);
      } catch (MalformedFileException | IllegalArgumentException e) {
        Path to = dir.resolve(REJECTED).resolve(rel);
        move(f, to);
        Files.writeString(
            to.resolveSibling(to.getFileName() + ".reason.txt"),
            e.getMessage() + "\n",
            StandardCharsets.UTF_8);
        LOG.warn("inbox: rejected {}: {}", rel, e.getMessage());
      }
    }
    seen.clear();
    seen.putAll(now);
    return out;
  }

  /**
   * The newest {@code max} images accepted so far (this run's and earlier runs'), oldest first: the
   * window a restarted edge trains on next.
   *
   * @throws IOException if the accepted folder cannot be read (a file there that no longer decodes
   *     is an error: it was accepted once, so something changed it)
   */
  public List<Labelled> accepted(int max) throws IOException {
    Path acc = dir.resolve(ACCEPTED);
    List<Path> files;
    try (Stream<Path> s = Files.walk(acc)) {
      files = new ArrayList<>(s.filter(Files::isRegularFile).toList());
    }
    Map<Path, Long> modified = new HashMap<>();
    for (Path f : files) {
      modified.put(f, Files.getLastModifiedTime(f).toMillis());
    }
    files.sort(
        Comparator.comparing((Path p) -> modified.get(p)).thenComparing(Path::toString).reversed());
    List<Labelled> newestFirst = new ArrayList<>();
    for (Path f : files) {
      List<Labelled> images = read(f, acc.relativize(f));
      for (int i = images.size() - 1; i >= 0 && newestFirst.size() < max; i--) {
        newestFirst.add(images.get(i));
      }
      if (newestFirst.size() >= max) {
        break;
      }
    }
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  /** The images as a split the featurizer takes (one grey channel). */
  public ImageSplit split(String name, List<Labelled> images) {
    byte[] pixels = new byte[images.size() * height * width];
    int[] labels = new int[images.size()];
    for (int i = 0; i < images.size(); i++) {
      System.arraycopy(images.get(i).pixels(), 0, pixels, i * height * width, height * width);
      labels[i] = images.get(i).label();
    }
    return new ImageSplit(name, images.size(), height, width, 1, pixels, labels);
  }

  private List<Path> candidates() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir, 2)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Path rel = dir.relativize(f);
        if (rel.getNameCount() == 0
            || rel.getName(0).toString().equals(ACCEPTED)
            || rel.getName(0).toString().equals(REJECTED)
            || !Files.isRegularFile(f)) {
          continue;
        }
        String name = f.getFileName().toString();
        if (name.startsWith(".") || name.endsWith(".tmp") || name.endsWith(".part")) {
          continue;
        }
        out.add(f);
      }
    }
    out.sort(Comparator.comparing(Path::toString));
    return out;
  }

  /**
   * @throws MalformedFileException or IllegalArgumentException saying what is wrong with the file
   */
  private List<Labelled> read(Path f, Path rel) throws IOException {
    long size = Files.size(f);
    if (size > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(
          rel + " is " + size + " bytes, above the inbox limit of " + MAX_FILE_BYTES);
    }
    String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npz")) {
      return readNpz(f, rel);
    }
    if (!name.endsWith(".png") && !name.endsWith(".jpg") && !name.endsWith(".jpeg")) {
      throw new IllegalArgumentException(rel + ": not a .png, .jpg, .jpeg or .npz file");
    }
    if (rel.getNameCount() != 2) {
      throw new IllegalArgumentException(
          rel
              + ": an image must be in a folder named after its class (one of "
              + classNames
              + " or its number)");
    }
    int label = label(rel.getName(0).toString(), rel);
    BufferedImage img;
    try (InputStream in = Files.newInputStream(f)) {
      img = ImageIO.read(in);
    }
    if (img == null) {
      throw new IllegalArgumentException(rel + ": not a decodable PNG or JPEG image");
    }
    if (img.getHeight() != height || img.getWidth() != width) {
      throw new IllegalArgumentException(
          rel
              + ": image is "
              + img.getWidth()
              + "x"
              + img.getHeight()
              + ", the model"
              + " takes "
              + width
              + "x"
              + height);
    }
    Raster r = img.getRaster();
    if (r.getNumBands() != 1 || r.getSampleModel().getSampleSize(0) != 8) {
      throw new IllegalArgumentException(
          rel
              + ": image has "
              + r.getNumBands()
              + " channels of "
              + r.getSampleModel().getSampleSize(0)
              + " bits; the model takes 8-bit grey");
    }
    byte[] pixels = new byte[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        pixels[y * width + x] = (byte) r.getSample(x, y, 0);
      }
    }
    return List.of(new Labelled(pixels, label));
  }

  private List<Labelled> readNpz(Path f, Path rel) throws IOException {
    Map<String, NpyArray> a =
        NpzReader.read(f, Set.of("images", "labels"), MAX_FILE_BYTES, MAX_FILE_BYTES);
    NpyArray images = a.get("images");
    NpyArray labels = a.get("labels");
    if (images == null || labels == null) {
      throw new IllegalArgumentException(rel + ": an inbox .npz needs both 'images' and 'labels'");
    }
    int n = images.rank() == 3 ? images.dim(0) : -1;
    if (n < 1
        || images.dim(1) != height
        || images.dim(2) != width
        || images.data().length != (long) n * height * width) {
      throw new IllegalArgumentException(
          rel
              + ": images have shape "
              + images.shapeString()
              + ", expected (n, "
              + height
              + ", "
              + width
              + ") of uint8");
    }
    boolean column = labels.rank() == 2 && labels.dim(1) == 1;
    if (!(labels.rank() == 1 || column) || labels.dim(0) != n || labels.data().length != n) {
      throw new IllegalArgumentException(
          rel
              + ": labels have shape "
              + labels.shapeString()
              + " for "
              + n
              + " uint8 images, expected ("
              + n
              + ") or ("
              + n
              + ", 1) uint8");
    }
    List<Labelled> out = new ArrayList<>(n);
    int px = height * width;
    for (int i = 0; i < n; i++) {
      int label = labels.data()[i] & 0xff;
      if (label >= classNames.size()) {
        throw new IllegalArgumentException(
            rel
                + ": label "
                + label
                + " at index "
                + i
                + " is outside the "
                + classNames.size()
                + " classes");
      }
      byte[] p = new byte[px];
      System.arraycopy(images.data(), i * px, p, 0, px);
      out.add(new Labelled(p, label));
    }
    return out;
  }

  private int label(String folder, Path rel) {
    int byName = classNames.indexOf(folder);
    if (byName >= 0) {
      return byName;
    }
    if (folder.matches("[0-9]{1,4}") && Integer.parseInt(folder) < classNames.size()) {
      return Integer.parseInt(folder);
    }
    throw new IllegalArgumentException(
        rel
            + ": folder '"
            + folder
            + "' is not a class (one of "
            + classNames
            + " or its number 0.."
            + (classNames.size() - 1)
            + ")");
  }

  private static void move(Path from, Path to) throws IOException {
    Files.createDirectories(to.getParent());
    Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
