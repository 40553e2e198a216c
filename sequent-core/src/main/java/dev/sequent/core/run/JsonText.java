package dev.sequent.core.run;

import java.util.Locale;
import java.util.Map;

/** The little JSON writing the run folder needs (strings, numbers, flat objects), without a library. */
final class JsonText {
  private JsonText() {}

  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A number; NaN and infinities are not JSON, so they become null. */
  static String number(double value) {
    if (!Double.isFinite(value)) {
      return "null";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  /** {"k": "v", ...} with string values, on one line. */
  static String strings(Map<String, String> values) {
    StringBuilder out = new StringBuilder("{");
    values.forEach((k, v) -> out.append(out.length() == 1 ? "" : ", ").append(quote(k)).append(": ")
        .append(quote(v)));
    return out.append('}').toString();
  }
}
