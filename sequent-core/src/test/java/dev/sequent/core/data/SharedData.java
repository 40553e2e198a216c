package dev.sequent.core.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the shared reference folder for real-data tests: the system property {@code
 * sequent.shared} (surefire sets it to {@code <repo>/../shared}), else {@code ../shared}, else
 * {@code ../../shared} relative to the working directory. Tests skip with a message when it is
 * absent; the licensed datasets are never copied into the repository.
 */
public final class SharedData {
  private SharedData() {}

  /** The shared folder, or null. */
  public static Path locate() {
    for (Path candidate : candidates()) {
      if (Files.isDirectory(candidate.resolve("data"))) {
        return candidate;
      }
    }
    return null;
  }

  private static List<Path> candidates() {
    List<Path> paths = new ArrayList<>();
    String property = System.getProperty("sequent.shared");
    if (property != null && !property.isBlank()) {
      paths.add(Path.of(property));
    }
    paths.add(Path.of("..", "shared"));
    paths.add(Path.of("..", "..", "shared"));
    return paths;
  }

  /** A file under {@code shared/data}; skips the test when the folder or the file is absent. */
  public static Path dataFile(String relative) {
    Path root = locate();
    assumeTrue(
        root != null,
        "shared data folder not found (looked at -Dsequent.shared, ../shared, ../../shared"
            + " from "
            + Path.of("").toAbsolutePath()
            + "); skipping a real-data test");
    Path file = root.resolve("data").resolve(relative);
    assumeTrue(Files.isRegularFile(file), "shared data file " + file + " is absent; skipping");
    return file;
  }
}
