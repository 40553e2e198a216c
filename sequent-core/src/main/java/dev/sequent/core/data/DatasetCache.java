package dev.sequent.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A compact binary cache of a preprocessed {@link SequenceDataset}, so that reloading takes
 * milliseconds instead of parsing text again.
 *
 * <p>File layout (big-endian, {@link DataOutputStream}): magic {@code "SQDC"}, format version,
 * fingerprint, source and settings descriptions, the read and preprocessing reports, the user and
 * item vocabularies (length-prefixed UTF-8 strings), the offsets, items and optional timestamps as
 * raw int/long arrays, and an end marker.
 *
 * <p>The fingerprint is a SHA-256 over the cache format version, each source file's name, size and
 * full content, the file format, the read options and the preprocessing settings. A cache whose
 * fingerprint differs (or that cannot be read: truncated, wrong version, corrupt) is rebuilt from
 * the source. Writes are atomic ({@link AtomicFiles}), so a crash never leaves a half-written cache
 * in place.
 */
public final class DatasetCache {
  static final int MAGIC = 0x53514443; // "SQDC"
  static final int FORMAT_VERSION = 1;
  private static final int END_MARKER = 0x454E4421; // "END!"
  private static final int CHUNK_BYTES = 1 << 16;

  private DatasetCache() {}

  /**
   * The outcome of {@link #loadOrBuild}.
   *
   * @param dataset the dataset
   * @param fromCache true when it was read from the cache file
   * @param note why the cache was used or rebuilt (and whether writing it failed)
   */
  public record Result(SequenceDataset dataset, boolean fromCache, String note) {}

  /**
   * Returns the dataset from {@code cacheFile} when its fingerprint matches the source and
   * settings; otherwise reads and preprocesses the source and writes a fresh cache. A cache that
   * cannot be written (e.g. a read-only folder) is reported in {@link Result#note()}, not thrown:
   * the dataset itself is fine.
   */
  public static Result loadOrBuild(DataSource source, PreprocessConfig config, Path cacheFile)
      throws IOException {
    String fingerprint = fingerprint(source, config);
    String reason;
    if (!Files.exists(cacheFile)) {
      reason = "no cache file at " + cacheFile;
    } else {
      try {
        SequenceDataset cached = read(cacheFile, fingerprint);
        if (cached != null) {
          return new Result(cached, true, "cache " + cacheFile + " matches the fingerprint");
        }
        reason = "cache " + cacheFile + " is stale (source or settings changed)";
      } catch (IOException | RuntimeException unreadable) {
        reason = "cache " + cacheFile + " is unreadable (" + unreadable.getMessage() + ")";
      }
    }
    RawInteractions raw = InteractionReader.read(source);
    SequenceDataset dataset = new Preprocessor(config, source.describe()).run(raw, fingerprint);
    try {
      write(dataset, cacheFile);
      reason += "; rebuilt and cached";
    } catch (IOException e) {
      reason += "; rebuilt, but the cache could not be written: " + e;
    }
    return new Result(dataset, false, reason);
  }

