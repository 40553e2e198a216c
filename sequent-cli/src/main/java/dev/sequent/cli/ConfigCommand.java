package dev.sequent.cli;

import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.run.TaskProgress;
import dev.sequent.core.train.TrainProgress;
import java.io.IOException;
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

  private ConfigFiles.Settings settings;

  /** The config file's settings with the overrides applied. */
  ConfigFiles.Settings settings() throws IOException {
    if (settings == null) {
      settings = ConfigFiles.override(ConfigFiles.load(config), overrides);
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
