package dev.sequent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A tiny MovieLens-like dataset written to disk (ratings.csv, movies.csv and a YAML config with tiny model
 * sizes), and one training run on it shared by the tests that need a trained model.
 */
final class TinyData {
  static final int USERS = 40;
  static final int ITEMS = 30;

  private static Path shared;
  private static Path sharedRun;

  private TinyData() {}

  /** Writes the dataset and {@code tiny.yaml} into {@code dir}; returns the config's path. */
  static Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder ratings = new StringBuilder("userId,movieId,rating,timestamp\n");
    SplittableRandom random = new SplittableRandom(7);
    for (int u = 1; u <= USERS; u++) {
      // Each user walks through the catalogue in order with a random start: a pattern a model can learn.
      int item = random.nextInt(ITEMS);
      int length = 8 + random.nextInt(8);
      long time = 1_000_000_000L + u * 10_000L;
      for (int i = 0; i < length; i++) {
        item = (item + 1 + (random.nextInt(5) == 0 ? 1 : 0)) % ITEMS;
        ratings.append(u).append(',').append(101 + item).append(',').append(1 + random.nextInt(5)).append(".0,")
            .append(time + i * 60).append('\n');
      }
    }
    Files.writeString(dir.resolve("ratings.csv"), ratings, StandardCharsets.UTF_8);
    StringBuilder movies = new StringBuilder("movieId,title,genres\n");
    for (int i = 0; i < ITEMS; i++) {
      // Titles with commas and quotes, as in the real movies.csv.
      movies.append(101 + i).append(",\"Movie ").append(101 + i).append(", The (19").append(70 + i)
          .append(")\",Drama\n");
    }
    Files.writeString(dir.resolve("movies.csv"), movies, StandardCharsets.UTF_8);
    Path config = dir.resolve("tiny.yaml");
    Files.writeString(config, """
        # a tiny config for tests
        data:
          path: %s
          format: csv
          columns: userId,movieId,timestamp,rating
          titles: %s
          min_user_interactions: 3
          min_item_interactions: 1
          max_length: 10
        model:
          name: lrurec
          dim: 8
          blocks: 1
        train:
          max_steps: 100
          train_batch_size: 8
          eval_every_steps: 50
          stopping_step: 0
        eval:
          ks: [1, 5, 10]
          batch_size: 16
        """.formatted(dir.resolve("ratings.csv"), dir.resolve("movies.csv")), StandardCharsets.UTF_8);
    return config;
  }

  /** The shared tiny dataset's folder (written once per test JVM). */
  static synchronized Path dir() {
    if (shared == null) {
      try {
        shared = Files.createTempDirectory("sequent-cli-test");
        write(shared);
        Path created = shared;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(created)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary folder
    }
  }

  static Path config() {
    return dir().resolve("tiny.yaml");
  }

  /** A run folder trained once on the tiny data (100 steps: two loss points in metrics.jsonl). */
  static synchronized Path trainedRun() {
    if (sharedRun == null) {
      Path run = dir().resolve("runs/shared");
      Cli.Result r = Cli.run("train", config().toString(), "--run-dir", run.toString(), "--quiet");
      assertEquals(0, r.code(), r.toString());
      sharedRun = run;
    }
    return sharedRun;
  }
}
