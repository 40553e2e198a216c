package dev.sequent.core.data;

import java.util.Arrays;

/**
 * Turns {@link RawInteractions} into a {@link SequenceDataset} following a {@link
 * PreprocessConfig}. The steps and their order are documented on {@link PreprocessConfig}; the
 * order matters: repeats are dropped before counting (as LRURec does), so the count filter sees
 * the interactions that will be kept.
 */
public final class Preprocessor {
  private final PreprocessConfig config;
  private final String sourceDescription;

  public Preprocessor(PreprocessConfig config, String sourceDescription) {
    this.config = config;
    this.sourceDescription = sourceDescription;
  }

  /** Runs every step; {@code fingerprint} (may be null) is stored in the dataset's provenance. */
  public SequenceDataset run(RawInteractions raw, String fingerprint) {
    long input = raw.size();
    if (input == 0) {
      throw new EmptyDatasetException("the source holds no interactions: " + sourceDescription);
    }
    boolean[] keep = ratingFilter(raw);
    Grouped grouped = groupByUser(raw, keep);
    long afterRating = grouped.rows.length;
    if (afterRating == 0) {
      throw empty("the rating filter (" + config.toMap().get("feedback") + ")");
    }
    sortEachUser(raw, grouped);
    long repeatsDropped = config.dropImmediateRepeats() ? dropImmediateRepeats(raw, grouped) : 0;

    boolean[] alive = new boolean[grouped.rows.length];
    Arrays.fill(alive, true);
    int usersBefore = countDistinct(raw, grouped, alive, true);
    int itemsBefore = countDistinct(raw, grouped, alive, false);
    int rounds =
        switch (config.filter()) {
          case NONE -> 0;
          case K_CORE -> kCore(raw, grouped, alive);
          case ONE_PASS -> onePass(raw, grouped, alive);
        };
    long afterFilter = 0;
    for (boolean a : alive) {
      afterFilter += a ? 1 : 0;
    }
    if (afterFilter == 0) {
      throw empty(
          "the "
              + config.filter().label()
              + " filter (users >= "
              + config.minUserInteractions()
              + ", items >= "
              + config.minItemInteractions()
              + ")");
    }
    SequenceDataset dataset = densify(raw, grouped, alive);
    PreprocessReport report =
        new PreprocessReport(
            input,
            afterRating,
            repeatsDropped,
            afterFilter,
            rounds,
            usersBefore,
            itemsBefore,
            dataset.numUsers(),
            dataset.numItems());
    return dataset.withProvenance(sourceDescription, config, raw.report(), report, fingerprint);
  }

  private EmptyDatasetException empty(String step) {
    return new EmptyDatasetException(
        "no interactions are left after "
            + step
            + "; preprocessing settings: "
            + config.describe()
            + "; source: "
            + sourceDescription);
  }

  private boolean[] ratingFilter(RawInteractions raw) {
    boolean[] keep = new boolean[raw.size()];
    Double threshold = config.minRating();
    if (threshold == null) {
      Arrays.fill(keep, true);
      return keep;
    }
    if (!raw.hasRatings()) {
      throw new IllegalArgumentException(
          "minRating="
              + threshold
              + " is set but the source has no rating column; remove the threshold or map a"
              + " rating column. Source: "
              + sourceDescription);
    }
    for (int row = 0; row < keep.length; row++) {
      keep[row] = raw.rating(row) >= threshold;
    }
    return keep;
  }

  /** Rows grouped by user code: user code c owns rows[start[c], start[c + 1]). */
  private static final class Grouped {
    int[] rows;
    int[] start;
  }

  /** A stable counting sort by user code, so each user's rows stay in file order. */
  private static Grouped groupByUser(RawInteractions raw, boolean[] keep) {
    int users = raw.numUserCodes();
    int[] start = new int[users + 1];
    for (int row = 0; row < keep.length; row++) {
      if (keep[row]) {
        start[raw.userCode(row) + 1]++;
      }
    }
    for (int u = 0; u < users; u++) {
      start[u + 1] += start[u];
    }
    int[] next = Arrays.copyOf(start, users);
    int[] rows = new int[start[users]];
    for (int row = 0; row < keep.length; row++) {
      if (keep[row]) {
        rows[next[raw.userCode(row)]++] = row;
      }
    }
    Grouped grouped = new Grouped();
    grouped.rows = rows;
    grouped.start = start;
    return grouped;
  }

