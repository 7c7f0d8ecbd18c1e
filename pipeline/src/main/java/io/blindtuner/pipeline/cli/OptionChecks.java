package io.blindtuner.pipeline.cli;

import io.blindtuner.pipeline.hospital.FeaturizerKind;
import io.blindtuner.vision.data.ImageSplit;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of option values and files that every command makes before it starts work, each failure
 * naming the option and, for files, the path. They throw {@link IllegalArgumentException}, which
 * the command line reports as "command: message" with exit code 1 (like every bad file or value a
 * command finds).
 */
final class OptionChecks {
  private OptionChecks() {}

  /**
   * @throws IllegalArgumentException if {@code value} is below 1
   */
  static void positive(String option, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(option + " must be at least 1, got " + value);
    }
  }

  /**
   * @throws IllegalArgumentException unless {@code 1 <= value <= max}
   */
  static void upTo(String option, long value, long max) {
    if (value < 1 || value > max) {
      throw new IllegalArgumentException(option + " must be in 1.." + max + ", got " + value);
    }
  }

  /**
   * @throws IllegalArgumentException unless {@code lo <= value <= hi} (NaN fails)
   */
  static void within(String option, double value, double lo, double hi) {
    if (!(value >= lo && value <= hi)) {
      throw new IllegalArgumentException(
          option + " must be in [" + lo + ", " + hi + "], got " + value);
    }
  }

  /**
   * @throws IllegalArgumentException unless value is positive and finite
   */
  static void positive(String option, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(option + " must be a positive number, got " + value);
    }
  }

  /**
   * {@code --grid} and {@code --patch-size}, against the images the featurizer will be fitted on,
   * before any fitting.
   *
   * @throws IllegalArgumentException naming --patch-size if {@code kind} learns a dictionary whose
   *     patches are larger than {@code images}, or naming --grid if {@code kind} cannot pool {@code
   *     images} over that grid ({@link FeaturizerKind#checkGrid})
   */
  static void grid(
      FeaturizerKind kind, int grid, FeaturizerKind.Dictionary dictionary, ImageSplit images) {
    if (kind.usesDictionary()
        && dictionary.patchSize() > Math.min(images.height(), images.width())) {
      throw new IllegalArgumentException(
          "--patch-size "
              + dictionary.patchSize()
              + " is larger than the "
              + images.height()
              + "x"
              + images.width()
              + " images");
    }
    try {
      kind.checkGrid(grid, dictionary, images.height(), images.width());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--grid " + grid + ": " + e.getMessage(), e);
    }
  }

  /**
   * @throws IllegalArgumentException if {@code file} is not a readable regular file
   */
  static void readableFile(String option, Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(option + " " + file + " is a directory, not a file");
    }
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(option + " " + file + ": no such file");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(option + " " + file + " is not a readable file");
    }
  }

  /**
   * A file the command will write: not a directory, and its folder (created if missing) must not be
   * a file.
   *
   * @param overwrite whether an existing file may be replaced
   * @throws IllegalArgumentException if the path is a directory, exists when it must not, or its
   *     parent is a file
   */
  static void writableFile(String option, Path file, boolean overwrite) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(option + " " + file + " is a directory; give a file name");
    }
    if (!overwrite && Files.exists(file)) {
      throw new IllegalArgumentException(
          option
              + " "
              + file
              + " already exists; it is not overwritten (move it or"
              + " choose another name)");
    }
    for (Path p = file.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p)) {
          throw new IllegalArgumentException(
              option + " " + file + ": " + p + " is a file, not a folder");
        }
        if (!Files.isWritable(p)) {
          throw new IllegalArgumentException(
              option + " " + file + ": folder " + p + " is not writable");
        }
        return;
      }
    }
  }
}
