package dev.sequent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sequent.cli.Main;
import dev.sequent.tensor.Parallel;
import dev.sequent.tensor.kernel.Kernels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Training speed of every preset in {@code configs/} on its own data, model and batch: each row is
 * {@code sequent bench configs/<preset>.yaml --json}. Gives the seconds per epoch the issues ask for, for
 * every model and variant, and what a reproduction run costs on this machine (hours per 10,000 steps).
 *
 * <p>Run from the repository root, with ../shared beside it:
 * <pre>
 * mvn -q -pl bench -am package -DskipTests \
 *   org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath -Dmdep.outputFile=target/cp.txt
 * java --add-modules jdk.incubator.vector -cp "bench/target/classes:$(cat bench/target/cp.txt)" \
 *   dev.sequent.bench.PresetSpeedBench [preset ...]
 * </pre>
 * Writes bench/results/preset-speed.md. Named presets re-measure only their rows; the file's other rows stay,
 * each with the commit, JDK and date it was measured at (last column).
 */
public final class PresetSpeedBench {
  private static final String STEPS = "6";
  private static final String WARMUP = "2";
  private static final Path FILE = Path.of("bench/results/preset-speed.md");

  public static void main(String[] args) throws IOException {
    List<String> presets = new ArrayList<>(List.of(args));
    if (presets.isEmpty()) {
      try (Stream<Path> files = Files.list(Path.of("configs"))) {
        files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml") && !f.equals("demo.yaml"))
            .map(f -> f.substring(0, f.length() - ".yaml".length())).sorted().forEach(presets::add);
      }
    }
    ObjectMapper json = new ObjectMapper();
    Map<String, String> rows = new TreeMap<>();
    if (args.length > 0 && Files.exists(FILE)) {
      rows.putAll(earlierRows(Files.readAllLines(FILE)));
    }
    String measured =
        measured(Results.gitCommit(), String.valueOf(Runtime.version().feature()), LocalDate.now().toString());
    for (String preset : presets) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), "bench", "configs/" + preset + ".yaml", "--steps",
          STEPS, "--warmup", WARMUP, "--requests", "20", "--json", "--quiet");
      if (code != 0) {
        throw new IllegalStateException(preset + ": sequent bench failed:\n" + err.toString(StandardCharsets.UTF_8));
      }
      JsonNode r = json.readTree(out.toString(StandardCharsets.UTF_8));
      double ms = r.get("train_ms_per_step").asDouble();
      JsonNode incremental = r.get("incremental_us_per_event");
      String row = String.format(Locale.ROOT,
          "| %s | %s | %d / %d | %.0f | %.0f | %d | %.1f | %.2f | %.0f | %.1f | %s | %s |", preset, r.get("model").asText(),
          r.get("batch_size").asInt(), r.get("max_length").asInt(), ms,
          r.get("train_targets_per_s").asDouble(), r.get("steps_per_epoch").asLong(),
          r.get("train_s_per_epoch").asDouble(), ms * 10_000 / 3.6e6, r.get("step_buffers_mb").asDouble(),
          r.get("full_ms_per_request").asDouble(),
          incremental == null ? "–" : String.format(Locale.ROOT, "%.0f", incremental.asDouble()), measured);
      System.out.println(row);
      rows.put(preset, row);
    }
    StringBuilder md = new StringBuilder("# Training and inference speed of every preset\n\n");
    md.append(Results.header("PresetSpeedBench", String.join(" ", args), Kernels.get().name(), Parallel.threads()));
    md.append("- Load average before the run (1/5/15 min): ").append(Results.loadAverage()).append("\n");
    md.append("\nEach row is `sequent bench configs/<preset>.yaml --steps ").append(STEPS).append(" --warmup ")
        .append(WARMUP).append(" --requests 20 --json`: the preset's data, model, batch and loss, fresh weights. "
            + "ms / step is the mean of the timed steps; targets = positions the loss is taken over (BERT4Rec: "
            + "the masked ones). An epoch is one pass over the training samples (sequence-to-sequence windows "
            + "or prefix samples). h / 10k steps is what 10,000 steps of training cost here, validations not "
            + "included. Step buffers: the memory of one training step's intermediate tensors and gradients "
            + "(the arena's arrays, kept for the next step), the bulk of what training needs beyond the data and "
            + "the weights. Inference: a full re-encode of the longest user's last L items + top-10, and for "
            + "incremental models one event + top-10. Measured: the commit, JDK and date of the row's run; rows of "
            + "earlier runs were measured under their own load.\n\n");
    md.append("| preset | model | batch / L | ms / step | targets / s | steps / epoch | s / epoch | h / 10k steps "
        + "| step buffers (MB) | re-encode + top-10 (ms) | incremental event + top-10 (µs) | measured |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    rows.values().forEach(r -> md.append(r).append('\n'));
    Results.write(FILE, md.toString());
  }

  /** The table rows of an earlier file by preset; rows from before the measured column get the file's commit. */
  static Map<String, String> earlierRows(List<String> lines) {
    String commit = "";
    String jdk = "";
    String date = "";
    Map<String, String> rows = new TreeMap<>();
    for (String line : lines) {
      if (line.startsWith("- Commit: ")) {
        commit = line.substring("- Commit: ".length()).trim();
      } else if (line.startsWith("- JDK: ")) {
        jdk = line.replaceFirst(".* (\\d+)[.+][^ ]*$", "$1");
      } else if (line.startsWith("- Date: ")) {
        date = line.substring("- Date: ".length()).trim();
      } else if (line.startsWith("| ") && !line.startsWith("| preset ")) {
        String[] cells = line.split("\\|", -1);
        String preset = cells[1].trim();
        rows.put(preset, cells.length == 13 ? line + " " + measured(commit, jdk, date) + " |" : line);
      }
    }
    return rows;
  }

  /** The last column: where a row was measured. */
  private static String measured(String commit, String jdk, String date) {
    return commit + ", JDK " + jdk + ", " + date;
  }
}
