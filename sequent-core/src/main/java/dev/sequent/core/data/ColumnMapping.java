package dev.sequent.core.data;

import java.util.List;
import java.util.Locale;

/**
 * Which columns of a delimited file hold the user, item, timestamp and rating.
 *
 * <p>Columns are given either by header name ({@link #byName}) or by 0-based position ({@link
 * #byIndex}); a file without a header needs positions. Timestamp and rating are optional: null
 * (by name) or -1 (by position) means the file has no such column. Without timestamps, file order
 * is the time order.
 */
public record ColumnMapping(
    boolean byIndex, String user, String item, String timestamp, String rating) {

  public ColumnMapping {
    if (user == null || item == null) {
      throw new IllegalArgumentException("the user and item columns are required");
    }
  }

  /** Columns found by their header names (matched ignoring case); null for an absent column. */
  public static ColumnMapping byName(String user, String item, String timestamp, String rating) {
    return new ColumnMapping(false, user, item, timestamp, rating);
  }

  /** Columns found by 0-based position; -1 for an absent column. */
  public static ColumnMapping byIndex(int user, int item, int timestamp, int rating) {
    if (user < 0 || item < 0) {
      throw new IllegalArgumentException(
          "user and item column positions must be >= 0, got user=" + user + " item=" + item);
    }
    return new ColumnMapping(
        true,
        Integer.toString(user),
        Integer.toString(item),
        timestamp < 0 ? null : Integer.toString(timestamp),
        rating < 0 ? null : Integer.toString(rating));
  }

  public boolean hasTimestamp() {
    return timestamp != null;
  }

  public boolean hasRating() {
    return rating != null;
  }

  public String describe() {
    String kind = byIndex ? "column#" : "column ";
    return "user="
        + kind
        + user
        + ", item="
        + kind
        + item
        + ", timestamp="
        + (timestamp == null ? "none" : kind + timestamp)
        + ", rating="
        + (rating == null ? "none" : kind + rating);
  }

  /**
   * Resolves the mapping to positions {user, item, timestamp, rating} (-1 for absent). For a
   * by-name mapping the header is searched ignoring case; a missing name throws with the list of
   * available columns.
   */
  int[] resolve(List<String> header, java.nio.file.Path file, long line, String headerText) {
    String[] wanted = {user, item, timestamp, rating};
    String[] roles = {"user", "item", "timestamp", "rating"};
    int[] positions = new int[4];
    for (int k = 0; k < 4; k++) {
      if (wanted[k] == null) {
        positions[k] = -1;
      } else if (byIndex) {
        positions[k] = Integer.parseInt(wanted[k]);
      } else {
        positions[k] = indexOfIgnoringCase(header, wanted[k]);
        if (positions[k] < 0) {
          throw new DataFormatException(
              file,
              line,
              headerText,
              "the "
                  + roles[k]
                  + " column \""
                  + wanted[k]
                  + "\" is not in the header; available columns: "
                  + header);
        }
      }
    }
    return positions;
  }

  private static int indexOfIgnoringCase(List<String> header, String name) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    return -1;
  }
}
