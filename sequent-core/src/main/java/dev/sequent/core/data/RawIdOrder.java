package dev.sequent.core.data;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The order of raw ids used for dense ids and for the item-id tie rule: numeric when every id of
 * the collection is an integer (so "9" comes before "10" and SASRec files keep their ids), else
 * plain string order. Deciding once per collection keeps the order transitive.
 */
final class RawIdOrder {
  private RawIdOrder() {}

  /** Returns the rank of each id in that order (rank[i] of ids[i]); ids must be distinct. */
  static int[] ranks(String[] ids) {
    Integer[] positions = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) {
      positions[i] = i;
    }
    Arrays.sort(positions, comparator(ids));
    int[] rank = new int[ids.length];
    for (int r = 0; r < positions.length; r++) {
      rank[positions[r]] = r;
    }
    return rank;
  }

  private static Comparator<Integer> comparator(String[] ids) {
    long[] numbers = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      Long parsed = parseInteger(ids[i]);
      if (parsed == null) {
        return (a, b) -> ids[a].compareTo(ids[b]);
      }
      numbers[i] = parsed;
    }
    // "7" and "07" are distinct ids with the same number: fall back to the text to keep them apart.
    return (a, b) -> {
      int byNumber = Long.compare(numbers[a], numbers[b]);
      return byNumber != 0 ? byNumber : ids[a].compareTo(ids[b]);
    };
  }

  private static Long parseInteger(String text) {
    if (text.isEmpty() || text.length() > 18) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9') && !(i == 0 && c == '-' && text.length() > 1)) {
        return null;
      }
    }
    return Long.parseLong(text);
  }
}