  private void sortEachUser(RawInteractions raw, Grouped grouped) {
    if (!raw.hasTimestamps()) {
      return; // file order is the time order
    }
    IntSort.IntComparator order;
    if (config.tieRule() == PreprocessConfig.TieRule.ITEM_ID) {
      int[] itemRank = RawIdOrder.ranks(itemIds(raw));
      order =
          (a, b) -> {
            int byTime = Long.compare(raw.timestamp(a), raw.timestamp(b));
            return byTime != 0 ? byTime : Integer.compare(itemRank[raw.itemCode(a)], itemRank[raw.itemCode(b)]);
          };
    } else if (config.tieRule() == PreprocessConfig.TieRule.RECBOLE) {
      order = (a, b) -> Float.compare(raw.timestamp(a), raw.timestamp(b));
    } else {
      order = (a, b) -> Long.compare(raw.timestamp(a), raw.timestamp(b));
    }
    for (int u = 0; u + 1 < grouped.start.length; u++) {
      IntSort.stableSort(grouped.rows, grouped.start[u], grouped.start[u + 1], order);
    }
  }

  /** Removes rows whose item equals the previous row's item of the same user; returns the count. */
  private static long dropImmediateRepeats(RawInteractions raw, Grouped grouped) {
    int[] rows = grouped.rows;
    int[] start = grouped.start;
    int out = 0;
    int users = start.length - 1;
    int segmentStart = 0;
    for (int u = 0; u < users; u++) {
      int newStart = out;
      int previousItem = -1;
      for (int k = segmentStart; k < start[u + 1]; k++) {
        int item = raw.itemCode(rows[k]);
        if (item != previousItem) {
          rows[out++] = rows[k];
        }
        previousItem = item;
      }
      segmentStart = start[u + 1];
      start[u] = newStart;
    }
    start[users] = out;
    long dropped = rows.length - out;
    grouped.rows = Arrays.copyOf(rows, out);
    return dropped;
  }

  private static int countDistinct(
      RawInteractions raw, Grouped grouped, boolean[] alive, boolean users) {
    boolean[] seen = new boolean[users ? raw.numUserCodes() : raw.numItemCodes()];
    int distinct = 0;
    for (int k = 0; k < grouped.rows.length; k++) {
      if (alive[k]) {
        int code = users ? raw.userCode(grouped.rows[k]) : raw.itemCode(grouped.rows[k]);
        if (!seen[code]) {
          seen[code] = true;
          distinct++;
        }
      }
    }
    return distinct;
  }

  /**
   * Iterative k-core: each round removes every interaction of a user or item below its minimum
   * (judged on the counts at the start of the round), until a round removes nothing. The result is
   * the largest sub-dataset where every user and item meets its minimum, whatever the order.
   */
  private int kCore(RawInteractions raw, Grouped grouped, boolean[] alive) {
    int[] userCount = new int[raw.numUserCodes()];
    int[] itemCount = new int[raw.numItemCodes()];
    int[] rows = grouped.rows;
    for (int row : rows) {
      userCount[raw.userCode(row)]++;
      itemCount[raw.itemCode(row)]++;
    }
    int minUser = config.minUserInteractions();
    int minItem = config.minItemInteractions();
    int rounds = 0;
    boolean removed = true;
    while (removed) {
      rounds++;
      removed = false;
      boolean[] badUser = new boolean[userCount.length];
      boolean[] badItem = new boolean[itemCount.length];
      for (int c = 0; c < userCount.length; c++) {
        badUser[c] = userCount[c] < minUser;
      }
      for (int c = 0; c < itemCount.length; c++) {
        badItem[c] = itemCount[c] < minItem;
      }
      for (int k = 0; k < rows.length; k++) {
        int user = raw.userCode(rows[k]);
        int item = raw.itemCode(rows[k]);
        if (alive[k] && (badUser[user] || badItem[item])) {
          alive[k] = false;
          userCount[user]--;
          itemCount[item]--;
          removed = true;
        }
      }
    }
    return rounds;
  }

