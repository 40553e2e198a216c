package dev.sequent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sequent.cli.ConfigFiles;
import dev.sequent.core.data.AtomicFiles;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.run.Versions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reproduction record: for every preset with a published target, what its run reached on the test
 * split, next to the paper and the bound (97% of the paper), with the provenance the
 * run folder holds (commit, JDK, threads, seeds, steps, training time, peak heap). A run still in progress
 * is listed with its best validation so far and, when {@code runs/<preset>/interim-test.json} exists (the JSON of
 * {@code sequent evaluate RUN --split test --json}), that interim test of its best checkpoint.
 *
 * <p>Run folders live in {@code runs/}, which is not committed (checkpoints are large and derived from
 * licensed data) and does not outlive the machine. So the table first copies each run's text files
 * ({@link #ARCHIVED}) into {@code bench/results/runs/<preset>/}, which is committed, and is then written from
 * that archive: a run keeps its record after its folder is gone. {@code bench/results/runs/NOTES.md}, written
 * by hand, is appended (runs whose folders were lost before they were archived).
 *
 * <p>Run from the repository root after training with {@code ./sequent train configs/<preset>.yaml}:
 * <pre>
 *   mvn -q -pl bench -am compile org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath \
 *       -Dmdep.outputFile=target/cp.txt
 *   java -cp "bench/target/classes:$(cat bench/target/cp.txt)" dev.sequent.bench.ReproductionTable [runs]
 * </pre>
 * Writes bench/results/reproductions.md.
 */
public final class ReproductionTable {
  private static final double BOUND = 0.97;
  private static final Path ARCHIVE = Path.of("bench/results/runs");
  /** The run-folder files that are copied to the archive (everything but checkpoints and the report). */
  private static final List<String> ARCHIVED = List.of("config.yaml", "config.properties", "run.json",
      "sessions.jsonl", "metrics.jsonl", "results.json", "interim-test.json");

  /**
   * A preset and the published numbers it must reach (metric name as Sequent writes it → paper value), or,
   * where nothing comparable is published, the preset whose archived test HR@10 it must reach ({@code
   * hrOf}, else null).
   */
  private record Target(String preset, String issue, String source, Map<String, Double> paper, String hrOf) {}

  private static final List<Target> TARGETS = List.of(
      lruProtocol("lrurec-ml1m", "4", 0.19298, 0.32636),
      lruProtocol("lrurec-beauty", "4", 0.03088, 0.05284),
      lruProtocol("sasrec-ml1m", "4", 0.19021, 0.31810),
      lruProtocol("sasrec-beauty", "4", 0.02917, 0.05043),
      lruProtocol("gru4rec-ml1m", "6", 0.16929, 0.29624),
      lruProtocol("gru4rec-beauty", "6", 0.01997, 0.03379),
      lruProtocol("bert4rec-ml1m", "6", 0.16377, 0.30894),
      lruProtocol("bert4rec-beauty", "6", 0.02422, 0.04679),
      recBole("recgrela-ml1m-faithful", 0.1959, 0.3311),
      recBole("recgrela-ml1m-causal", 0.1959, 0.3311),
      recBole("linrec-ml1m-faithful", 0.1837, 0.3109),
      recBole("linrec-ml1m-causal", 0.1837, 0.3109),
      recBole("lrurec-ml1m-recbole", 0.1734, 0.3026),
      atLeastLinRec("glintru-ml1m-faithful", "linrec-ml1m-faithful"),
      atLeastLinRec("glintru-ml1m-causal", "linrec-ml1m-causal"),
      new Target("sasrec-ml1m-recbole", "5", "no published number under this protocol", Map.of(), null));

  /** LRURec paper Table 3: full ranking, input-window items excluded; Recall@10 is HR@10 in leave-one-out. */
  private static Target lruProtocol(String preset, String issue, double ndcg10, double recall10) {
    return new Target(preset, issue, "LRURec paper Table 3", Map.of("NDCG@10", ndcg10, "HR@10", recall10), null);
  }

  /** RecGRELA paper v2 Table 2: RecBole full ranking, no exclusion. */
  private static Target recBole(String preset, double ndcg10, double hr10) {
    return new Target(preset, "5", "RecGRELA paper v2 Table 2", Map.of("NDCG@10", ndcg10, "HR@10", hr10), null);
  }

  /** GLINT-RU publishes no full-ranking numbers; issue 5 asks for at least LinRec's HR@10 in our own run. */
  private static Target atLeastLinRec(String preset, String linRecPreset) {
    return new Target(preset, "5", "no full-ranking number published; target: HR@10 of " + linRecPreset, Map.of(),
        linRecPreset);
  }

  private ReproductionTable() {}

  public static void main(String[] args) throws IOException {
    Path live = Path.of(args.length > 0 ? args[0] : "runs");
    for (Target target : TARGETS) {
      archive(live.resolve(target.preset()), ARCHIVE.resolve(target.preset()));
    }
    Path runs = ARCHIVE;
    ObjectMapper json = new ObjectMapper();
    StringBuilder summary = new StringBuilder();
    StringBuilder details = new StringBuilder();
    summary.append("| preset | issue | state | test NDCG@10 | test HR@10 (= Recall@10) | bound NDCG@10 / HR@10 | met |\n");
    summary.append("|---|---|---|---|---|---|---|\n");
    for (Target target : TARGETS) {
      Path dir = runs.resolve(target.preset());
      Path results = dir.resolve("results.json");
      Path metrics = dir.resolve("metrics.jsonl");
      Double reference = referenceHr(json, target);
      List<String> sessions = sessionLines(dir);
      String bounds = bounds(target, reference);
      if (Files.isRegularFile(results)) {
        JsonNode r = json.readTree(results.toFile());
        JsonNode run = json.readTree(dir.resolve("run.json").toFile());
        JsonNode test = r.path("test").path(0).path("metrics");
        summary.append(String.format(Locale.ROOT, "| %s | %s | finished (%s, %d steps) | %s | %s | %s | %s |%n",
            target.preset(), target.issue(), r.path("stop_reason").asText(), r.path("steps").asLong(),
            fmt(test.path("NDCG@10").asDouble()), fmt(test.path("HR@10").asDouble()), bounds,
            verdict(target, test, reference)));
        details.append(finished(target, r, run, command(json, target, dir, sessions))).append(sessions(sessions));
      } else if (Files.isRegularFile(metrics)) {
        List<JsonNode> validations = validations(json, metrics);
        JsonNode best = validations.stream().filter(v -> v.path("best").asBoolean()).reduce((a, b) -> b).orElse(null);
        Path interimFile = dir.resolve("interim-test.json");
        JsonNode interim = Files.isRegularFile(interimFile) ? json.readTree(interimFile.toFile()) : null;
        if (interim == null) {
          summary.append(String.format(Locale.ROOT, "| %s | %s | in progress | | | %s | |%n", target.preset(),
              target.issue(), bounds));
        } else {
          JsonNode test = interim.path("metrics").path(0).path("metrics");
          summary.append(String.format(Locale.ROOT, "| %s | %s | in progress; interim test at step %d | %s | %s | %s | "
                  + "%s (interim) |%n", target.preset(), target.issue(), interim.path("step").asLong(),
              fmt(test.path("NDCG@10").asDouble()), fmt(test.path("HR@10").asDouble()), bounds,
              verdict(target, test, reference)));
        }
        details.append("## ").append(target.preset()).append(" (in progress)\n\n- Command of the last session: `")
            .append(command(json, target, dir, sessions)).append("`\n\n");
        if (interim != null) {
          details.append("Interim test of best.ckpt (step ").append(interim.path("step").asLong())
              .append(") while training continues: `./sequent evaluate runs/").append(target.preset())
              .append(" --split test --json --no-popularity > runs/").append(target.preset())
              .append("/interim-test.json`. Not the final result: the run has not met its stopping rule.\n\n")
              .append(metricsTable(interim.path("metrics").path(0).path("metrics")));
        }
        if (best != null) {
          details.append(sessions(sessions)).append(String.format(Locale.ROOT,
              "Best validation so far: step %d, NDCG@10 %s, HR@10 %s; last validated at step %d after %.1f h of "
                  + "training.%n%n",
              best.path("step").asLong(), fmt(best.path("NDCG@10").asDouble()), fmt(best.path("HR@10").asDouble()),
              validations.get(validations.size() - 1).path("step").asLong(),
              validations.get(validations.size() - 1).path("elapsed_s").asDouble() / 3600));
        }
      } else {
        summary.append(String.format(Locale.ROOT, "| %s | %s | no run archived | | | %s | |%n", target.preset(),
            target.issue(), bounds));
      }
    }
    Path notes = ARCHIVE.resolve("NOTES.md");
    if (Files.isRegularFile(notes)) {
      details.append(Files.readString(notes));
    }
    String text = "# Reproduction runs\n\n"
        + "Written by dev.sequent.bench.ReproductionTable from the run folders' text files, archived in\n"
        + "`bench/results/runs/<preset>/` (`results.json`, `run.json`, `metrics.jsonl`, ...); each run is\n"
        + "`./sequent train configs/<preset>.yaml` with the settings its section lists (resumed with\n"
        + "`--resume` after interruptions). Bounds are 97% of the paper. Test split; the protocol is each\n"
        + "preset's `eval.test_protocols`.\n\n"
        + "- Written: " + java.time.LocalDate.now() + ", repository at commit " + Results.gitCommit() + "\n"
        + "- Machine writing this file (runs before 2026-12-07 record no CPU; see NOTES.md): "
        + Versions.cpu() + ", " + Runtime.getRuntime().availableProcessors() + " processors\n\n"
        + summary + "\n" + details;
    Results.write(Path.of("bench/results/reproductions.md"), text);
  }

  /** Copies a live run folder's text files into the archive (nothing when the folder is gone). */
  private static void archive(Path run, Path archived) throws IOException {
    if (!Files.isDirectory(run)) {
      return;
    }
    Files.createDirectories(archived);
    for (String name : ARCHIVED) {
      if (Files.isRegularFile(run.resolve(name))) {
        AtomicFiles.writeString(archived.resolve(name), Files.readString(run.resolve(name)));
      }
    }
  }

  /**
   * The train command of the run's last session: {@code --resume} if it was one, and the settings in which it
   * differed from the preset as it is now (e.g. a time box added on --resume, or a preset edited since).
   */
  private static String command(ObjectMapper json, Target target, Path dir, List<String> sessions)
      throws IOException {
    StringBuilder s = new StringBuilder("./sequent train configs/").append(target.preset()).append(".yaml");
    if (!sessions.isEmpty() && json.readTree(sessions.get(sessions.size() - 1)).path("resume").asBoolean()) {
      s.append(" --resume");
    }
    Path preset = Path.of("configs", target.preset() + ".yaml");
    Path used = dir.resolve("config.properties");
    if (!Files.isRegularFile(preset) || !Files.isRegularFile(used)) {
      return s.toString();
    }
    Map<String, String> expected = new Experiment(ConfigFiles.read(preset)).config();
    Experiment.readConfig(used).forEach((key, value) -> {
      if (!value.equals(expected.get(key))) {
        s.append(" --set ").append(key).append('=').append(value);
      }
    });
    return s.toString();
  }

  private static String finished(Target target, JsonNode r, JsonNode run, String command) {
    StringBuilder s = new StringBuilder("## ").append(target.preset()).append("\n\n");
    s.append("- Command of the last session: `").append(command).append("`\n");
    s.append("- Commit at the end: ").append(r.path("commit").asText()).append("; JDK ")
        .append(run.path("java").asText()).append(", ").append(run.path("threads").asInt()).append(" thread(s)")
        .append(run.has("cpu") ? ", " + run.path("cpu").asText() : "").append("\n");
    s.append("- Seeds: ").append(r.path("seeds").toString()).append("\n");
    s.append(String.format(Locale.ROOT, "- Steps: %d (%d epochs), best validation at step %d (%s %s)%s%n",
        r.path("steps").asLong(), r.path("epochs").asLong(), r.path("best_step").asLong(),
        r.path("valid_metric").asText(), fmt(r.path("best_valid").asDouble()),
        ", ended by " + r.path("stop_reason").asText()));
    s.append(String.format(Locale.ROOT, "- Training time: %.1f h; peak heap (sum of pool peaks): %d MB%s%n",
        r.path("train_seconds").asDouble() / 3600, r.path("peak_heap_mb").asLong(), r.has("peak_live_heap_mb")
            ? String.format(Locale.ROOT, "; peak heap after a GC (last session): %d MB",
            r.path("peak_live_heap_mb").asLong()) : ""));
    s.append("- Paper (").append(target.source()).append("): ").append(paperText(target)).append("\n\n");
    for (JsonNode protocol : r.path("test")) {
      s.append("Test, ").append(protocol.path("protocol").asText()).append(", ")
          .append(protocol.path("users_evaluated").asLong()).append(" users:\n\n");
      s.append(metricsTable(protocol.path("metrics")));
    }
    for (JsonNode protocol : r.path("popularity")) {
      s.append("Popularity baseline, ").append(protocol.path("protocol").asText()).append(":\n\n");
      s.append(metricsTable(protocol.path("metrics")));
    }
    return s.toString();
  }

  /** The lines of the run's sessions.jsonl, none when the run predates it. */
  private static List<String> sessionLines(Path dir) throws IOException {
    Path file = dir.resolve("sessions.jsonl");
    return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
  }

  /** The processes that trained the run (first start and each --resume), from sessions.jsonl. */
  private static String sessions(List<String> lines) {
    if (lines.isEmpty()) {
      return "";
    }
    StringBuilder s = new StringBuilder("Sessions (sessions.jsonl):\n\n");
    for (String line : lines) {
      s.append("- `").append(line.trim()).append("`\n");
    }
    return s.append("\n").toString();
  }

  private static String metricsTable(JsonNode metrics) {
    List<String> names = new ArrayList<>();
    metrics.fieldNames().forEachRemaining(names::add);
    StringBuilder s = new StringBuilder("| " + String.join(" | ", names) + " |\n|");
    s.append("---|".repeat(names.size())).append("\n|");
    for (String name : names) {
      s.append(" ").append(fmt(metrics.path(name).asDouble())).append(" |");
    }
    return s.append("\n\n").toString();
  }

  private static String paperText(Target target) {
    return target.paper().isEmpty() ? "–"
        : "NDCG@10 " + fmt(target.paper().get("NDCG@10")) + ", HR@10 " + fmt(target.paper().get("HR@10"));
  }

  /** The bounds cell: 97% of the paper's NDCG@10 / HR@10, or the reference preset's HR@10. */
  private static String bounds(Target target, Double reference) {
    if (target.hrOf() != null) {
      return "HR@10 ≥ " + target.hrOf() + "'s " + (reference == null ? "(not run)" : fmt(reference));
    }
    return target.paper().isEmpty() ? "–"
        : fmt(BOUND * target.paper().get("NDCG@10")) + " / " + fmt(BOUND * target.paper().get("HR@10"));
  }

  /** The archived test HR@10 of the preset a target is measured against, or null (none, or not run). */
  private static Double referenceHr(ObjectMapper json, Target target) throws IOException {
    Path results = target.hrOf() == null ? null : ARCHIVE.resolve(target.hrOf()).resolve("results.json");
    return results == null || !Files.isRegularFile(results) ? null
        : json.readTree(results.toFile()).path("test").path(0).path("metrics").path("HR@10").asDouble();
  }

  /** "yes", or what missed and by how much relative to the bound. */
  private static String verdict(Target target, JsonNode test, Double reference) {
    if (target.hrOf() != null) {
      double got = test.path("HR@10").asDouble();
      return reference == null ? "–" : got >= reference ? "yes" : String.format(Locale.ROOT, "no: HR@10 %.1f%% below",
          100 * (reference - got) / reference);
    }
    if (target.paper().isEmpty()) {
      return "–";
    }
    List<String> misses = new ArrayList<>();
    // In the bounds column's order: Map.of iterates in an order that changes from one JVM to the next.
    for (String metric : List.of("NDCG@10", "HR@10")) {
      double bound = BOUND * target.paper().get(metric);
      double got = test.path(metric).asDouble();
      if (got < bound) {
        misses.add(String.format(Locale.ROOT, "%s %.1f%% below", metric, 100 * (bound - got) / bound));
      }
    }
    return misses.isEmpty() ? "yes" : "no: " + String.join(", ", misses);
  }

  private static List<JsonNode> validations(ObjectMapper json, Path metrics) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(metrics)) {
      JsonNode node = json.readTree(line);
      if ("valid".equals(node.path("type").asText())) {
        out.add(node);
      }
    }
    return out;
  }

  private static String fmt(double x) {
    return String.format(Locale.ROOT, "%.4f", x);
  }
}