  /** The SHA-256 fingerprint of the source files' content and every setting, as hex. */
  public static String fingerprint(DataSource source, PreprocessConfig config) throws IOException {
    MessageDigest digest = sha256();
    update(digest, "sequent dataset cache v" + FORMAT_VERSION);
    byte[] buffer = new byte[CHUNK_BYTES];
    for (Path file : source.files()) {
      update(digest, "file " + file.getFileName() + " size " + Files.size(file));
      try (InputStream in = Files.newInputStream(file)) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          digest.update(buffer, 0, n);
        }
      }
    }
    update(digest, "format " + source.format().describe());
    update(digest, "options " + source.options().describe());
    update(digest, "preprocessing " + config.describe());
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Writes the dataset atomically. */
  public static void write(SequenceDataset dataset, Path cacheFile) throws IOException {
    AtomicFiles.write(
        cacheFile,
        stream -> {
          DataOutputStream out = new DataOutputStream(stream);
          out.writeInt(MAGIC);
          out.writeInt(FORMAT_VERSION);
          writeString(out, dataset.fingerprint() == null ? "" : dataset.fingerprint());
          writeString(out, dataset.source());
          writeString(out, dataset.config() == null ? "" : dataset.config().describe());
          writeConfig(out, dataset.config());
          writeReadReport(out, dataset.readReport());
          writePreprocessReport(out, dataset.preprocessReport());
          writeStrings(out, dataset.users().rawIds());
          writeStrings(out, dataset.items().rawIds());
          writeInts(out, dataset.offsetsArray());
          writeInts(out, dataset.flatItems());
          out.writeBoolean(dataset.hasTimestamps());
          if (dataset.hasTimestamps()) {
            writeLongs(out, dataset.timestampsArray());
          }
          out.writeInt(END_MARKER);
          out.flush();
        });
  }

  /** Reads a cache file whatever its fingerprint. */
  public static SequenceDataset read(Path cacheFile) throws IOException {
    return read(cacheFile, null);
  }

  /**
   * Reads a cache file; returns null when {@code expectedFingerprint} is not null and differs from
   * the file's (only the header is read then).
   */
  static SequenceDataset read(Path cacheFile, String expectedFingerprint) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(cacheFile), CHUNK_BYTES))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("not a Sequent dataset cache");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new IOException(
            "cache format version " + version + ", this build reads " + FORMAT_VERSION);
      }
      String fingerprint = readString(in);
      if (expectedFingerprint != null && !expectedFingerprint.equals(fingerprint)) {
        return null;
      }
      String source = readString(in);
      readString(in); // the settings' description, kept for people reading the file
      PreprocessConfig config = readConfig(in);
      ReadReport readReport = readReadReport(in);
      PreprocessReport preprocessReport = readPreprocessReport(in);
      String[] users = readStrings(in);
      String[] items = readStrings(in);
      int[] offsets = readInts(in);
      int[] sequenceItems = readInts(in);
      long[] timestamps = in.readBoolean() ? readLongs(in) : null;
      if (in.readInt() != END_MARKER) {
        throw new IOException("missing end marker (truncated or corrupt)");
      }
      return new SequenceDataset(
              Vocabulary.ofUsers(users), Vocabulary.ofItems(items), offsets, sequenceItems, timestamps)
          .withProvenance(
              source, config, readReport, preprocessReport, fingerprint.isEmpty() ? null : fingerprint);
    } catch (EOFException e) {
      throw new IOException("truncated cache file " + cacheFile, e);
    } catch (NoSuchFileException e) {
      throw new IOException("no cache file " + cacheFile, e);
    }
  }

  private static void writeConfig(DataOutputStream out, PreprocessConfig config)
      throws IOException {
    out.writeBoolean(config != null);
    if (config == null) {
      return;
    }
    out.writeBoolean(config.minRating() != null);
    out.writeDouble(config.minRating() == null ? 0 : config.minRating());
    out.writeBoolean(config.dropImmediateRepeats());
    out.writeInt(config.filter().ordinal());
    out.writeInt(config.minUserInteractions());
    out.writeInt(config.minItemInteractions());
    out.writeInt(config.tieRule().ordinal());
  }

  private static PreprocessConfig readConfig(DataInputStream in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    boolean hasMin = in.readBoolean();
    double min = in.readDouble();
    boolean repeats = in.readBoolean();
    PreprocessConfig.Filter filter = PreprocessConfig.Filter.values()[in.readInt()];
    int minUser = in.readInt();
    int minItem = in.readInt();
    PreprocessConfig.TieRule tie = PreprocessConfig.TieRule.values()[in.readInt()];
    return new PreprocessConfig(hasMin ? min : null, repeats, filter, minUser, minItem, tie);
  }

  private static void writeReadReport(DataOutputStream out, ReadReport report)
      throws IOException {
    out.writeBoolean(report != null);
    if (report != null) {
      writeStrings(out, report.files());
      out.writeLong(report.linesRead());
      out.writeLong(report.interactions());
      out.writeLong(report.skippedLines());
      writeStrings(out, report.skippedExamples());
    }
  }

  private static ReadReport readReadReport(DataInputStream in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    List<String> files = List.of(readStrings(in));
    long lines = in.readLong();
    long interactions = in.readLong();
    long skipped = in.readLong();
    List<String> examples = List.of(readStrings(in));
    return new ReadReport(files, lines, interactions, skipped, examples);
  }

  private static void writePreprocessReport(DataOutputStream out, PreprocessReport report)
      throws IOException {
    out.writeBoolean(report != null);
    if (report != null) {
      out.writeLong(report.inputInteractions());
      out.writeLong(report.afterRatingFilter());
      out.writeLong(report.repeatsDropped());
      out.writeLong(report.afterCountFilter());
      out.writeInt(report.filterRounds());
      out.writeInt(report.usersBeforeFilter());
      out.writeInt(report.itemsBeforeFilter());
      out.writeInt(report.users());
      out.writeInt(report.items());
    }
  }

  private static PreprocessReport readPreprocessReport(DataInputStream in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    return new PreprocessReport(
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readLong(),
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readInt(),
        in.readInt());
  }

  private static void writeString(DataOutputStream out, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      throw new IOException("negative string length (corrupt cache)");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void writeStrings(DataOutputStream out, List<String> texts) throws IOException {
    out.writeInt(texts.size());
    for (String text : texts) {
      writeString(out, text);
    }
  }

  private static String[] readStrings(DataInputStream in) throws IOException {
    int count = checkedLength(in.readInt());
    List<String> texts = new ArrayList<>(Math.min(count, 1 << 20));
    for (int i = 0; i < count; i++) {
      texts.add(readString(in));
    }
    return texts.toArray(new String[0]);
  }

  /** Arrays are written through a byte chunk: one bulk copy per 64 KiB instead of per value. */
  private static void writeInts(DataOutputStream out, int[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
    for (int from = 0; from < values.length; ) {
      int count = Math.min(CHUNK_BYTES / Integer.BYTES, values.length - from);
      chunk.clear();
      chunk.asIntBuffer().put(values, from, count);
      out.write(chunk.array(), 0, count * Integer.BYTES);
      from += count;
    }
  }

  private static int[] readInts(DataInputStream in) throws IOException {
    int[] values = new int[checkedLength(in.readInt())];
    byte[] bytes = new byte[CHUNK_BYTES];
    for (int from = 0; from < values.length; ) {
      int count = Math.min(CHUNK_BYTES / Integer.BYTES, values.length - from);
      in.readFully(bytes, 0, count * Integer.BYTES);
      ByteBuffer.wrap(bytes, 0, count * Integer.BYTES).asIntBuffer().get(values, from, count);
      from += count;
    }
    return values;
  }

  private static void writeLongs(DataOutputStream out, long[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES);
    for (int from = 0; from < values.length; ) {
      int count = Math.min(CHUNK_BYTES / Long.BYTES, values.length - from);
      chunk.clear();
      chunk.asLongBuffer().put(values, from, count);
      out.write(chunk.array(), 0, count * Long.BYTES);
      from += count;
    }
  }

  private static long[] readLongs(DataInputStream in) throws IOException {
    long[] values = new long[checkedLength(in.readInt())];
    byte[] bytes = new byte[CHUNK_BYTES];
    for (int from = 0; from < values.length; ) {
      int count = Math.min(CHUNK_BYTES / Long.BYTES, values.length - from);
      in.readFully(bytes, 0, count * Long.BYTES);
      ByteBuffer.wrap(bytes, 0, count * Long.BYTES).asLongBuffer().get(values, from, count);
      from += count;
    }
    return values;
  }

  private static int checkedLength(int length) throws IOException {
    if (length < 0) {
      throw new IOException("negative array length (corrupt cache)");
    }
    return length;
  }

  private static void update(MessageDigest digest, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
