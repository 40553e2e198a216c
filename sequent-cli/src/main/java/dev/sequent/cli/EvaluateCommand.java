package dev.sequent.cli;

import dev.sequent.core.data.EvalSet;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.eval.Metrics;
import dev.sequent.core.eval.Protocol;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.run.MetricsTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sequent evaluate RUN_OR_CHECKPOINT [--split test|validation] [--protocol P]... [--json]}. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a checkpoint on the validation or test split.",
        "",
        "Reads the data the checkpoint was trained on (its stored settings; --set to change them), checks the "
            + "item vocabulary matches, and prints the metrics next to the popularity baseline.",
        "Protocols: full, full-exclude-input-window, full-exclude-history, sampled-uniformN, sampled-popN "
            + "(add -unseen for negatives outside the history). Default: the run's eval.test_protocols."})
final class EvaluateCommand extends CheckpointCommand implements Callable<Integer> {

  enum Stage { validation, test }

  @Option(names = "--split", paramLabel = "STAGE", defaultValue = "test",
      description = "validation or test (default test)")
  Stage stage;

  @Option(names = "--protocol", paramLabel = "NAME", split = ",",
      description = "Evaluation protocol(s), e.g. --protocol full,sampled-pop100")
  List<String> protocols = new ArrayList<>();

  @Option(names = "--popularity", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Show the popularity baseline beside the model (default: yes; --no-popularity to skip)")
  boolean popularity;

  @Option(names = "--json", description = "Print the metrics as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Experiment experiment = experiment();
    List<Protocol> chosen = new ArrayList<>();
    for (String name : protocols) {
      try {
        chosen.add(experiment.parseProtocol(name));
      } catch (IllegalArgumentException e) {
        throw new UserException("--protocol: " + e.getMessage());
      }
    }
    if (chosen.isEmpty()) {
      chosen = experiment.testProtocols();
    }
    SequenceDataset dataset;
    try {
      dataset = experiment.loadData(main.err);
    } catch (ConfigException e) {
      throw explain(e);
    }
    Experiment.checkVocabulary(checkpoint(), dataset);
    String trainedOn = checkpoint().metadata().getOrDefault("data.fingerprint", "");
    if (!trainedOn.isEmpty() && dataset.fingerprint() != null && !trainedOn.equals(dataset.fingerprint())) {
      main.err.println("note: the data's fingerprint differs from the one the checkpoint was trained on "
          + "(same item vocabulary, so evaluating anyway)");
    }
    Split split = experiment.split(dataset);
    EvalSet cases = stage == Stage.test ? split.test() : split.validation();
    SequenceModel model = Experiment.loadModel(checkpoint());
    List<Metrics> metrics = experiment.evaluate(model, cases, chosen);
    List<Metrics> baseline = popularity ? experiment.popularity(split, cases, chosen) : List.of();
    if (json) {
      main.out.println(toJson(metrics, baseline));
    } else {
      main.out.println("checkpoint: " + checkpointFile + " (" + model.name() + ", step "
          + checkpoint().metadata().getOrDefault("step", "?") + ")");
      main.out.print(MetricsTable.format(metrics, baseline, model.name()));
    }
    return 0;
  }

  private String toJson(List<Metrics> metrics, List<Metrics> baseline) {
    StringBuilder out = new StringBuilder("{\"checkpoint\": ")
        .append(quote(checkpointFile.toString())).append(", \"model\": ")
        .append(quote(checkpoint.metadata().getOrDefault("config.model.name", ""))).append(", \"step\": ")
        .append(checkpoint.metadata().getOrDefault("step", "0")).append(", \"split\": ").append(quote(stage.name()))
        .append(",\n \"metrics\": [");
    for (int i = 0; i < metrics.size(); i++) {
      out.append(i == 0 ? "\n  " : ",\n  ").append(metrics.get(i).toJson());
    }
    out.append("],\n \"popularity\": [");
    for (int i = 0; i < baseline.size(); i++) {
      out.append(i == 0 ? "\n  " : ",\n  ").append(baseline.get(i).toJson());
    }
    return out.append("]}").toString();
  }

  private static String quote(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
