package dev.sequent.cli;

import dev.sequent.core.run.Experiment;
import dev.sequent.core.train.TrainProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sequent train CONFIG [--set key=value]... [--run-dir DIR] [--resume]}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a model from a YAML config, validate, keep the best checkpoint and test it.")
final class TrainCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML config, e.g. configs/lrurec-ml1m.yaml")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a setting, e.g. train.epochs=3")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--run-dir", paramLabel = "DIR", description = "Run folder (default runs/<config name>)")
  Path runDir;

  @Option(names = "--resume", description = "Continue from the run folder's latest checkpoint")
  boolean resume;

  @Option(names = "--quiet", description = "No progress bar")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    Map<String, String> settings = ConfigFiles.override(ConfigFiles.read(config), overrides);
    Experiment experiment;
    try {
      experiment = new Experiment(settings);
    } catch (IllegalArgumentException e) {
      throw new UserException(config + ": " + e.getMessage());
    }
    Path dir = runDir != null ? runDir
        : Path.of("runs", config.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
    experiment.run(dir, resume, quiet ? TrainProgress.quiet() : TrainProgress.console(System.err), System.out);
    System.out.println("run folder: " + dir);
    return 0;
  }
}
