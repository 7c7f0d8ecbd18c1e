package io.blindtuner.pipeline.cli;

import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.data.MedMnistDownloader;
import io.blindtuner.vision.data.MedMnistInfo;
import io.blindtuner.vision.data.MedMnistRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Picocli mixin for the commands that read a MedMNIST data set: {@code --dataset}, {@code --data}
 * and {@code --no-verify}, and the one way a data file is found, checked and loaded.
 */
public final class DatasetSource {
  /** Where a download goes when the command gives no cache folder. */
  static final Path DEFAULT_CACHE =
      Path.of(System.getProperty("user.home"), ".cache", "blindtuner", "medmnist");

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "NAME",
      description = "MedMNIST data set, e.g. breastmnist, pneumoniamnist, retinamnist.")
  String dataset;

  @Option(
      names = "--data",
      paramLabel = "PATH",
      description =
          "The .npz file, or a folder holding NAME.npz; an official data set's file must match its "
              + "published checksum.")
  Path data;

  @Option(
      names = "--no-verify",
      description = "Accept a --data file whose checksum differs from the official one.")
  boolean noVerify;

  /** A loaded data set with the file it came from. */
  public record Loaded(Path file, MedMnistDataset dataset) {}

  /** The {@code --dataset} name as given. */
  public String name() {
    return dataset;
  }

  /** Whether {@code --data} was given. */
  public boolean hasData() {
    return data != null;
  }

  /**
   * Finds the data file, checks its checksum when the data set is an official one (unless {@code
   * --no-verify}) and loads it. Without {@code --data} the official file is downloaded once into
   * {@code cacheDir} (checksum checked), with a note on {@code err}.
   *
   * @param err where the download note goes
   * @param cacheDir download folder used when {@code --data} is absent; null for {@link
   *     #DEFAULT_CACHE}
   * @throws IllegalArgumentException if {@code --data} is absent and {@code --dataset} is not an
   *     official data set
   * @throws IOException if the file is missing, cannot be read or downloaded, its checksum differs
   *     ({@link io.blindtuner.vision.data.ChecksumMismatchException}) or it is malformed
   */
  public Loaded load(PrintWriter err, Path cacheDir) throws IOException {
    Path file = resolve(err, cacheDir);
    return new Loaded(file, MedMnistDataset.load(file, dataset));
  }

  private Path resolve(PrintWriter err, Path cacheDir) throws IOException {
    MedMnistInfo info = MedMnistRegistry.find(dataset);
    if (data == null) {
      if (info == null) {
        throw new IllegalArgumentException(
            "'"
                + dataset
                + "' is not an official MedMNIST data set, so --data is "
                + "needed; registered: "
                + MedMnistRegistry.all().stream().map(MedMnistInfo::name).toList());
      }
      Path dir = cacheDir != null ? cacheDir : DEFAULT_CACHE;
      err.println(
          "fetching " + info.fileName() + " into " + dir + " (downloaded once, checksum checked)");
      err.flush();
      return new MedMnistDownloader().fetch(info, dir);
    }
    Path file =
        Files.isDirectory(data)
            ? data.resolve(dataset.toLowerCase(Locale.ROOT).replaceAll("\\.npz$", "") + ".npz")
            : data;
    if (!Files.isRegularFile(file)) {
      throw new IOException("no such data file: " + file);
    }
    if (info != null && !noVerify) {
      MedMnistDownloader.verify(file, info);
    }
    return file;
  }
}