  /** LRURec: items below the minimum are removed, then users are counted and removed, once. */
  private int onePass(RawInteractions raw, Grouped grouped, boolean[] alive) {
    int[] rows = grouped.rows;
    int[] itemCount = new int[raw.numItemCodes()];
    for (int row : rows) {
      itemCount[raw.itemCode(row)]++;
    }
    for (int k = 0; k < rows.length; k++) {
      if (itemCount[raw.itemCode(rows[k])] < config.minItemInteractions()) {
        alive[k] = false;
      }
    }
    int[] userCount = new int[raw.numUserCodes()];
    for (int k = 0; k < rows.length; k++) {
      if (alive[k]) {
        userCount[raw.userCode(rows[k])]++;
      }
    }
    for (int k = 0; k < rows.length; k++) {
      if (userCount[raw.userCode(rows[k])] < config.minUserInteractions()) {
        alive[k] = false;
      }
    }
    return 1;
  }

  /** Assigns dense ids in raw-id order and lays the sequences out user by user. */
  private static SequenceDataset densify(RawInteractions raw, Grouped grouped, boolean[] alive) {
    int[] rows = grouped.rows;
    boolean[] userUsed = new boolean[raw.numUserCodes()];
    boolean[] itemUsed = new boolean[raw.numItemCodes()];
    for (int k = 0; k < rows.length; k++) {
      if (alive[k]) {
        userUsed[raw.userCode(rows[k])] = true;
        itemUsed[raw.itemCode(rows[k])] = true;
      }
    }
    int[] userCodeOfDense = denseOrder(raw, userUsed, true);
    int[] itemCodeOfDense = denseOrder(raw, itemUsed, false);
    int[] denseItem = new int[raw.numItemCodes()];
    String[] itemIds = new String[itemCodeOfDense.length];
    for (int d = 0; d < itemCodeOfDense.length; d++) {
      denseItem[itemCodeOfDense[d]] = d + 1; // 0 is padding
      itemIds[d] = raw.itemId(itemCodeOfDense[d]);
    }
    String[] userIds = new String[userCodeOfDense.length];
    int[] offsets = new int[userCodeOfDense.length + 1];
    int total = 0;
    for (boolean a : alive) {
      total += a ? 1 : 0;
    }
    int[] items = new int[total];
    long[] timestamps = raw.hasTimestamps() ? new long[total] : null;
    int out = 0;
    for (int u = 0; u < userCodeOfDense.length; u++) {
      int code = userCodeOfDense[u];
      userIds[u] = raw.userId(code);
      offsets[u] = out;
      for (int k = grouped.start[code]; k < grouped.start[code + 1]; k++) {
        if (alive[k]) {
          int row = rows[k];
          items[out] = denseItem[raw.itemCode(row)];
          if (timestamps != null) {
            timestamps[out] = raw.timestamp(row);
          }
          out++;
        }
      }
    }
    offsets[userCodeOfDense.length] = out;
    return new SequenceDataset(
        Vocabulary.ofUsers(userIds), Vocabulary.ofItems(itemIds), offsets, items, timestamps);
  }

  /** The used codes, sorted by raw-id order. */
  private static int[] denseOrder(RawInteractions raw, boolean[] used, boolean users) {
    int count = 0;
    for (boolean u : used) {
      count += u ? 1 : 0;
    }
    int[] codes = new int[count];
    String[] ids = new String[count];
    int k = 0;
    for (int code = 0; code < used.length; code++) {
      if (used[code]) {
        codes[k] = code;
        ids[k] = users ? raw.userId(code) : raw.itemId(code);
        k++;
      }
    }
    int[] rank = RawIdOrder.ranks(ids);
    int[] ordered = new int[count];
    for (int i = 0; i < count; i++) {
      ordered[rank[i]] = codes[i];
    }
    return ordered;
  }

  private static String[] itemIds(RawInteractions raw) {
    String[] ids = new String[raw.numItemCodes()];
    for (int c = 0; c < ids.length; c++) {
      ids[c] = raw.itemId(c);
    }
    return ids;
  }
}
