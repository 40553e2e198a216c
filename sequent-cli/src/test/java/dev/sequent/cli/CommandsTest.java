package dev.sequent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The happy path of every command on a tiny generated dataset. */
class CommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void trainWritesACompleteRunFolder() throws IOException {
    Path run = TinyData.trainedRun();
    for (String file : RunFolder.FILES) {
      assertTrue(Files.isRegularFile(run.resolve(file)), "run folder lacks " + file);
    }
    JsonNode results = JSON.readTree(run.resolve("results.json").toFile());
    assertEquals(100, results.get("steps").asInt());
    assertEquals("full-exclude-input-window", results.at("/test/0/protocol").asText());
    assertTrue(results.at("/test/0/metrics/HR@10").isNumber());
    assertTrue(results.at("/popularity/0/metrics/HR@10").isNumber(), "popularity baseline in results.json");
    assertEquals("42", results.at("/seeds/train.seed").asText());
    JsonNode provenance = JSON.readTree(run.resolve("run.json").toFile());
    assertEquals(64, provenance.get("data_fingerprint").asText().length(), "SHA-256 fingerprint");
    assertEquals(TinyData.USERS, provenance.at("/data/users").asInt());
    assertFalse(provenance.get("commit").asText().isEmpty());
    assertFalse(provenance.get("cpu").asText().isEmpty(), "run.json names the CPU");
    String config = Files.readString(run.resolve("config.properties"));
    assertTrue(config.contains("train.max_steps = 100"), config);
    // The resolved YAML is a config the train command accepts as is.
    Cli.Result again = Cli.run("data", run.resolve("config.yaml").toString(), "--json", "--quiet");
    assertEquals(0, again.code(), again.toString());
    long validLines = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .filter(l -> l.contains("\"type\":\"valid\"")).count();
    assertEquals(3, validLines, "validation at the start and every 50 steps");
  }

  @Test
  void trainPrintsTestMetricsBesideThePopularityBaseline(@TempDir Path tmp) {
    Cli.Result r = Cli.run("train", TinyData.config().toString(), "--run-dir", tmp.resolve("run").toString(),
        "--set", "train.max_steps=3", "--quiet");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("popularity"), r.out());
    assertTrue(r.out().contains("HR@10"), r.out());
    assertTrue(r.out().contains("report: "), r.out());
    assertEquals("", r.err(), "--quiet prints no progress");
  }

  @Test
  void trainResumesAndRefusesToMixRuns(@TempDir Path tmp) throws IOException {
    String dir = tmp.resolve("run").toString();
    String config = TinyData.config().toString();
    assertEquals(0, Cli.run("train", config, "--run-dir", dir, "--set", "train.max_steps=3", "--set",
        "train.learning_rate=0.002", "-q").code());
    Cli.Result again = Cli.run("train", config, "--run-dir", dir, "-q");
    assertEquals(1, again.code());
    assertTrue(again.err().contains("already holds a run"), again.err());
    // A run made before a setting existed: the resumed session names it as new.
    Path properties = tmp.resolve("run/config.properties");
    Files.write(properties, Files.readAllLines(properties).stream().filter(l -> !l.startsWith("train.max_hours"))
        .toList());
    Cli.Result resumed = Cli.run("train", config, "--run-dir", dir, "--resume", "-q", "--set", "train.max_steps=6");
    assertEquals(0, resumed.code(), resumed.toString());
    assertTrue(resumed.err().contains("train.max_steps: 3 -> 6"), resumed.err());
    assertTrue(resumed.err().contains("train.max_hours: (unset) -> 0.0"), resumed.err());
    JsonNode results = JSON.readTree(tmp.resolve("run/results.json").toFile());
    assertEquals(6, results.get("steps").asInt());
    assertEquals("max steps", results.get("stop_reason").asText());
    assertTrue(results.get("peak_heap_mb").asDouble() >= results.get("peak_live_heap_mb").asDouble(), "pool peaks "
        + "bound the heap after a GC");
    List<String> sessions = Files.readAllLines(tmp.resolve("run/sessions.jsonl"));
    assertEquals(2, sessions.size(), sessions.toString());
    assertFalse(JSON.readTree(sessions.get(0)).get("resume").asBoolean());
    assertTrue(JSON.readTree(sessions.get(1)).get("resume").asBoolean());
    JsonNode changed = JSON.readTree(sessions.get(1)).get("changed");
    List<String> changedKeys = new ArrayList<>();
    changed.fieldNames().forEachRemaining(changedKeys::add);
    assertEquals(List.of("train.max_hours", "train.max_steps"), changedKeys,
        "the resume records what it changed, and only that");
    assertEquals("6", changed.get("train.max_steps").asText());
    assertTrue(Files.readAllLines(properties).contains("train.learning_rate = 0.002"),
        "a resume keeps the run's own settings (here an earlier --set) unless told otherwise");
    assertFalse(JSON.readTree(sessions.get(0)).has("changed"));
    assertEquals(0, Cli.run("train", config, "--run-dir", dir, "--overwrite", "-q", "--set",
        "train.max_steps=2").code());
    assertEquals(2, JSON.readTree(tmp.resolve("run/results.json").toFile()).get("steps").asInt());
  }

  @Test
  void trainShowsProgressUnlessQuiet(@TempDir Path tmp) {
    Cli.Result r = Cli.run("train", TinyData.config().toString(), "--run-dir", tmp.resolve("run").toString(),
        "--set", "train.max_steps=3", "--set", "train.eval_every_steps=3");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.err().contains("step 3: Recall@10"), r.err());
  }

  @Test
  void evaluatePrintsMetricsForEachProtocolAndSplit() throws IOException {
    Path run = TinyData.trainedRun();
    Cli.Result text = Cli.run("evaluate", run.toString(), "--protocol", "full,sampled-uniform10", "-q");
    assertEquals(0, text.code(), text.toString());
    assertTrue(text.out().contains("[full]"), text.out());
    assertTrue(text.out().contains("sampled-uniform10"), text.out());
    assertTrue(text.out().contains("popularity"), text.out());

    Cli.Result json = Cli.run("evaluate", run.resolve("best.ckpt").toString(), "--split", "validation", "--json",
        "-q", "--no-popularity");
    assertEquals(0, json.code(), json.toString());
    JsonNode node = JSON.readTree(json.out());
    assertEquals("validation", node.get("split").asText());
    assertEquals("validation", node.at("/metrics/0/stage").asText());
    assertEquals(0, node.get("popularity").size());
    // The same numbers as the run's own test evaluation.
    Cli.Result test = Cli.run("evaluate", run.toString(), "--json", "-q");
    JsonNode results = JSON.readTree(run.resolve("results.json").toFile());
    assertEquals(results.at("/test/0/metrics"), JSON.readTree(test.out()).at("/metrics/0/metrics"));
  }

  @Test
  void recommendForAUserShowsTitles() {
    Cli.Result r = Cli.run("recommend", TinyData.trainedRun().toString(), "--user", "3", "-k", "5");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("user 3:"), r.out());
    assertTrue(r.out().contains("top-5 (items of the history excluded)"), r.out());
    assertTrue(r.out().contains("Movie 1"), "titles from movies.csv: " + r.out());
  }

  @Test
  void recommendForAHistoryAsJson() throws IOException {
    Cli.Result r = Cli.run("recommend", TinyData.trainedRun().toString(), "--history", "101,102,103,999",
        "--json", "-k", "4");
    assertEquals(0, r.code(), r.toString());
    JsonNode node = JSON.readTree(r.out());
    assertEquals(4, node.get("recommendations").size());
    assertEquals(1, node.at("/recommendations/0/rank").asInt());
    assertTrue(node.at("/recommendations/0/title").asText().startsWith("Movie "), r.out());
    assertEquals(List.of("999"), List.of(node.at("/unknown_items/0").asText()));
    for (JsonNode rec : node.get("recommendations")) {
      assertFalse(List.of("101", "102", "103").contains(rec.get("item").asText()), "seen items are excluded");
    }
    assertTrue(r.err().contains("999"), "unknown items are reported: " + r.err());
  }

  @Test
  void dataPrintsStatisticsAndBuildsTheCache(@TempDir Path tmp) throws IOException {
    Cli.Result text = Cli.run("data", TinyData.config().toString());
    assertEquals(0, text.code(), text.toString());
    assertTrue(text.out().contains("users 40"), text.out());
    assertTrue(text.out().contains("sequence length: mean"), text.out());
    assertTrue(text.out().contains("split (leave-one-out)"), text.out());

    Cli.Result json = Cli.run("data", TinyData.config().toString(), "--json", "--cache", "--set",
        "data.cache_dir=" + tmp.resolve("cache"));
    assertEquals(0, json.code(), json.toString());
    assertEquals(TinyData.USERS, JSON.readTree(json.out()).get("users").asInt());
    try (var files = Files.list(tmp.resolve("cache"))) {
      assertEquals(1, files.filter(f -> f.toString().endsWith(".bin")).count());
    }
    assertTrue(json.err().contains("rebuilt and cached"), json.err());
    Cli.Result cached = Cli.run("data", TinyData.config().toString(), "--cache", "--set",
        "data.cache_dir=" + tmp.resolve("cache"));
    assertTrue(cached.out().contains("matches the fingerprint"), cached.out());
  }

  @Test
  void benchTimesTrainingAndInference() throws IOException {
    Cli.Result r = Cli.run("bench", TinyData.config().toString(), "--steps", "2", "--warmup", "1", "--requests",
        "3", "-q");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("training step:"), r.out());
    assertTrue(r.out().contains("full re-encode + top-10:"), r.out());
    assertTrue(r.out().contains("incremental event + top-10:"), r.out());
    Cli.Result json = Cli.run("bench", TinyData.config().toString(), "--steps", "1", "--warmup", "0",
        "--requests", "2", "--json", "-q", "--set", "model.name=sasrec", "--set", "model.heads=1");
    assertEquals(0, json.code(), json.toString());
    JsonNode node = JSON.readTree(json.out());
    double msPerStep = node.get("train_ms_per_step").asDouble();
    assertTrue(msPerStep > 0);
    long stepsPerEpoch = node.get("steps_per_epoch").asLong();
    assertTrue(stepsPerEpoch >= 1);
    assertEquals(stepsPerEpoch * msPerStep / 1000, node.get("train_s_per_epoch").asDouble(), 0.002);
    assertFalse(node.has("incremental_us_per_event"), "SASRec has no incremental state");
  }

  @Test
  void reportIsRegenerated() throws IOException {
    Path run = TinyData.trainedRun();
    Files.delete(run.resolve("report.html"));
    Cli.Result r = Cli.run("report", run.toString());
    assertEquals(0, r.code(), r.toString());
    String html = Files.readString(run.resolve("report.html"));
    assertTrue(html.contains("<polyline class=\"series\""), "charts");
    assertTrue(html.contains("Validation NDCG"));
    assertFalse(html.contains("<script"), "no script");
    assertFalse(html.matches("(?s).*(src|href)=\"https?:.*"), "nothing fetched from the network");
  }

  @Test
  void demoRunsOnAGivenConfig(@TempDir Path tmp) {
    Cli.Result r = Cli.run("demo", TinyData.config().toString(), "--run-dir", tmp.resolve("demo").toString(),
        "--user", "5", "-q", "--set", "train.max_steps=6");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("popularity baseline"), r.out());
    assertTrue(r.out().contains("top-10 for user 5"), r.out());
    assertTrue(r.out().contains("Movie 1"), r.out());
    assertTrue(Files.isRegularFile(tmp.resolve("demo/report.html")));
    // The demo may be run again: it starts its run folder afresh.
    assertEquals(0, Cli.run("demo", TinyData.config().toString(), "--run-dir", tmp.resolve("demo").toString(),
        "-q", "--set", "train.max_steps=1").code());
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : List.of("train", "evaluate", "recommend", "data", "bench", "demo", "report")) {
      Cli.Result r = Cli.run(command, "--help");
      assertEquals(0, r.code(), command);
      assertTrue(r.out().contains("Usage: sequent " + command), r.out());
    }
    Cli.Result top = Cli.run("--help");
    assertEquals(0, top.code());
    for (String command : List.of("train", "evaluate", "recommend", "data", "bench", "demo", "report")) {
      assertTrue(top.out().contains(command), top.out());
    }
    assertEquals(0, Cli.run("--version").code());
  }
}
