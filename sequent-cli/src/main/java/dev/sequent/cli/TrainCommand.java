package dev.sequent.cli;

import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sequent train CONFIG [--set key=value]... [--run-dir DIR] [--resume | --overwrite] [--quiet]}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train from a YAML config into a run folder with report.html.",
        "",
        "Validates as it trains, keeps the best checkpoint, tests it next to the popularity baseline, and "
            + "writes runs/<name>/: config.yaml and config.properties (resolved settings), run.json (versions, "
            + "data fingerprint and statistics, seeds), sessions.jsonl (commit, JDK and threads of the first session "
            + "and each resume), metrics.jsonl, latest.ckpt, best.ckpt, results.json and "
            + "report.html.",
        "Relative paths inside the config are resolved against the project root (the launcher's folder)."})
final class TrainCommand extends ConfigCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML config, e.g. configs/lrurec-ml1m.yaml")
  void config(Path file) {
    config = file;
  }


  @Option(names = "--run-dir", paramLabel = "DIR", description = "Run folder (default: runs/<config name>)")
  Path runDir;

  @Option(names = "--resume", description = "Continue the run in the run folder from its latest checkpoint, with "
      + "the settings it trained with (its config.properties) and any --set on top")
  boolean resume;

  @Option(names = "--overwrite", description = "Start again in a run folder that holds an earlier run")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    Path dir = runDir != null ? runDir : Main.projectRoot().resolve("runs").resolve(configName());
    if (resume) {
      resumedRun = dir;
    }
    Experiment experiment = experiment();
    RunFolder.prepare(dir, resume, overwrite);
    if (resume) {
      RunFolder.noteChangedSettings(dir, experiment, main.err);
    }
    try {
      RunFolder.train(experiment, dir, resume, trainProgress(), main.out, config.toString());
    } catch (ConfigException e) {
      throw explain(e);
    }
    main.out.println("run folder: " + dir);
    main.out.println("report: " + dir.resolve("report.html"));
    return 0;
  }
}
