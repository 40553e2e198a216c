package dev.sequent.core.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which items are removed from the candidates in full ranking. The padding id 0 is never a
 * candidate; the target itself is <b>never</b> excluded, even when it also occurs in the history or
 * the window (repeat consumption is a legitimate next item).
 */
public enum ExclusionMode {
  /** RecBole: only padding is excluded (sequential full-sort masks only id 0). */
  NONE("none"),
  /** LRURec (models.md A-R3): items present in the last-L input window are excluded. */
  INPUT_WINDOW("input-window"),
  /** Every item the user interacted with before the target is excluded. */
  HISTORY("history");

  private final String label;

  ExclusionMode(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** Parses "none", "input-window" or "history" (case-insensitive). */
  public static ExclusionMode parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    for (ExclusionMode mode : values()) {
      if (mode.label.equals(wanted)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("unknown exclusion mode \"" + text + "\"; valid: "
        + Arrays.stream(values()).map(ExclusionMode::label).collect(Collectors.joining(", ")));
  }
}
