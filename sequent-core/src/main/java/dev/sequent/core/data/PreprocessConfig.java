package dev.sequent.core.data;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every preprocessing option, as one immutable record that can be printed ({@link #describe()})
 * and stored ({@link #toMap()}). Steps run in this order (see {@link Preprocessor}):
 *
 * <ol>
 *   <li>implicit feedback: keep all interactions ({@code minRating == null}) or those with rating
 *       &ge; {@code minRating};
 *   <li>per-user chronological order by timestamp, ties broken by {@link #tieRule()}; files
 *       without timestamps keep file order;
 *   <li>optionally drop immediate repeats: an interaction whose item equals the previous item of
 *       the same user in that order;
 *   <li>count filter ({@link #filter()}): iterative k-core until nothing changes, or LRURec's single
 *       pass (items &ge; k first, then users &ge; k, not repeated), or none;
 *   <li>dense ids (items 1..N in ascending raw-id order, 0 is padding; users 0..U-1 likewise).
 * </ol>
 *
 * @param minRating null for "every interaction is a positive", else the inclusive threshold
 * @param dropImmediateRepeats drop consecutive identical items of a user (after ordering)
 * @param filter which count filter to apply
 * @param minUserInteractions users need at least this many interactions (with a filter)
 * @param minItemInteractions items need at least this many interactions (with a filter)
 * @param tieRule how interactions of one user with equal timestamps are ordered
 */
public record PreprocessConfig(
    Double minRating,
    boolean dropImmediateRepeats,
    Filter filter,
    int minUserInteractions,
    int minItemInteractions,
    TieRule tieRule) {

  /** The interaction-count filter. */
  public enum Filter {
    /** No count filter. */
    NONE("none"),
    /** Iterative k-core: repeat until every user and item meets its minimum (RecBole). */
    K_CORE("k-core"),
    /** LRURec: items with too few interactions removed once, then users, no iteration. */
    ONE_PASS("one-pass");

    private final String label;

    Filter(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** How interactions of one user with equal timestamps are ordered. */
  public enum TieRule {
    /** Keep file order (a stable sort). */
    STABLE("stable"),
    /**
     * By raw item id: numerically when both ids are integers, else as strings. LRURec sorts ML-1M
     * by (timestamp, item id).
     */
    ITEM_ID("item-id"),
    /**
     * As RecBole 1.x sorts: timestamps compared after rounding to a 32-bit float (RecBole keeps float
     * fields as floats), ties in file order. Unix seconds near 1e9 then fall into steps of 64 s, so ratings
     * a minute apart can keep the file's order; on ML-1M that is 72% of consecutive ratings.
     */
    RECBOLE("recbole");

    private final String label;

    TieRule(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public PreprocessConfig {
    if (filter == null || tieRule == null) {
      throw new IllegalArgumentException("filter and tieRule are required");
    }
    if (minRating != null && !Double.isFinite(minRating)) {
      throw new IllegalArgumentException("minRating must be finite, got " + minRating);
    }
    if (minUserInteractions < 0 || minItemInteractions < 0) {
      throw new IllegalArgumentException(
          "minimum interaction counts must be >= 0, got users "
              + minUserInteractions
              + ", items "
              + minItemInteractions);
    }
  }

  /** Everything kept as read: all interactions positive, no filter, stable ties, repeats kept. */
  public static PreprocessConfig none() {
    return new PreprocessConfig(null, false, Filter.NONE, 0, 0, TieRule.STABLE);
  }

  /**
   * LRURec's ML-1M preprocessing (models.md §2.6): all ratings positive, immediate repeats
   * dropped, items &ge; 5 then users &ge; 5 in one pass, ties ordered by item id.
   */
  public static PreprocessConfig lruRec() {
    return new PreprocessConfig(null, true, Filter.ONE_PASS, 5, 5, TieRule.ITEM_ID);
  }

  /** RecBole-style iterative k-core on users and items, stable ties, repeats kept. */
  public static PreprocessConfig kCore(int k) {
    return none().withKCore(k, k);
  }

  public PreprocessConfig withMinRating(Double threshold) {
    return new PreprocessConfig(
        threshold, dropImmediateRepeats, filter, minUserInteractions, minItemInteractions, tieRule);
  }

  public PreprocessConfig withDropImmediateRepeats(boolean drop) {
    return new PreprocessConfig(
        minRating, drop, filter, minUserInteractions, minItemInteractions, tieRule);
  }

  public PreprocessConfig withKCore(int minUser, int minItem) {
    return new PreprocessConfig(
        minRating, dropImmediateRepeats, Filter.K_CORE, minUser, minItem, tieRule);
  }

  public PreprocessConfig withOnePassFilter(int minItem, int minUser) {
    return new PreprocessConfig(
        minRating, dropImmediateRepeats, Filter.ONE_PASS, minUser, minItem, tieRule);
  }

  public PreprocessConfig withoutCountFilter() {
    return new PreprocessConfig(minRating, dropImmediateRepeats, Filter.NONE, 0, 0, tieRule);
  }

  public PreprocessConfig withTieRule(TieRule rule) {
    return new PreprocessConfig(
        minRating, dropImmediateRepeats, filter, minUserInteractions, minItemInteractions, rule);
  }

  /** The options as ordered key/value pairs, for config files and run folders. */
  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("feedback", minRating == null ? "all" : "rating>=" + formatNumber(minRating));
    map.put("tieRule", tieRule.label());
    map.put("dropImmediateRepeats", Boolean.toString(dropImmediateRepeats));
    map.put("filter", filter.label());
    if (filter != Filter.NONE) {
      map.put("minUserInteractions", Integer.toString(minUserInteractions));
      map.put("minItemInteractions", Integer.toString(minItemInteractions));
    }
    return map;
  }

  /** A stable one-line description, part of the cache fingerprint. */
  public String describe() {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> entry : toMap().entrySet()) {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append(entry.getKey()).append('=').append(entry.getValue());
    }
    return text.toString();
  }

  private static String formatNumber(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%s", value);
  }
}
