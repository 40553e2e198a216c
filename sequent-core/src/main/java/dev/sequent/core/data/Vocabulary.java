package dev.sequent.core.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A two-way map between raw id strings and dense indices.
 *
 * <p>Item vocabularies are 1-based: index 0 is the padding id and has no raw id, items are
 * 1..N. User vocabularies are 0-based: users are 0..U-1. Indices follow the ascending raw-id order
 * (numeric when every raw id is an integer), so SASRec-style files with ids 1..N keep their ids.
 */
public final class Vocabulary {
  private final String[] rawIds;
  private final int firstIndex;
  private volatile Map<String, Integer> lookup;

  private Vocabulary(String[] rawIds, int firstIndex) {
    this.rawIds = rawIds;
    this.firstIndex = firstIndex;
  }

  /** An item vocabulary: {@code rawIds[k]} gets index k + 1; index 0 is padding. */
  public static Vocabulary ofItems(String[] rawIds) {
    return new Vocabulary(rawIds.clone(), 1);
  }

  /** A user vocabulary: {@code rawIds[k]} gets index k. */
  public static Vocabulary ofUsers(String[] rawIds) {
    return new Vocabulary(rawIds.clone(), 0);
  }

  /** Number of real entries (items: N, without padding; users: U). */
  public int size() {
    return rawIds.length;
  }

  /** 1 for items (0 is padding), 0 for users. */
  public int firstIndex() {
    return firstIndex;
  }

  /** The raw id of an index; throws for the padding index or an index out of range. */
  public String rawId(int index) {
    int k = index - firstIndex;
    if (k < 0 || k >= rawIds.length) {
      String range = firstIndex + ".." + (firstIndex + rawIds.length - 1);
      String padding = firstIndex == 1 && index == 0 ? " (0 is the padding id)" : "";
      throw new IllegalArgumentException(
          "index " + index + " is not in the vocabulary " + range + padding);
    }
    return rawIds[k];
  }

  /** The index of a raw id, or -1 when the id is unknown. */
  public int indexOf(String rawId) {
    Integer index = lookup().get(rawId);
    return index == null ? -1 : index;
  }

  public boolean contains(String rawId) {
    return indexOf(rawId) >= 0;
  }

  /** The raw ids in index order (without padding). */
  public List<String> rawIds() {
    return Collections.unmodifiableList(Arrays.asList(rawIds));
  }

  private Map<String, Integer> lookup() {
    Map<String, Integer> map = lookup;
    if (map == null) {
      // Built on first use: loading a cached dataset does not pay for it. Racing threads build
      // equal maps, so no lock is needed.
      map = new HashMap<>(rawIds.length * 2);
      for (int k = 0; k < rawIds.length; k++) {
        if (map.put(rawIds[k], k + firstIndex) != null) {
          throw new IllegalStateException("duplicate raw id in vocabulary: " + rawIds[k]);
        }
      }
      lookup = map;
    }
    return map;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Vocabulary that
        && firstIndex == that.firstIndex
        && Arrays.equals(rawIds, that.rawIds);
  }

  @Override
  public int hashCode() {
    return 31 * firstIndex + Arrays.hashCode(rawIds);
  }

  @Override
  public String toString() {
    return "Vocabulary[" + rawIds.length + " ids from index " + firstIndex + "]";
  }
}
