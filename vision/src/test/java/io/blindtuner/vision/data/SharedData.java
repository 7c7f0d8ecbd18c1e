package io.blindtuner.vision.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the official MedMNIST files shipped beside the project (../shared/data from the project root). */
public final class SharedData {
  private SharedData() {}

  /**
   * The shared data folder, resolved from the test's working directory (a module directory or the project
   * root).
   *
   * @throws IllegalStateException naming the places looked at, if the data is absent
   */
  public static Path dir() {
    Path cwd = Path.of("").toAbsolutePath();
    for (Path p : new Path[] {cwd.resolve("../../shared/data"), cwd.resolve("../shared/data")}) {
      if (Files.isRegularFile(p.resolve("breastmnist.npz"))) {
        return p.normalize();
      }
    }
    throw new IllegalStateException("the shared MedMNIST data is missing: looked for breastmnist.npz in "
        + cwd.resolve("../../shared/data").normalize() + " and " + cwd.resolve("../shared/data").normalize()
        + "; tests need the official files at ../shared/data from the project root");
  }

  public static Path file(String name) {
    return dir().resolve(name + ".npz");
  }
}
