package dev.sequent.core.eval;

import dev.sequent.core.data.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Ranking metrics of one evaluation, averaged over evaluated users (each user weighs the same;
 * LRURec averages per-batch means instead, a negligible difference).
 *
 * <p>With one target per user and its rank r (1 = best; see {@link Evaluator} for ties):
 * HR@K = Recall@K = [r &le; K]; NDCG@K = [r &le; K] / log2(r + 1); MRR@K = [r &le; K] / r.
 *
 * <p>Names are {@code HR@K}, {@code NDCG@K} and {@code MRR@K}; {@code Recall@K} is accepted as an
 * alias of HR@K, and lookups ignore case. For sampled protocols every printed name carries the
 * protocol, e.g. {@code NDCG@10 (sampled-pop100)}, so sampled numbers cannot pass for full-ranking
 * ones; {@link #get} accepts both forms. Metrics from different protocols refuse to be compared.
 */
public final class Metrics {
  private static final String[] FAMILIES = {"HR", "NDCG", "MRR"};

  private final String stage;
  private final Protocol protocol;
  private final List<Integer> ks;
  private final Map<String, Double> values;
  private final int evaluatedUsers;
  private final int skippedUsers;

  private Metrics(
      String stage,
      Protocol protocol,
      List<Integer> ks,
      Map<String, Double> values,
      int evaluatedUsers,
      int skippedUsers) {
    this.stage = stage;
    this.protocol = protocol;
    this.ks = List.copyOf(ks);
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.evaluatedUsers = evaluatedUsers;
    this.skippedUsers = skippedUsers;
  }

  /** Computes the metrics from per-user ranks (1-based). */
  public static Metrics fromRanks(
      int[] ranks, List<Integer> ks, Protocol protocol, String stage, int skippedUsers) {
    if (ranks.length == 0) {
      throw new IllegalArgumentException("no ranks: nobody was evaluated");
    }
    List<Integer> sortedKs = new ArrayList<>(new java.util.TreeSet<>(ks));
    double[][] sums = new double[FAMILIES.length][sortedKs.size()];
    for (int rank : ranks) {
      if (rank < 1) {
        throw new IllegalArgumentException("ranks start at 1, got " + rank);
      }
      double ndcg = 1.0 / (Math.log(rank + 1.0) / Math.log(2.0));
      double reciprocal = 1.0 / rank;
      for (int k = 0; k < sortedKs.size(); k++) {
        if (rank <= sortedKs.get(k)) {
          sums[0][k] += 1.0;
          sums[1][k] += ndcg;
          sums[2][k] += reciprocal;
        }
      }
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (int f = 0; f < FAMILIES.length; f++) {
      for (int k = 0; k < sortedKs.size(); k++) {
        values.put(FAMILIES[f] + "@" + sortedKs.get(k), sums[f][k] / ranks.length);
      }
    }
    return new Metrics(stage, protocol, sortedKs, values, ranks.length, skippedUsers);
  }

  /**
   * The value of a metric by name: {@code HR@10}, {@code Recall@10}, {@code NDCG@10}, {@code
   * MRR@10}, case-insensitive, optionally with this protocol's label, e.g. {@code NDCG@10
   * (sampled-pop100)}.
   */
  public double get(String name) {
    String key = canonicalName(name);
    Double value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException(
          "no metric \"" + name + "\"; available: " + String.join(", ", labelledNames()));
    }
    return value;
  }

  /** Whether the metric exists (same name rules as {@link #get}). */
  public boolean has(String name) {
    try {
      return values.containsKey(canonicalName(name));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private String canonicalName(String name) {
    String text = name.trim();
    String suffix = " (" + protocol.name() + ")";
    if (text.toLowerCase(Locale.ROOT).endsWith(suffix.toLowerCase(Locale.ROOT))) {
      text = text.substring(0, text.length() - suffix.length()).trim();
    } else if (text.contains("(")) {
      throw new IllegalArgumentException(
          "metric \"" + name + "\" belongs to another protocol; these metrics are " + protocol.name());
    }
    return plainName(text);
  }

  /**
   * The stored name of a metric without protocol label: families upper case, "Recall@K" and "Hit@K" as
   * "HR@K" (the same with one target per user).
   */
  public static String plainName(String name) {
    int at = name.indexOf('@');
    if (at < 0) {
      return name;
    }
    String family = name.substring(0, at).toUpperCase(Locale.ROOT);
    if (family.equals("RECALL") || family.equals("HIT")) {
      family = "HR";
    }
    return family + name.substring(at);
  }

  /** The printed name of a metric: itself for full ranking, with the protocol when sampled. */
  public String label(String name) {
    String key = canonicalName(name);
    return protocol.isSampled() ? key + " (" + protocol.name() + ")" : key;
  }

  /** Metric values by plain name ({@code HR@5}, …, {@code MRR@20}), in a stable order. */
  public Map<String, Double> values() {
    return values;
  }

  public List<String> labelledNames() {
    List<String> names = new ArrayList<>();
    for (String name : values.keySet()) {
      names.add(label(name));
    }
    return names;
  }

  public String stage() {
    return stage;
  }

  public Protocol protocol() {
    return protocol;
  }

  public boolean isSampled() {
    return protocol.isSampled();
  }

  public List<Integer> ks() {
    return ks;
  }

  public int evaluatedUsers() {
    return evaluatedUsers;
  }

  public int skippedUsers() {
    return skippedUsers;
  }

  /**
   * {@code this - baseline} for one metric. Both must come from the same protocol (a sampled and
   * a full-ranking number are not comparable).
   */
  public double difference(Metrics baseline, String name) {
    if (!protocol.equals(baseline.protocol)) {
      throw new IllegalArgumentException(
          "cannot compare metrics of different protocols: "
              + protocol
              + " vs "
              + baseline.protocol);
    }
    return get(name) - baseline.get(name);
  }

  /** True when this metric is strictly higher than the other's (same protocol required). */
  public boolean isBetterThan(Metrics other, String name) {
    return difference(other, name) > 0;
  }

  /** One line per metric under a header naming the stage, protocol and user counts. */
  @Override
  public String toString() {
    StringBuilder out =
        new StringBuilder()
            .append(stage)
            .append(" [")
            .append(protocol)
            .append("]: ")
            .append(evaluatedUsers)
            .append(" users evaluated, ")
            .append(skippedUsers)
            .append(" skipped");
    for (Map.Entry<String, Double> entry : values.entrySet()) {
      out.append(System.lineSeparator())
          .append("  ")
          .append(label(entry.getKey()))
          .append(" = ")
          .append(String.format(Locale.ROOT, "%.4f", entry.getValue()));
    }
    return out.toString();
  }

  /** The metrics as a JSON object (keys of sampled protocols carry the protocol name). */
  public String toJson() {
    StringBuilder out = new StringBuilder("{");
    out.append("\"stage\": ").append(Json.quote(stage));
    out.append(", \"protocol\": ").append(Json.quote(protocol.name()));
    out.append(", \"sampled\": ").append(protocol.isSampled());
    if (protocol.isSampled()) {
      out.append(", \"seed\": ").append(protocol.seed());
    }
    out.append(", \"users_evaluated\": ").append(evaluatedUsers);
    out.append(", \"users_skipped\": ").append(skippedUsers);
    out.append(", \"metrics\": {");
    boolean first = true;
    for (Map.Entry<String, Double> entry : values.entrySet()) {
      out.append(first ? "" : ", ")
          .append(Json.quote(label(entry.getKey())))
          .append(": ")
          .append(Json.number(entry.getValue()));
      first = false;
    }
    return out.append("}}").toString();
  }

  /** Writes {@link #toJson()} atomically. */
  public void writeJson(Path file) throws IOException {
    AtomicFiles.writeString(file, toJson() + "\n");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Metrics that
        && stage.equals(that.stage)
        && protocol.equals(that.protocol)
        && values.equals(that.values)
        && evaluatedUsers == that.evaluatedUsers
        && skippedUsers == that.skippedUsers;
  }

  @Override
  public int hashCode() {
    return Objects.hash(stage, protocol, values, evaluatedUsers, skippedUsers);
  }
}
