package dev.sequent.server;

import dev.sequent.core.data.ItemTitles;
import dev.sequent.core.infer.LruRecStepper;
import dev.sequent.core.infer.ModelScorer;
import dev.sequent.core.infer.Recommender;
import dev.sequent.core.infer.TopItems;
import dev.sequent.core.model.LruRec;
import dev.sequent.core.model.RecurrentState;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.core.train.Checkpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One loaded checkpoint, immutable once built: the {@link Recommender}, the fast incremental step (for
 * LRURec), the top-K scan and the optional item titles. A reload builds a new instance and swaps it in;
 * requests hold on to the instance they started with, so a reload never changes a model under a request.
 */
final class ServedModel {
  private static final AtomicLong GENERATIONS = new AtomicLong();

  private final Path checkpoint;
  private final String version;
  private final long generation;
  private final Instant loadedAt;
  private final Recommender recommender;
  private final LruRecStepper stepper;
  private final ItemTitles titles;
  private final String titlesNote;

  private ServedModel(Path checkpoint, String version, Recommender recommender, ItemTitles titles,
                      String titlesNote) {
    this.checkpoint = checkpoint;
    this.version = version;
    this.generation = GENERATIONS.incrementAndGet();
    this.loadedAt = Instant.now();
    this.recommender = recommender;
    SequenceModel model = recommender.model();
    this.stepper = model instanceof LruRec lru ? new LruRecStepper(lru) : null;
    this.titles = titles;
    this.titlesNote = titlesNote;
  }

  /**
   * Loads a checkpoint written by a training run. Titles come from {@code titlesOverride} when given,
   * else from the run's {@code data.titles} setting when that file exists (a missing file is noted, not an
   * error: titles are optional).
   */
  static ServedModel load(Path checkpoint, Path titlesOverride) throws IOException {
    Path file = checkpoint.toAbsolutePath().normalize();
    String version = fingerprint(file);
    Recommender recommender = Recommender.load(file);
    Path titlesFile = titlesOverride;
    String note;
    if (titlesFile == null) {
      String configured = Checkpoint.read(file).metadata().getOrDefault("config.data.titles", "");
      titlesFile = configured.isBlank() ? null : Path.of(configured);
    }
    ItemTitles titles = null;
    if (titlesFile == null) {
      note = "no titles file configured";
    } else if (!Files.isRegularFile(titlesFile)) {
      if (titlesOverride != null) {
        throw new IOException("titles file " + titlesFile + " does not exist");
      }
      note = "titles file " + titlesFile + " (from the run's data.titles) not found; serving without titles";
    } else {
      titles = ItemTitles.read(titlesFile);
      note = titles.size() + " titles from " + titlesFile;
    }
    return new ServedModel(file, version, recommender, titles, note);
  }

  /** A model built in memory (tests, benchmarks); {@code version} stands in for the file's fingerprint. */
  static ServedModel of(Recommender recommender, String version, ItemTitles titles) {
    return new ServedModel(Path.of("in-memory"), version, recommender, titles, "in memory");
  }

  /** First 16 hex digits of the checkpoint file's SHA-256: ties snapshots and responses to the weights. */
  static String fingerprint(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("checkpoint " + file + " does not exist", e);
    }
  }

  Path checkpoint() {
    return checkpoint;
  }

  String version() {
    return version;
  }

  long generation() {
    return generation;
  }

  Instant loadedAt() {
    return loadedAt;
  }

  Recommender recommender() {
    return recommender;
  }

  String name() {
    return recommender.model().name();
  }

  int numItems() {
    return recommender.numItems();
  }

  int dim() {
    return recommender.model().dim();
  }

  int maxLength() {
    return recommender.maxLength();
  }

  String titlesNote() {
    return titlesNote;
  }

  int indexOf(String rawId) {
    return recommender.indexOf(rawId);
  }

  String rawId(int item) {
    return recommender.rawId(item);
  }

  /** The title of a dense id, or null when unknown. */
  String title(int item) {
    return titles == null ? null : titles.title(recommender.rawId(item));
  }

  boolean isIncremental() {
    return recommender.isIncremental();
  }

  RecurrentState initialState() {
    return recommender.initialState();
  }

  /** Advances an incremental state by one item, writing the next hidden vector into {@code hidden}. */
  void step(RecurrentState state, int item, float[] hidden) {
    if (stepper != null) {
      stepper.step(state, item, hidden);
    } else {
      float[] h = recommender.advance(state, item);
      System.arraycopy(h, 0, hidden, 0, h.length);
    }
  }

  /** The hidden vector of a history's last position (a full forward pass over its last maxLength items). */
  float[] encode(int[] history) {
    return ModelScorer.encodeLast(recommender.model(), new int[][] {history}, recommender.maxLength());
  }

  TopItems topK(float[] hidden, int k, int[] excludedSorted) {
    return recommender.topItems(hidden, k,
        excludedSorted.length == 0 ? null : item -> java.util.Arrays.binarySearch(excludedSorted, item) >= 0);
  }
}
