package dev.sequent.core.run;

import dev.sequent.core.eval.Json;
import java.util.Map;

/** Run-folder JSON beyond {@link Json}: whole numbers without ".0", flat string objects. */
final class JsonText {
  private JsonText() {}

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
    values.forEach((k, v) -> out.append(out.length() == 1 ? "" : ", ").append(Json.quote(k)).append(": ")
        .append(Json.quote(v)));
    return out.append('}').toString();
  }
}
