package dev.sequent.core.eval;

/** The little JSON writing Sequent needs, without a library (also used by the run folder's files). */
public final class Json {
  private Json() {}

  /** A JSON string literal. */
  public static String quote(String text) {
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
            out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  /** A JSON number; NaN and infinities (not representable) become null. */
  static String number(double value) {
    if (!Double.isFinite(value)) {
      return "null";
    }
    return Double.toString(value); // e.g. 0.5, 1.0, 1.0E-5: all valid JSON numbers
  }
}
