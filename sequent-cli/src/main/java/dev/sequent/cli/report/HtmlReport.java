package dev.sequent.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sequent.core.data.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run report: one self-contained HTML file (inline CSS and SVG, no script, nothing fetched) drawn from
 * the run folder's files: the training loss and validation curves from {@code metrics.jsonl}, the test
 * metrics beside the popularity baseline from {@code results.json}, the data statistics and provenance from
 * {@code run.json}, and the resolved settings from {@code config.properties}. Missing files (a run still in
 * progress, an interrupted one) leave their section with a note instead of failing.
 */
public final class HtmlReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HtmlReport() {}

  /** Writes {@code report.html} into the run folder (atomically) and returns its path. */
  public static Path write(Path runDir) throws IOException {
    if (!Files.isDirectory(runDir)) {
      throw new IOException("run folder " + runDir + " does not exist");
    }
    if (!Files.exists(runDir.resolve("metrics.jsonl")) && !Files.exists(runDir.resolve("results.json"))) {
      throw new IOException(runDir + " holds no metrics.jsonl or results.json; is it a run folder?");
    }
    Path file = runDir.resolve("report.html");
    AtomicFiles.writeString(file, render(runDir));
    return file;
  }

  /** The report's HTML. */
  public static String render(Path runDir) throws IOException {
    Map<String, String> config = readProperties(runDir.resolve("config.properties"));
    JsonNode run = readJson(runDir.resolve("run.json"));
    JsonNode results = readJson(runDir.resolve("results.json"));
    MetricsLog log = MetricsLog.read(runDir.resolve("metrics.jsonl"));
    String name = runDir.toAbsolutePath().normalize().getFileName().toString();
    String model = text(results, "model", config.getOrDefault("model.name", "model"));

    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Sequent run ").append(Html.escape(name)).append("</title>\n")
        .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    h.append("<h1>Sequent run <code>").append(Html.escape(name)).append("</code></h1>\n");
    h.append("<p class=\"sub\">model <b>").append(Html.escape(model)).append("</b> &middot; data <code>")
        .append(Html.escape(config.getOrDefault("data.path", "?"))).append("</code>");
    if (run != null) {
      h.append(" &middot; started ").append(Html.escape(text(run, "started", "?")));
    }
    h.append(" &middot; Sequent ").append(Html.escape(text(results != null ? results : run, "sequent", "?")))
        .append(" (commit ").append(Html.escape(text(results != null ? results : run, "commit", "?")))
        .append(")</p>\n");

    summaryCards(h, results, log);
    testSection(h, results, model);
    trainingSection(h, log);
    validationSection(h, log, config.getOrDefault("train.valid_metric", ""));
    dataSection(h, run);
    configSection(h, config);
    provenanceSection(h, run, results);
    h.append("<footer>Written by <code>sequent</code> from the files of this run folder; regenerate with "
        + "<code>sequent report ").append(Html.escape(name)).append("</code>.</footer>\n");
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private static void summaryCards(StringBuilder h, JsonNode results, MetricsLog log) {
    h.append("<div class=\"cards\">\n");
    if (results != null) {
      String metric = text(results, "valid_metric", "validation");
      card(h, "steps", text(results, "steps", "?") + " (" + text(results, "epochs", "?") + " epochs)");
      card(h, "best validation " + metric, metric(results.get("best_valid")) + " at step "
          + text(results, "best_step", "?"));
      JsonNode test = results.path("test");
      if (test.size() > 0) {
        JsonNode first = test.get(0);
        JsonNode value = findMetric(first.path("metrics"), metric);
        if (value != null) {
          String pop = "";
          JsonNode popularity = results.path("popularity");
          if (popularity.size() > 0) {
            JsonNode p = findMetric(popularity.get(0).path("metrics"), metric);
            pop = p == null ? "" : " (popularity " + metric(p) + ")";
          }
          card(h, "test " + metric, metric(value) + pop);
        }
      }
      card(h, "wall time", String.format(Locale.ROOT, "%.0f s (training %.0f s)",
          results.path("wall_seconds").asDouble(), results.path("train_seconds").asDouble()));
      card(h, "ended by", results.path("stop_reason").asText());
    } else {
      card(h, "status", log.trainSteps().isEmpty() ? "no results yet" : "in progress or interrupted: "
          + "last logged step " + log.trainSteps().get(log.trainSteps().size() - 1).intValue());
    }
    h.append("</div>\n");
  }

  private static void card(StringBuilder h, String label, String value) {
    h.append("<div class=\"card\"><div class=\"label\">").append(Html.escape(label))
        .append("</div><div class=\"value\">").append(Html.escape(value)).append("</div></div>\n");
  }

  private static void testSection(StringBuilder h, JsonNode results, String model) {
    h.append("<h2>Test metrics</h2>\n");
    if (results == null || results.path("test").size() == 0) {
      h.append("<p class=\"note\">No <code>results.json</code> yet: the run has not finished its test.</p>\n");
      return;
    }
    JsonNode popularity = results.path("popularity");
    String validMetric = text(results, "valid_metric", "");
    for (int i = 0; i < results.path("test").size(); i++) {
      JsonNode t = results.path("test").get(i);
      JsonNode p = i < popularity.size() ? popularity.get(i) : null;
      h.append("<h3>").append(Html.escape(text(t, "stage", "test"))).append(", protocol <code>")
          .append(Html.escape(text(t, "protocol", "?"))).append("</code>").append(t.path("sampled").asBoolean()
              ? " (sampled)" : "").append(": ").append(text(t, "users_evaluated", "?")).append(" users evaluated, ")
          .append(text(t, "users_skipped", "0")).append(" skipped</h3>\n");
      h.append("<table class=\"metrics\"><thead><tr><th>metric</th><th>").append(Html.escape(model))
          .append("</th>");
      if (p != null) {
        h.append("<th>popularity</th><th>ratio</th>");
      }
      h.append("</tr></thead><tbody>\n");
      Iterator<Map.Entry<String, JsonNode>> fields = t.path("metrics").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        boolean selected = canonical(e.getKey()).equals(canonical(validMetric));
        h.append("<tr").append(selected ? " class=\"selected\"" : "").append("><td>")
            .append(Html.escape(e.getKey())).append("</td><td>").append(metric(e.getValue())).append("</td>");
        if (p != null) {
          JsonNode b = p.path("metrics").get(e.getKey());
          h.append("<td>").append(metric(b)).append("</td><td>");
          if (b != null && b.asDouble() > 0) {
            h.append(String.format(Locale.ROOT, "%.2f&times;", e.getValue().asDouble() / b.asDouble()));
          }
          h.append("</td>");
        }
        h.append("</tr>\n");
      }
      h.append("</tbody></table>\n");
    }
    JsonNode best = results.path("best_valid_metrics");
    if (best.size() > 0) {
      h.append("<p class=\"note\">Best validation metrics (step ").append(text(results, "best_step", "?"))
          .append("): ");
      List<String> parts = new ArrayList<>();
      best.fields().forEachRemaining(e -> parts.add(Html.escape(e.getKey()) + " " + metric(e.getValue())));
      h.append(String.join(", ", parts)).append(".</p>\n");
    }
  }

  private static void trainingSection(StringBuilder h, MetricsLog log) {
    h.append("<h2>Training</h2>\n<div class=\"charts\">\n");
    h.append(SvgChart.render("Training loss", "step", "loss (mean over 50 steps)",
        List.of(new SvgChart.Series("loss", toArray(log.trainSteps()), toArray(log.losses())))));
    h.append(SvgChart.render("Throughput", "step", "targets per second",
        List.of(new SvgChart.Series("targets/s", toArray(log.trainSteps()), toArray(log.throughput())))));
    h.append("</div>\n");
  }

  private static void validationSection(StringBuilder h, MetricsLog log, String validMetric) {
    h.append("<h2>Validation</h2>\n");
    if (log.validSteps().isEmpty()) {
      h.append("<p class=\"note\">No validation logged yet.</p>\n");
      return;
    }
    if (!validMetric.isEmpty()) {
      h.append("<p class=\"note\">The checkpoint with the best <b>").append(Html.escape(validMetric))
          .append("</b> is kept (<code>best.ckpt</code>) and tested.</p>\n");
    }
    // One chart per metric family (HR, NDCG, MRR), one line per cut-off K.
    Map<String, List<String>> families = new LinkedHashMap<>();
    for (String metric : log.validMetrics().keySet()) {
      int at = metric.indexOf('@');
      families.computeIfAbsent(at < 0 ? metric : metric.substring(0, at), f -> new ArrayList<>()).add(metric);
    }
    h.append("<div class=\"charts\">\n");
    double[] steps = toArray(log.validSteps());
    for (Map.Entry<String, List<String>> family : families.entrySet()) {
      List<SvgChart.Series> series = new ArrayList<>();
      for (String metric : family.getValue()) {
        series.add(new SvgChart.Series(metric, steps, toArray(log.validMetrics().get(metric))));
      }
      h.append(SvgChart.render("Validation " + family.getKey(), "step", family.getKey(), series));
    }
    h.append("</div>\n");
  }

  private static void dataSection(StringBuilder h, JsonNode run) {
    h.append("<h2>Data</h2>\n");
    JsonNode data = run == null ? null : run.get("data");
    if (data == null) {
      h.append("<p class=\"note\">No <code>run.json</code> with data statistics.</p>\n");
      return;
    }
    h.append("<table class=\"kv\"><tbody>\n");
    data.fields().forEachRemaining(e -> h.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td>")
        .append(Html.escape(e.getValue().isNumber() ? number(e.getValue()) : e.getValue().asText()))
        .append("</td></tr>\n"));
    h.append("</tbody></table>\n");
  }

  private static void configSection(StringBuilder h, Map<String, String> config) {
    h.append("<h2>Configuration</h2>\n");
    if (config.isEmpty()) {
      h.append("<p class=\"note\">No <code>config.properties</code>.</p>\n");
      return;
    }
    h.append("<table class=\"kv\"><tbody>\n");
    for (Map.Entry<String, String> e : new TreeMap<>(config).entrySet()) {
      h.append("<tr><td>").append(Html.escape(e.getKey())).append("</td><td>").append(Html.escape(e.getValue()))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  private static void provenanceSection(StringBuilder h, JsonNode run, JsonNode results) {
    h.append("<h2>Provenance</h2>\n<table class=\"kv\"><tbody>\n");
    if (run != null) {
      for (String key : List.of("sequent", "commit", "java", "os", "threads", "data_path", "data_fingerprint")) {
        if (run.has(key)) {
          h.append("<tr><td>").append(key).append("</td><td>").append(Html.escape(run.get(key).asText()))
              .append("</td></tr>\n");
        }
      }
      run.path("seeds").fields().forEachRemaining(e -> h.append("<tr><td>seed ").append(Html.escape(e.getKey()))
          .append("</td><td>").append(Html.escape(e.getValue().asText())).append("</td></tr>\n"));
    }
    if (results != null && results.has("peak_heap_mb")) {
      h.append("<tr><td>peak heap</td><td>").append(number(results.get("peak_heap_mb"))).append(" MB</td></tr>\n");
      if (results.has("peak_live_heap_mb")) {
        h.append("<tr><td>peak heap after a GC (what the run needs)</td><td>")
            .append(number(results.get("peak_live_heap_mb"))).append(" MB</td></tr>\n");
      }
    }
    h.append("</tbody></table>\n");
  }

  // ---------------------------------------------------------------------------------------------------------

  private static JsonNode findMetric(JsonNode metrics, String name) {
    String wanted = canonical(name);
    Iterator<Map.Entry<String, JsonNode>> fields = metrics.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      if (canonical(e.getKey()).equals(wanted)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Recall@K and Hit@K are HR@K with one target; case does not matter. */
  private static String canonical(String metric) {
    String m = metric.toUpperCase(Locale.ROOT);
    return m.startsWith("RECALL@") ? "HR@" + m.substring(7) : m.startsWith("HIT@") ? "HR@" + m.substring(4) : m;
  }

  private static String text(JsonNode node, String field, String fallback) {
    return node == null || !node.has(field) ? fallback : node.get(field).asText();
  }

  private static String number(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "–";
    }
    double v = node.asDouble();
    if (node.isIntegralNumber() || (v == Math.rint(v) && Math.abs(v) >= 1)) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4f", v);
  }

  /** A metric value: always four decimals, so columns line up. */
  private static String metric(JsonNode node) {
    return node == null || !node.isNumber() ? "–" : String.format(Locale.ROOT, "%.4f", node.asDouble());
  }

  private static double[] toArray(List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  private static Map<String, String> readProperties(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf(" = ");
      if (!line.startsWith("#") && eq > 0) {
        out.put(line.substring(0, eq).trim(), line.substring(eq + 3).trim());
      }
    }
    return out;
  }

  private static JsonNode readJson(Path file) throws IOException {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** The training and validation lines of metrics.jsonl, by step; a resumed run's repeated steps replace. */
  record MetricsLog(List<Double> trainSteps, List<Double> losses, List<Double> throughput, List<Double> validSteps,
                    Map<String, List<Double>> validMetrics) {

    static MetricsLog read(Path file) throws IOException {
      TreeMap<Long, JsonNode> train = new TreeMap<>();
      TreeMap<Long, JsonNode> valid = new TreeMap<>();
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode node;
          try {
            node = JSON.readTree(line);
          } catch (JsonProcessingException e) {
            continue; // a line cut off by a crash: the rest of the log is still worth drawing
          }
          long step = node.path("step").asLong();
          switch (node.path("type").asText()) {
            case "train" -> train.put(step, node);
            case "valid" -> valid.put(step, node);
            default -> { }
          }
        }
      }
      List<Double> steps = new ArrayList<>();
      List<Double> losses = new ArrayList<>();
      List<Double> throughput = new ArrayList<>();
      train.forEach((step, node) -> {
        steps.add((double) step);
        losses.add(node.path("loss").asDouble(Double.NaN));
        throughput.add(node.path("targets_per_s").asDouble(Double.NaN));
      });
      List<Double> validSteps = new ArrayList<>();
      Map<String, List<Double>> metrics = new LinkedHashMap<>();
      for (Map.Entry<Long, JsonNode> e : valid.entrySet()) {
        e.getValue().fields().forEachRemaining(f -> {
          if (f.getKey().contains("@") && f.getValue().isNumber()) {
            metrics.computeIfAbsent(f.getKey(), k -> new ArrayList<>());
          }
        });
      }
      for (Map.Entry<Long, JsonNode> e : valid.entrySet()) {
        validSteps.add((double) e.getKey());
        metrics.forEach((k, list) -> list.add(e.getValue().path(k).asDouble(Double.NaN)));
      }
      return new MetricsLog(steps, losses, throughput, validSteps, metrics);
    }
  }

  private static final String CSS = """
      body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
             max-width: 1180px; margin: 24px auto; padding: 0 16px; background: #fff; }
      h1 { font-size: 24px; margin: 0 0 4px; }
      h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
      h3 { font-size: 14px; margin: 14px 0 6px; font-weight: 600; }
      code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
      .sub { color: #555; margin: 0 0 16px; }
      .note { color: #555; }
      .cards { display: flex; flex-wrap: wrap; gap: 10px; }
      .card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 150px; background: #fafafa; }
      .card .label { color: #666; font-size: 12px; }
      .card .value { font-size: 16px; font-weight: 600; }
      .charts { display: flex; flex-wrap: wrap; gap: 12px; }
      svg.chart { border: 1px solid #e3e3e3; border-radius: 6px; background: #fff; max-width: 100%; height: auto; }
      svg.chart .title { font-size: 13px; font-weight: 600; fill: #222; }
      svg.chart .plot { fill: #fcfcfc; stroke: #ccc; }
      svg.chart .grid line { stroke: #eee; }
      svg.chart .tick, svg.chart .axis, svg.chart .legend text { font-size: 11px; fill: #555; }
      svg.chart .empty { font-size: 13px; fill: #999; }
      table { border-collapse: collapse; margin: 4px 0 8px; }
      th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
      table.metrics td:not(:first-child), table.metrics th:not(:first-child) { text-align: right;
             font-variant-numeric: tabular-nums; }
      tr.selected td { background: #fff6d6; font-weight: 600; }
      table.kv td:first-child { color: #555; white-space: nowrap; }
      table.kv td { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
      footer { margin: 32px 0 8px; color: #888; font-size: 12px; }
      """;
}
