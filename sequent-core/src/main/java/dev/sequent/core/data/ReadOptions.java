package dev.sequent.core.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options for reading interaction and title files.
 *
 * @param skipMalformedLines when false (the default) the first malformed line stops reading with a
 *     {@link DataFormatException}; when true, malformed lines are skipped and counted in {@link
 *     ReadReport#skippedLines()}
 */
public record ReadOptions(boolean skipMalformedLines) {

  /** Strict reading: a malformed line is an error. */
  public static ReadOptions strict() {
    return new ReadOptions(false);
  }

  /** Lenient reading: malformed lines are skipped and counted. */
  public static ReadOptions skippingMalformedLines() {
    return new ReadOptions(true);
  }

  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("skipMalformedLines", Boolean.toString(skipMalformedLines));
    return map;
  }

  public String describe() {
    return "skipMalformedLines=" + skipMalformedLines;
  }
}
