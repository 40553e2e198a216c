package dev.sequent.core.run;

import dev.sequent.core.eval.Metrics;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a model's metrics beside the popularity baseline's, one table per protocol. */
public final class MetricsTable {
  private MetricsTable() {}

  /**
   * @param model the model's metrics, one per protocol
   * @param baseline the popularity baseline's metrics for the same protocols and stage, or an empty list
   * @param modelName the column header of the model
   */
  public static String format(List<Metrics> model, List<Metrics> baseline, String modelName) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < model.size(); i++) {
      Metrics m = model.get(i);
      Metrics b = i < baseline.size() ? baseline.get(i) : null;
      if (b != null && !b.protocol().equals(m.protocol())) {
        throw new IllegalArgumentException("baseline protocol " + b.protocol() + " differs from " + m.protocol());
      }
      out.append(String.format(Locale.ROOT, "%s [%s]: %d users evaluated, %d skipped%n", m.stage(), m.protocol(),
          m.evaluatedUsers(), m.skippedUsers()));
      int width = 8;
      for (String name : m.values().keySet()) {
        width = Math.max(width, m.label(name).length());
      }
      out.append(String.format(Locale.ROOT, "  %-" + width + "s  %10s%s%n", "metric", modelName,
          b == null ? "" : String.format(Locale.ROOT, "  %10s", "popularity")));
      for (Map.Entry<String, Double> e : m.values().entrySet()) {
        out.append(String.format(Locale.ROOT, "  %-" + width + "s  %10.4f", m.label(e.getKey()), e.getValue()));
        if (b != null) {
          out.append(String.format(Locale.ROOT, "  %10.4f", b.get(e.getKey())));
        }
        out.append(System.lineSeparator());
      }
    }
    return out.toString();
  }
}
