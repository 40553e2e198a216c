package dev.sequent.core.run;

import dev.sequent.core.data.EvalSet;
import dev.sequent.core.data.PreprocessReport;
import dev.sequent.core.data.ReadReport;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.eval.Json;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Statistics of a preprocessed dataset and its split, for {@code sequent data}, the run folder's
 * {@code run.json} and the HTML report: sizes, sequence-length percentiles, item popularity, what
 * preprocessing removed, and how many users each evaluation stage has.
 *
 * <p>{@link #values()} is an ordered map of labelled values (numbers and text), so the same statistics print
 * as text and as JSON without two lists to keep in step.
 */
public final class DataSummary {
  private static final double[] PERCENTILES = {0, 10, 25, 50, 75, 90, 99, 100};

  private final Map<String, Object> values;

  private DataSummary(Map<String, Object> values) {
    this.values = values;
  }

  /** Computes the statistics; {@code split} may be null (then no split counts). */
  public static DataSummary of(SequenceDataset dataset, Split split) {
    Map<String, Object> v = new LinkedHashMap<>();
    int users = dataset.numUsers();
    int items = dataset.numItems();
    long interactions = dataset.numInteractions();
    v.put("users", users);
    v.put("items", items);
    v.put("interactions", interactions);
    v.put("density", users == 0 || items == 0 ? 0.0 : (double) interactions / ((double) users * items));
    v.put("length.mean", users == 0 ? 0.0 : (double) interactions / users);
    int[] lengths = new int[users];
    for (int u = 0; u < users; u++) {
      lengths[u] = dataset.length(u);
    }
    putPercentiles(v, "length", lengths);
    int[] counts = Arrays.copyOfRange(dataset.itemCounts(), 1, items + 1);
    putPercentiles(v, "item_count", counts);
    if (dataset.hasTimestamps() && interactions > 0) {
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (int u = 0; u < users; u++) {
        for (int i = 0; i < dataset.length(u); i++) {
          long t = dataset.timestamp(u, i);
          first = Math.min(first, t);
          last = Math.max(last, t);
        }
      }
      v.put("time.first", timeText(first));
      v.put("time.last", timeText(last));
    }
    ReadReport read = dataset.readReport();
    if (read != null) {
      v.put("read.lines", read.linesRead());
      v.put("read.interactions", read.interactions());
      v.put("read.skipped_lines", read.skippedLines());
    }
    PreprocessReport pre = dataset.preprocessReport();
    if (pre != null) {
      v.put("preprocess.after_rating_filter", pre.afterRatingFilter());
      v.put("preprocess.repeats_dropped", pre.repeatsDropped());
      v.put("preprocess.filter_rounds", pre.filterRounds());
      v.put("preprocess.users_before_filter", pre.usersBeforeFilter());
      v.put("preprocess.items_before_filter", pre.itemsBeforeFilter());
      v.put("preprocess.interactions_after_filter", pre.afterCountFilter());
    }
    if (dataset.config() != null) {
      v.put("preprocess.settings", dataset.config().describe());
    }
    if (split != null) {
      v.put("split.training_interactions", split.numTrainingInteractions());
      putStage(v, split.validation());
      putStage(v, split.test());
    }
    v.put("fingerprint", dataset.fingerprint() == null ? "" : dataset.fingerprint());
    return new DataSummary(v);
  }

  private static void putStage(Map<String, Object> v, EvalSet stage) {
    v.put("split." + stage.stage() + "_users", stage.size());
    v.put("split." + stage.stage() + "_skipped", stage.skippedUsers());
  }

  /** Unix seconds or milliseconds, shown as an ISO date when plausible; other units stay numbers. */
  private static String timeText(long t) {
    long seconds = t > 100_000_000_000L ? t / 1000 : t;
    if (seconds < 0 || seconds > 4_102_444_800L) {
      return Long.toString(t);
    }
    return Instant.ofEpochSecond(seconds).toString().substring(0, 10);
  }

  private static void putPercentiles(Map<String, Object> v, String prefix, int[] data) {
    if (data.length == 0) {
      return;
    }
    int[] sorted = data.clone();
    Arrays.sort(sorted);
    for (double p : PERCENTILES) {
      String label = p == 0 ? "min" : p == 100 ? "max" : "p" + (int) p;
      // Nearest-rank percentile: an actual length from the data, no interpolation.
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      v.put(prefix + "." + label, sorted[Math.max(0, Math.min(sorted.length - 1, index))]);
    }
  }

  /** The statistics by key (numbers are Integer, Long or Double; the rest are strings). */
  public Map<String, Object> values() {
    return java.util.Collections.unmodifiableMap(values);
  }

  /** A JSON object of the statistics. */
  public String toJson() {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, Object> e : values.entrySet()) {
      out.append(out.length() == 1 ? "" : ", ").append(Json.quote(e.getKey())).append(": ");
      Object value = e.getValue();
      out.append(value instanceof Number n ? JsonText.number(n.doubleValue()) : Json.quote(value.toString()));
    }
    return out.append('}').toString();
  }

  /** Human-readable lines: sizes, lengths, popularity, preprocessing and split. */
  public List<String> lines() {
    Map<String, Object> v = values;
    List<String> lines = new java.util.ArrayList<>();
    lines.add(String.format(Locale.ROOT, "users %,d   items %,d   interactions %,d   density %.4f%%",
        v.get("users"), v.get("items"), v.get("interactions"), 100 * (double) v.get("density")));
    if (v.containsKey("length.min")) {
      lines.add(String.format(Locale.ROOT, "sequence length: mean %.1f; min %s, p10 %s, p25 %s, median %s, p75 %s, "
              + "p90 %s, p99 %s, max %s", v.get("length.mean"), v.get("length.min"), v.get("length.p10"),
          v.get("length.p25"), v.get("length.p50"), v.get("length.p75"), v.get("length.p90"), v.get("length.p99"),
          v.get("length.max")));
      lines.add(String.format(Locale.ROOT, "interactions per item: min %s, median %s, p90 %s, max %s",
          v.get("item_count.min"), v.get("item_count.p50"), v.get("item_count.p90"), v.get("item_count.max")));
    }
    if (v.containsKey("time.first")) {
      lines.add("time span: " + v.get("time.first") + " to " + v.get("time.last"));
    }
    if (v.containsKey("read.lines")) {
      lines.add(String.format(Locale.ROOT, "read: %,d lines, %,d interactions, %,d malformed lines skipped",
          v.get("read.lines"), v.get("read.interactions"), v.get("read.skipped_lines")));
    }
    if (v.containsKey("preprocess.repeats_dropped")) {
      lines.add(String.format(Locale.ROOT, "preprocessing: %,d after the rating filter, %,d immediate repeats "
              + "dropped; count filter (%s rounds): %,d -> %,d users, %,d -> %,d items, %,d interactions",
          v.get("preprocess.after_rating_filter"), v.get("preprocess.repeats_dropped"),
          v.get("preprocess.filter_rounds"), v.get("preprocess.users_before_filter"), v.get("users"),
          v.get("preprocess.items_before_filter"), v.get("items"), v.get("preprocess.interactions_after_filter")));
    }
    if (v.containsKey("preprocess.settings")) {
      lines.add("settings: " + v.get("preprocess.settings"));
    }
    if (v.containsKey("split.training_interactions")) {
      lines.add(String.format(Locale.ROOT, "split (leave-one-out): %,d training interactions; validation %,d users "
              + "(%,d skipped); test %,d users (%,d skipped)", v.get("split.training_interactions"),
          v.get("split.validation_users"), v.get("split.validation_skipped"), v.get("split.test_users"),
          v.get("split.test_skipped")));
    }
    String fingerprint = (String) v.get("fingerprint");
    if (!fingerprint.isEmpty()) {
      lines.add("fingerprint: " + fingerprint);
    }
    return lines;
  }
}
