package dev.sequent.core.data;

import java.io.IOException;
import java.util.Arrays;

/**
 * Preprocessed interactions: one chronological item sequence per user, with dense ids.
 *
 * <p>Ids: users are 0..U-1, items are 1..N and 0 is the padding id (see {@link Vocabulary}). The
 * sequences are stored back to back in one array; user u owns positions {@code [offset(u),
 * offset(u + 1))}. Position i of a user is its i-th interaction in time order.
 *
 * <p>The dataset carries its provenance: the source description, the preprocessing settings, the
 * readers' and preprocessing reports and a fingerprint of source + settings (null when built by
 * hand).
 */
public final class SequenceDataset {
  private final Vocabulary users;
  private final Vocabulary items;
  private final int[] offsets;
  private final int[] sequenceItems;
  private final long[] timestamps;
  private final String source;
  private final PreprocessConfig config;
  private final ReadReport readReport;
  private final PreprocessReport preprocessReport;
  private final String fingerprint;

  /**
   * Builds a dataset from its parts (no copies are made). {@code timestamps} may be null for
   * sources without time.
   */
  public SequenceDataset(
      Vocabulary users, Vocabulary items, int[] offsets, int[] sequenceItems, long[] timestamps) {
    this(users, items, offsets, sequenceItems, timestamps, "in-memory", null, null, null, null);
  }

  private SequenceDataset(
      Vocabulary users,
      Vocabulary items,
      int[] offsets,
      int[] sequenceItems,
      long[] timestamps,
      String source,
      PreprocessConfig config,
      ReadReport readReport,
      PreprocessReport preprocessReport,
      String fingerprint) {
    if (users.firstIndex() != 0 || items.firstIndex() != 1) {
      throw new IllegalArgumentException("users must be 0-based and items 1-based (0 = padding)");
    }
    if (offsets.length != users.size() + 1
        || offsets[0] != 0
        || offsets[users.size()] != sequenceItems.length) {
      throw new IllegalArgumentException(
          "offsets must have numUsers + 1 entries, from 0 to the number of interactions");
    }
    if (timestamps != null && timestamps.length != sequenceItems.length) {
      throw new IllegalArgumentException("timestamps and items differ in length");
    }
    this.users = users;
    this.items = items;
    this.offsets = offsets;
    this.sequenceItems = sequenceItems;
    this.timestamps = timestamps;
    this.source = source;
    this.config = config;
    this.readReport = readReport;
    this.preprocessReport = preprocessReport;
    this.fingerprint = fingerprint;
  }

  /** Reads and preprocesses without a cache (see {@link DatasetCache} for the cached path). */
  public static SequenceDataset load(DataSource source, PreprocessConfig config)
      throws IOException {
    String fingerprint = DatasetCache.fingerprint(source, config);
    RawInteractions raw = InteractionReader.read(source);
    return new Preprocessor(config, source.describe()).run(raw, fingerprint);
  }

  SequenceDataset withProvenance(
      String newSource,
      PreprocessConfig newConfig,
      ReadReport newReadReport,
      PreprocessReport newPreprocessReport,
      String newFingerprint) {
    return new SequenceDataset(
        users,
        items,
        offsets,
        sequenceItems,
        timestamps,
        newSource,
        newConfig,
        newReadReport,
        newPreprocessReport,
        newFingerprint);
  }

  public Vocabulary users() {
    return users;
  }

  public Vocabulary items() {
    return items;
  }

  public int numUsers() {
    return users.size();
  }

  /** N: item ids are 1..N. */
  public int numItems() {
    return items.size();
  }

  public int numInteractions() {
    return sequenceItems.length;
  }

  public boolean hasTimestamps() {
    return timestamps != null;
  }

  /** Number of interactions of user u. */
  public int length(int user) {
    return offsets[user + 1] - offsets[user];
  }

  /** Where user u's sequence starts in {@link #flatItems()}. */
  public int offset(int user) {
    return offsets[user];
  }

  /** The dense item id of user u's i-th interaction. */
  public int item(int user, int position) {
    checkPosition(user, position);
    return sequenceItems[offsets[user] + position];
  }

  /** The timestamp of user u's i-th interaction; throws when the source had none. */
  public long timestamp(int user, int position) {
    if (timestamps == null) {
      throw new IllegalStateException("this dataset has no timestamps (source: " + source + ")");
    }
    checkPosition(user, position);
    return timestamps[offsets[user] + position];
  }

  /** A copy of user u's items in time order. */
  public int[] sequence(int user) {
    return Arrays.copyOfRange(sequenceItems, offsets[user], offsets[user + 1]);
  }

  /**
   * All sequences back to back (no copy, do not modify): the fast path for sample generators and
   * the cache.
   */
  public int[] flatItems() {
    return sequenceItems;
  }

  int[] offsetsArray() {
    return offsets;
  }

  long[] timestampsArray() {
    return timestamps;
  }

  /** Interactions per item over the whole dataset, indexed by item id (entry 0 is 0). */
  public int[] itemCounts() {
    int[] counts = new int[numItems() + 1];
    for (int item : sequenceItems) {
      counts[item]++;
    }
    return counts;
  }

  public String source() {
    return source;
  }

  /** The preprocessing settings, or null when built by hand. */
  public PreprocessConfig config() {
    return config;
  }

  public ReadReport readReport() {
    return readReport;
  }

  public PreprocessReport preprocessReport() {
    return preprocessReport;
  }

  /** SHA-256 of the source files and all settings (hex), or null when not computed. */
  public String fingerprint() {
    return fingerprint;
  }

  private void checkPosition(int user, int position) {
    if (position < 0 || position >= length(user)) {
      throw new IndexOutOfBoundsException(
          "position " + position + " of user " + user + " with " + length(user) + " interactions");
    }
  }

  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "%d users, %d items, %d interactions (avg length %.2f)%s",
        numUsers(),
        numItems(),
        numInteractions(),
        numUsers() == 0 ? 0.0 : (double) numInteractions() / numUsers(),
        hasTimestamps() ? "" : ", no timestamps");
  }

  @Override
  public String toString() {
    return "SequenceDataset[" + describe() + "]";
  }
}
