package dev.sequent.cli;

import dev.sequent.cli.report.HtmlReport;
import dev.sequent.core.data.AtomicFiles;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.run.Versions;
import dev.sequent.core.train.TrainProgress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A run folder ({@code runs/<name>/}): what a training run writes, how a new run claims the folder, and how
 * commands find a checkpoint in it.
 */
final class RunFolder {
  /** Every file a run writes; {@code --overwrite} deletes exactly these, nothing else the user put there. */
  static final List<String> FILES = List.of("config.properties", "config.yaml", "run.json", "sessions.jsonl",
      "metrics.jsonl", "latest.ckpt", "best.ckpt", "results.json", "report.html");

  private RunFolder() {}

  /**
   * Makes sure a run can start in {@code dir}: a folder holding an earlier run is only reused with
   * {@code resume} (continue it) or {@code overwrite} (delete its files first).
   */
  static void prepare(Path dir, boolean resume, boolean overwrite) throws IOException {
    boolean hasRun = Files.exists(dir.resolve("latest.ckpt")) || Files.exists(dir.resolve("metrics.jsonl"));
    if (resume) {
      if (!Files.exists(dir.resolve("latest.ckpt"))) {
        throw new UserException("--resume: " + dir + " has no latest.ckpt to continue from");
      }
      return;
    }
    if (hasRun && !overwrite) {
      throw new UserException("run folder " + dir + " already holds a run; use --resume to continue it, "
          + "--overwrite to start it again, or --run-dir for another folder");
    }
    for (String name : FILES) {
      Files.deleteIfExists(dir.resolve(name));
    }
  }

  /**
   * Trains and tests in {@code dir}, then writes the resolved config as YAML ({@code config.yaml}, which
   * {@code sequent train} accepts) and the HTML report.
   */
  static Experiment.Outcome train(Experiment experiment, Path dir, boolean resume, TrainProgress progress,
                                  PrintStream out, String source) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeString(dir.resolve("config.yaml"), ConfigFiles.toYaml(experiment.config(),
        "Resolved configuration of this run (from " + source + ", defaults filled in).\n"
            + "Sequent " + Versions.sequent() + ", commit " + Versions.gitCommit()
            + ". Relative paths are resolved against the project root."));
    Experiment.Outcome outcome = experiment.run(dir, resume, progress, out);
    HtmlReport.write(dir);
    return outcome;
  }

  /**
   * Before a resume: names the settings that differ from the run's earlier ones (a longer schedule is the
   * usual reason; a different model or data would not fit the checkpoint).
   */
  static void noteChangedSettings(Path dir, Experiment experiment, PrintStream err) throws IOException {
    List<String> changed = new ArrayList<>();
    experiment.changedSettings(dir).forEach((key, old) -> changed.add(key + ": " + (old == null ? "(unset)" : old)
        + " -> " + experiment.config().get(key)));
    if (!changed.isEmpty()) {
      err.println("note: resuming with changed settings: " + String.join("; ", changed));
    }
  }

  /** A checkpoint file, or the best (else latest) checkpoint of a run folder. */
  static Path checkpoint(Path runOrFile) {
    if (Files.isDirectory(runOrFile)) {
      for (String name : List.of("best.ckpt", "latest.ckpt")) {
        if (Files.isRegularFile(runOrFile.resolve(name))) {
          return runOrFile.resolve(name);
        }
      }
      throw new UserException(runOrFile + " holds no best.ckpt or latest.ckpt; is it a run folder?");
    }
    if (!Files.isRegularFile(runOrFile)) {
      throw new UserException("checkpoint " + runOrFile + " does not exist");
    }
    return runOrFile;
  }
}
