package dev.sequent.cli;

import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.DataSummary;
import dev.sequent.core.run.Experiment;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sequent data CONFIG [--set key=value]... [--cache] [--json]}: inspect and preprocess a dataset. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = {"Inspect and preprocess a dataset: statistics, filtering, cache.",
        "",
        "Reads and preprocesses a config's dataset and prints users, items, interactions, sequence-length "
            + "percentiles, item popularity, what preprocessing removed and the leave-one-out split.",
        "With --cache, build (or check) the binary cache so later runs load it in milliseconds."})
final class DataCommand extends ConfigCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML config, e.g. configs/lrurec-ml1m.yaml")
  void config(Path file) {
    config = file;
  }


  @Option(names = "--cache", description = "Build or check the cache in data.cache_dir (runs/.cache when unset)")
  boolean cache;

  @Option(names = "--json", description = "Print the statistics as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (cache && ConfigFiles.load(config).values().getOrDefault("data.cache_dir", "").isBlank()
        && overrides.stream().noneMatch(o -> o.startsWith("data.cache_dir="))) {
      overrides.add("data.cache_dir=runs/.cache");
    }
    Experiment experiment = experiment();
    SequenceDataset dataset;
    try {
      // Cache notes go to stderr with --json, so stdout stays one JSON document.
      dataset = experiment.loadData(json ? main.err : main.out);
    } catch (ConfigException e) {
      throw explain(e);
    }
    Split split = experiment.split(dataset);
    DataSummary summary = DataSummary.of(dataset, split);
    if (json) {
      main.out.println(summary.toJson());
      return 0;
    }
    main.out.println("data: " + experiment.resolvePath("data.path") + " (" + experiment.config().get("data.format")
        + ")");
    for (String line : summary.lines()) {
      main.out.println("  " + line);
    }
    return 0;
  }
}
