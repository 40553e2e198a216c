package dev.sequent.cli;

import dev.sequent.core.data.ItemTitles;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.infer.Recommender;
import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sequent recommend RUN_OR_CHECKPOINT (--user ID | --history ID,ID,...) [-k N] [--json]}. */
@Command(name = "recommend", mixinStandardHelpOptions = true,
    description = {"Top-K next items for a user of the data or for an explicit history.",
        "",
        "For --user, the user's whole history in the data the model was trained on; for --history, any list "
            + "of raw item ids (new users too).",
        "Titles are shown when the run's data.titles (or --titles) names an item metadata file."})
final class RecommendCommand extends CheckpointCommand implements Callable<Integer> {

  static final class Who {
    @Option(names = "--user", paramLabel = "ID", required = true,
        description = "A user id of the data the model was trained on (reads the data)")
    String user;

    @Option(names = "--history", paramLabel = "ITEM", split = ",", required = true,
        description = "Raw item ids, oldest first, e.g. --history 1,260,1196")
    List<String> history;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Who who;

  @Option(names = {"-k", "--top"}, paramLabel = "K", defaultValue = "10", description = "How many (default 10)")
  int k;

  @Option(names = "--json", description = "Print JSON instead of text")
  boolean json;

  @Option(names = "--include-seen", description = "Also recommend items already in the history")
  boolean includeSeen;

  @Option(names = "--titles", paramLabel = "FILE",
      description = "Item titles (movies.csv, movies.dat or item<TAB>title) instead of the run's data.titles")
  Path titlesFile;

  @Option(names = "--recent", paramLabel = "N", defaultValue = "10",
      description = "History items shown in the text output (default 10)")
  int recent;

  @Override
  public Integer call() throws Exception {
    Experiment experiment = experiment();
    Recommender recommender = Recommender.of(checkpoint());
    ItemTitles titles = titles(experiment);
    List<String> history;
    String who;
    if (this.who.user != null) {
      history = userHistory(experiment, this.who.user);
      who = "user " + this.who.user;
    } else {
      history = new ArrayList<>(this.who.history);
      who = "history";
    }
    Recommendations recs = Recommendations.compute(recommender, history, k, includeSeen, titles);
    if (!recs.unknownItems().isEmpty()) {
      main.err.println("note: items unknown to the model were left out of the history: " + recs.unknownItems());
    }
    main.out.print(json ? recs.json(this.who.user) + System.lineSeparator() : recs.text(who, recent));
    return 0;
  }

  /** Explicit titles must exist; the run's own titles are used when they are still where they were. */
  private ItemTitles titles(Experiment experiment) throws IOException {
    if (titlesFile != null) {
      if (!Files.isRegularFile(titlesFile)) {
        throw new UserException("--titles: file " + titlesFile + " does not exist");
      }
      return ItemTitles.read(titlesFile);
    }
    Path configured = experiment.resolvePath("data.titles");
    if (configured == null) {
      return null;
    }
    if (!Files.isRegularFile(configured)) {
      main.err.println("note: the run's titles file " + configured + " is missing; showing item ids");
      return null;
    }
    return experiment.titles();
  }

  /** The user's whole history in the data the model was trained on, as raw item ids. */
  private List<String> userHistory(Experiment experiment, String user) throws IOException {
    SequenceDataset dataset;
    try {
      // Notes about the data (the cache) go to stderr: stdout may be JSON for a script.
      dataset = experiment.loadData(main.err);
    } catch (ConfigException e) {
      throw explain(e);
    }
    Experiment.checkVocabulary(checkpoint(), dataset);
    int u = dataset.users().indexOf(user);
    if (u < 0) {
      List<String> ids = dataset.users().rawIds();
      throw new UserException("user '" + user + "' is not in the data (" + ids.size() + " users, e.g. "
          + String.join(", ", ids.subList(0, Math.min(3, ids.size()))) + "); use --history for other users");
    }
    List<String> history = new ArrayList<>();
    for (int item : dataset.sequence(u)) {
      history.add(dataset.items().rawId(item));
    }
    return history;
  }
}
