package dev.sequent.cli;

import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.run.TaskProgress;
import dev.sequent.core.train.TrainProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** What the commands that start from a YAML config share: the config, {@code --set} and {@code --quiet}. */
abstract class ConfigCommand {

  @ParentCommand
  Main main;

  /** Set by each command's CONFIG parameter (required for most, optional for the demo). */
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a setting, e.g. --set train.epochs=3 (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = {"-q", "--quiet"}, description = "No progress bars (for scripts and CI)")
  boolean quiet;

  /** A run folder being resumed, whose own settings take the place of the config file's; null if none. */
  Path resumedRun;

  private ConfigFiles.Settings settings;

  /**
   * The config file's settings, then those a resumed run trained with (so a resume continues the same run
   * unless told otherwise), then the overrides.
   */
  ConfigFiles.Settings settings() throws IOException {
    if (settings == null) {
      ConfigFiles.Settings base = ConfigFiles.load(config);
      Path runSettings = resumedRun == null ? null : resumedRun.resolve("config.properties");
      if (runSettings != null && Files.isRegularFile(runSettings)) {
        base = ConfigFiles.withRunSettings(base, runSettings);
      }
      settings = ConfigFiles.override(base, overrides);
    }
    return settings;
  }

  /** The validated experiment; setting errors name the file and line (or the --set) they came from. */
  Experiment experiment() throws IOException {
    try {
      return new Experiment(settings().values(), Main.projectRoot()).progress(tasks());
    } catch (ConfigException e) {
      throw explain(e);
    }
  }

  /** A setting error found later (e.g. a data file that does not exist), with its origin. */
  UserException explain(ConfigException e) throws IOException {
    return ConfigFiles.explain(e, settings(), config.toString());
  }

  /** The config's name without the extension: the default run folder name. */
  String configName() {
    return config.getFileName().toString().replaceFirst("\\.ya?ml$", "");
  }

  TaskProgress tasks() {
    return Progress.tasks(quiet, main.err);
  }

  TrainProgress trainProgress() {
    return Progress.training(quiet, main.err);
  }
}
