package dev.sequent.cli;

import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.run.TaskProgress;
import dev.sequent.core.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * What the commands that start from a trained model share: a checkpoint (or a run folder, meaning its best
 * checkpoint), the settings it was trained with, and {@code --set} to change some of them (e.g. where the
 * data is now).
 */
abstract class CheckpointCommand {

  @ParentCommand
  Main main;

  @Parameters(index = "0", paramLabel = "RUN_OR_CHECKPOINT",
      description = "A run folder (its best.ckpt is used) or a .ckpt file")
  Path target;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Change a setting stored in the checkpoint, e.g. --set data.path=other/ratings.csv")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-q", "--quiet"}, description = "No progress bars")
  boolean quiet;

  Path checkpointFile;
  Checkpoint checkpoint;

  Checkpoint checkpoint() throws IOException {
    if (checkpoint == null) {
      checkpointFile = RunFolder.checkpoint(target);
      checkpoint = Checkpoint.read(checkpointFile);
    }
    return checkpoint;
  }

  /** The checkpoint's experiment with the overrides; errors name the override or the checkpoint. */
  Experiment experiment() throws IOException {
    ConfigFiles.Settings settings = ConfigFiles.override(new ConfigFiles.Settings(Map.of(), Map.of()), overrides);
    try {
      return Experiment.fromCheckpoint(checkpoint(), settings.values(), Main.projectRoot()).progress(tasks());
    } catch (ConfigException e) {
      throw ConfigFiles.explain(e, settings, "settings stored in " + checkpointFile);
    }
  }

  /** {@link ConfigException}s found later (a data file that moved) with the same origins. */
  UserException explain(ConfigException e) {
    ConfigFiles.Settings settings = ConfigFiles.override(new ConfigFiles.Settings(Map.of(), Map.of()), overrides);
    return ConfigFiles.explain(e, settings, "settings stored in " + checkpointFile
        + " (change them with --set)");
  }

  TaskProgress tasks() {
    return Progress.tasks(quiet, main.err);
  }
}
