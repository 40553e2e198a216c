package dev.sequent.bench;

import dev.sequent.core.data.AtomicFiles;
import dev.sequent.core.data.DataSource;
import dev.sequent.core.data.DatasetCache;
import dev.sequent.core.data.InteractionFormat;
import dev.sequent.core.data.PreprocessConfig;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.run.Versions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Times loading interaction datasets from text (gzip, parse, preprocess, fingerprint) and from
 * Sequent's binary cache (fingerprint check + read), and writes {@code bench/results/data-load.md}.
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -q -o -pl bench -am package -DskipTests &amp;&amp; java -cp bench/target/classes:sequent-core/target/classes:sequent-tensor/target/classes dev.sequent.bench.DataLoadBench
 * </pre>
 *
 * The shared data folder is found through {@code -Dsequent.shared}, else {@code ../shared}, else
 * {@code ../../shared}. Each figure is the median of {@value #REPETITIONS} runs after {@value
 * #WARMUP} warm-up runs; the first run in the fresh JVM (with JIT warm-up) is reported separately,
 * since that is what a command-line user waits for.
 */
public final class DataLoadBench {
  static final String COMMAND =
      "mvn -q -o -pl bench -am package -DskipTests && java -cp"
          + " bench/target/classes:sequent-core/target/classes:sequent-tensor/target/classes"
          + " dev.sequent.bench.DataLoadBench";
  private static final int WARMUP = 3;
  private static final int REPETITIONS = 11;

  private DataLoadBench() {}

  /** One dataset to time. */
  private record Case(String name, String file, InteractionFormat format, PreprocessConfig config) {}

  /** The measured figures of one dataset, in milliseconds. */
  private record Figures(
      Case spec,
      String shape,
      long sourceBytes,
      long cacheBytes,
      double firstTextMs,
      double firstCacheMs,
      double textMs,
      double cacheMs,
      double cacheReadOnlyMs,
      double fingerprintMs) {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path root = repositoryRoot();
    Path shared = sharedFolder(root);
    String command = System.getProperty("sequent.bench.command", COMMAND);
    String loadBefore = Results.loadAverage();
    List<Case> cases =
        List.of(
            new Case(
                "MovieLens-1M (tsv3.gz, LRURec preprocessing)",
                "data/ml-1m/ml-1m_5core_timestamps.tsv.gz",
                InteractionFormat.tsv3(),
                PreprocessConfig.lruRec()),
            new Case(
                "Amazon Beauty, SASRec pairs (txt.gz, repeats dropped)",
                "data/amazon-beauty/sasrec/Beauty.txt.gz",
                InteractionFormat.sasRecPairs(),
                PreprocessConfig.none().withDropImmediateRepeats(true)));
    Path cacheDir = Files.createTempDirectory("sequent-data-load-bench");
    List<Figures> results = new ArrayList<>();
    try {
      for (Case spec : cases) {
        Figures figures = measure(spec, shared, cacheDir);
        results.add(figures);
        print(figures);
      }
    } finally {
      deleteRecursively(cacheDir);
    }
    String report = report(root, command, loadBefore, Results.loadAverage(), results);
    Path out = root.resolve("bench").resolve("results").resolve("data-load.md");
    AtomicFiles.writeString(out, report);
    System.out.println("wrote " + out);
  }

  private static Figures measure(Case spec, Path shared, Path cacheDir) throws IOException {
    Path file = shared.resolve(spec.file());
    if (!Files.isRegularFile(file)) {
      throw new IOException("benchmark data " + file + " is missing");
    }
    DataSource source = DataSource.of(file, spec.format());
    Path cache = cacheDir.resolve(file.getFileName() + ".sqdc");

    long start = System.nanoTime();
    SequenceDataset first = SequenceDataset.load(source, spec.config());
    double firstText = millisSince(start);
    DatasetCache.write(first, cache);
    start = System.nanoTime();
    DatasetCache.Result firstHit = DatasetCache.loadOrBuild(source, spec.config(), cache);
    double firstCache = millisSince(start);
    if (!firstHit.fromCache()) {
      throw new IllegalStateException("expected a cache hit: " + firstHit.note());
    }

    double[] text = new double[REPETITIONS];
    double[] cached = new double[REPETITIONS];
    double[] readOnly = new double[REPETITIONS];
    double[] fingerprint = new double[REPETITIONS];
    for (int run = -WARMUP; run < REPETITIONS; run++) {
      start = System.nanoTime();
      SequenceDataset.load(source, spec.config());
      double textMs = millisSince(start);
      start = System.nanoTime();
      DatasetCache.Result hit = DatasetCache.loadOrBuild(source, spec.config(), cache);
      double cacheMs = millisSince(start);
      if (!hit.fromCache()) {
        throw new IllegalStateException("expected a cache hit: " + hit.note());
      }
      start = System.nanoTime();
      DatasetCache.read(cache);
      double readMs = millisSince(start);
      start = System.nanoTime();
      DatasetCache.fingerprint(source, spec.config());
      double fingerprintMs = millisSince(start);
      if (run >= 0) {
        text[run] = textMs;
        cached[run] = cacheMs;
        readOnly[run] = readMs;
        fingerprint[run] = fingerprintMs;
      }
    }
    return new Figures(
        spec,
        first.describe(),
        Files.size(file),
        Files.size(cache),
        firstText,
        firstCache,
        median(text),
        median(cached),
        median(readOnly),
        median(fingerprint));
  }

  private static void print(Figures f) {
    System.out.println(f.spec().name() + ": " + f.shape());
    System.out.printf(
        Locale.ROOT,
        "  text %.1f ms (first %.1f ms), cache %.1f ms (first %.1f ms; read only %.1f ms,"
            + " fingerprint %.1f ms), speed-up %.1fx%n",
        f.textMs(),
        f.firstTextMs(),
        f.cacheMs(),
        f.firstCacheMs(),
        f.cacheReadOnlyMs(),
        f.fingerprintMs(),
        f.textMs() / f.cacheMs());
  }

  private static String report(
      Path root, String command, String loadBefore, String loadAfter, List<Figures> results) {
    StringBuilder md = new StringBuilder();
    md.append("# Data loading: text vs. binary cache\n\n");
    md.append("Produced by `bench/src/main/java/dev/sequent/bench/DataLoadBench.java`.\n\n");
    md.append("- Command (from the repository root): `").append(command).append("`\n");
    md.append("- Git commit: ").append(Results.gitCommit()).append('\n');
    md.append("- JDK: ")
        .append(System.getProperty("java.vm.name"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"))
        .append(" (")
        .append(System.getProperty("java.vendor"))
        .append(")\n");
    md.append("- CPU: ")
        .append(Versions.cpu())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" available processors\n");
    md.append("- Max heap: ").append(Runtime.getRuntime().maxMemory() >> 20).append(" MiB\n");
    md.append("- Load average (1/5/15 min) before / after: ")
        .append(loadBefore)
        .append(" / ")
        .append(loadAfter)
        .append(" (the machine is shared; other jobs add noise)\n");
    md.append("- Method: median of ")
        .append(REPETITIONS)
        .append(" runs after ")
        .append(WARMUP)
        .append(" warm-up runs, single thread. \"First\" = the first run in the fresh JVM.\n");
    md.append("- Text = `SequenceDataset.load`: SHA-256 fingerprint of the file and settings,")
        .append(" gunzip, parse, sort, filter, dense ids.\n");
    md.append("- Cache = `DatasetCache.loadOrBuild` on a valid cache: the same fingerprint")
        .append(" (it hashes the whole source file, so a stale cache is always noticed) plus")
        .append(" reading the binary file. \"Read only\" = `DatasetCache.read` without the check.\n\n");
    md.append("| dataset | shape | source | cache file | text (median) | cache (median) |")
        .append(" speed-up | first text | first cache | cache read only | fingerprint |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Figures f : results) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.1f MB | %.1f MB | %.1f ms | %.1f ms | %.1fx | %.1f ms | %.1f ms |"
                  + " %.1f ms | %.1f ms |%n",
              f.spec().name(),
              f.shape(),
              f.sourceBytes() / 1e6,
              f.cacheBytes() / 1e6,
              f.textMs(),
              f.cacheMs(),
              f.textMs() / f.cacheMs(),
              f.firstTextMs(),
              f.firstCacheMs(),
              f.cacheReadOnlyMs(),
              f.fingerprintMs()));
    }
    md.append("\nPreprocessing settings:");
    for (Figures f : results) {
      md.append("\n- ").append(f.spec().name()).append(": `").append(f.spec().config().describe()).append('`');
    }
    md.append('\n');
    return md.toString();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static double millisSince(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  /** The directory holding {@code bench/pom.xml}, searched upwards from the working directory. */
  private static Path repositoryRoot() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("bench").resolve("pom.xml"))
          && Files.isDirectory(p.resolve("sequent-core"))) {
        return p;
      }
    }
    throw new IOException("run DataLoadBench from inside the Sequent repository (not found above " + dir + ")");
  }

  private static Path sharedFolder(Path root) throws IOException {
    List<Path> candidates = new ArrayList<>();
    String property = System.getProperty("sequent.shared");
    if (property != null && !property.isBlank()) {
      candidates.add(Path.of(property));
    }
    candidates.add(root.resolve("..").resolve("shared"));
    candidates.add(Path.of("..", "shared"));
    candidates.add(Path.of("..", "..", "shared"));
    for (Path candidate : candidates) {
      if (Files.isDirectory(candidate.resolve("data"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new IOException(
        "shared data folder not found; pass -Dsequent.shared=/path/to/shared (looked at " + candidates + ")");
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
