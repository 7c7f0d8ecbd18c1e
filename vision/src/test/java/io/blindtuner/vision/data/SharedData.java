package io.blindtuner.vision.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the official MedMNIST files shipped beside the project (../shared/data from the project
 * root, or higher up).
 */
public final class SharedData {
  private SharedData() {}

  /**
   * The shared data folder: {@code shared/data} beside the project root or beside any folder above
   * it, found walking up from the test's working directory (a module directory or the project
   * root), so a git worktree nested deeper than the main checkout finds the same files.
   *
   * @throws IllegalStateException naming where the search started, if the data is absent
   */
  public static Path dir() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path p = cwd; p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/data");
      if (Files.isRegularFile(candidate.resolve("breastmnist.npz"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "the shared MedMNIST data is missing: no shared/data/breastmnist.npz beside "
            + cwd
            + " or any folder above it; tests need the official files at ../shared/data from the project root");
  }

  public static Path file(String name) {
    return dir().resolve(name + ".npz");
  }
}
