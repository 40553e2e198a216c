package dev.sequent.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Interactions as read from files, before any preprocessing, stored column by column.
 *
 * <p>Raw user and item ids are strings, interned to "codes" in order of first appearance (codes are
 * an internal detail; dense ids are assigned later by {@link Preprocessor}). Row order is file
 * order, which is the time order for formats without timestamps.
 */
public final class RawInteractions {
  private final boolean hasTimestamps;
  private final boolean hasRatings;
  private final List<String> userIds = new ArrayList<>();
  private final List<String> itemIds = new ArrayList<>();
  private final Map<String, Integer> userCodes = new HashMap<>();
  private final Map<String, Integer> itemCodes = new HashMap<>();
  private int[] users = new int[1024];
  private int[] items = new int[1024];
  private long[] timestamps;
  private float[] ratings;
  private int size;
  private ReadReport report;

  private RawInteractions(boolean hasTimestamps, boolean hasRatings) {
    this.hasTimestamps = hasTimestamps;
    this.hasRatings = hasRatings;
    timestamps = hasTimestamps ? new long[1024] : null;
    ratings = hasRatings ? new float[1024] : null;
  }

  /** An empty collection; readers fill it, tests may fill it by hand with {@link #add}. */
  public static RawInteractions create(boolean hasTimestamps, boolean hasRatings) {
    return new RawInteractions(hasTimestamps, hasRatings);
  }

  /**
   * Appends one interaction. The timestamp is ignored without a timestamp column, the rating
   * without a rating column.
   */
  public void add(String user, String item, long timestamp, float rating) {
    if (size == users.length) {
      int capacity = Math.max(16, size + (size >> 1));
      users = Arrays.copyOf(users, capacity);
      items = Arrays.copyOf(items, capacity);
      if (hasTimestamps) {
        timestamps = Arrays.copyOf(timestamps, capacity);
      }
      if (hasRatings) {
        ratings = Arrays.copyOf(ratings, capacity);
      }
    }
    users[size] = code(user, userIds, userCodes);
    items[size] = code(item, itemIds, itemCodes);
    if (hasTimestamps) {
      timestamps[size] = timestamp;
    }
    if (hasRatings) {
      ratings[size] = rating;
    }
    size++;
  }

  private static int code(String id, List<String> ids, Map<String, Integer> codes) {
    Integer known = codes.get(id);
    if (known != null) {
      return known;
    }
    int fresh = ids.size();
    ids.add(id);
    codes.put(id, fresh);
    return fresh;
  }

  public int size() {
    return size;
  }

  public boolean hasTimestamps() {
    return hasTimestamps;
  }

  public boolean hasRatings() {
    return hasRatings;
  }

  public int userCode(int row) {
    return users[row];
  }

  public int itemCode(int row) {
    return items[row];
  }

  /** The timestamp of a row; only valid when {@link #hasTimestamps()}. */
  public long timestamp(int row) {
    return timestamps[row];
  }

  /** The rating of a row; only valid when {@link #hasRatings()}. */
  public float rating(int row) {
    return ratings[row];
  }

  public int numUserCodes() {
    return userIds.size();
  }

  public int numItemCodes() {
    return itemIds.size();
  }

  public String userId(int code) {
    return userIds.get(code);
  }

  public String itemId(int code) {
    return itemIds.get(code);
  }

  /** The reader's report, or null for hand-built collections. */
  public ReadReport report() {
    return report;
  }

  void setReport(ReadReport report) {
    this.report = report;
  }
}
