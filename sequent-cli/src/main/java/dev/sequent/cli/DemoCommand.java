package dev.sequent.cli;

import dev.sequent.core.data.ItemTitles;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.eval.Metrics;
import dev.sequent.core.infer.Recommender;
import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sequent demo}: trains LRURec on the bundled MovieLens sample for a short schedule, compares it with
 * the popularity baseline, shows recommendations with titles for one user and writes the report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Two-minute tour: train LRURec on MovieLens, compare, recommend.",
        "",
        "Trains LRURec on the bundled MovieLens sample (data/ml-latest-small) for a short schedule, prints "
            + "validation and test metrics beside the popularity baseline, shows a user's top-10 with titles "
            + "beside their recent history, and writes runs/demo/report.html. Re-running starts the demo run "
            + "again from scratch."})
final class DemoCommand extends ConfigCommand implements Callable<Integer> {

  @Option(names = "--run-dir", paramLabel = "DIR", description = "Run folder (default: runs/demo)")
  Path runDir;

  @Option(names = "--user", paramLabel = "ID", description = "User whose recommendations are shown "
      + "(default: the first user of the data)")
  String user;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
      description = "Demo config (default: configs/demo.yaml in the project root)")
  void config(Path file) {
    config = file;
  }

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    if (config == null) {
      config = Main.projectRoot().resolve("configs").resolve("demo.yaml");
      if (!Files.isRegularFile(config)) {
        throw new UserException("the demo config " + config + " is missing; run the demo from the repository "
            + "root (or with ./sequent), or give a config: sequent demo CONFIG");
      }
    }
    Experiment experiment = experiment();
    Path dir = runDir != null ? runDir : Main.projectRoot().resolve("runs").resolve("demo");
    long steps = experiment.trainConfig().maxSteps();
    main.out.println("Sequent demo: " + experiment.config().get("model.name") + " on "
        + experiment.config().get("data.path") + ", " + (steps > 0 ? steps + " steps"
        : experiment.trainConfig().epochs() + " epochs") + " (batch " + experiment.trainConfig().batchSize()
        + ", L = " + experiment.maxLength() + ")");
    RunFolder.prepare(dir, false, true);
    Experiment.Outcome outcome;
    try {
      outcome = RunFolder.train(experiment, dir, false, trainProgress(), main.out, config.toString());
    } catch (ConfigException e) {
      throw explain(e);
    }
    main.out.println();
    summary(experiment, outcome);
    main.out.println();
    recommendations(experiment, outcome.dataset(), dir);
    main.out.println();
    main.out.println(String.format(Locale.ROOT, "done in %.0f s. Report: %s", (System.nanoTime() - started) / 1e9,
        dir.resolve("report.html")));
    main.out.println("Next: ./sequent recommend " + dir + " --user <id>  |  ./sequent train configs/<preset>.yaml");
    return 0;
  }

  /** The best validation value and how the model compares with the popularity baseline on test. */
  private void summary(Experiment experiment, Experiment.Outcome outcome) {
    String metric = experiment.trainConfig().validMetric();
    main.out.println(String.format(Locale.ROOT, "best validation %s = %.4f at step %d of %d", metric,
        outcome.training().bestValue(), outcome.training().bestStep(), outcome.training().steps()));
    if (outcome.popularity().isEmpty()) {
      return;
    }
    Metrics model = outcome.test().get(0);
    Metrics popular = outcome.popularity().get(0);
    List<String> parts = new ArrayList<>();
    boolean beatsAll = true;
    for (String name : List.of(metric, "NDCG@10")) {
      if (!model.has(name) || !popular.has(name) || parts.stream().anyMatch(p -> p.startsWith(name + " "))) {
        continue;
      }
      double m = model.get(name);
      double p = popular.get(name);
      beatsAll &= m > p;
      parts.add(String.format(Locale.ROOT, "%s %.4f vs %.4f%s", name, m, p,
          p > 0 ? String.format(Locale.ROOT, " (%.1fx)", m / p) : ""));
    }
    main.out.println((beatsAll ? "test: the model beats the popularity baseline: "
        : "test: the model does NOT beat the popularity baseline: ") + String.join(", ", parts));
  }

  /** One user's recent history beside their top-10 (seen items excluded), from the best checkpoint. */
  private void recommendations(Experiment experiment, SequenceDataset dataset, Path dir) throws Exception {
    // best.ckpt, or latest.ckpt when a schedule had no validation.
    Recommender recommender = Recommender.load(RunFolder.checkpoint(dir));
    ItemTitles titles = experiment.titles();
    int u = user == null ? 0 : dataset.users().indexOf(user);
    if (u < 0) {
      throw new UserException("--user: user '" + user + "' is not in the data");
    }
    List<String> history = new ArrayList<>();
    for (int item : dataset.sequence(u)) {
      history.add(dataset.items().rawId(item));
    }
    String id = dataset.users().rawId(u);
    Recommendations recs = Recommendations.compute(recommender, history, 10, false, titles);
    main.out.print(recs.sideBySide("user " + id + ": last 10 of " + history.size() + " (newest last)",
        "top-10 for user " + id + " (unseen items)", 10, 46));
  }
}
