package dev.sequent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.data.SampleSet;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.data.Vocabulary;
import dev.sequent.core.model.Models;
import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML parsing, overrides, and the messages of invalid settings. */
class ConfigTest {

  private static Path yaml(Path dir, String text) throws IOException {
    Path file = dir.resolve("c.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void yamlBecomesFlatSettingsWithLineNumbers(@TempDir Path tmp) throws IOException {
    Path file = yaml(tmp, """
        # comment
        data:
          path: x.csv
          max_length: 50
        train:
          no_decay: [bias, layer_norm]
          learning_rate: 1.0e-3
        eval:
          ks:
            - 5
            - 10
        """);
    ConfigFiles.Settings s = ConfigFiles.load(file);
    assertEquals(Map.of("data.path", "x.csv", "data.max_length", "50", "train.no_decay", "bias,layer_norm",
        "train.learning_rate", "1.0e-3", "eval.ks", "5,10"), s.values());
    assertEquals(file + " line 4", s.origin("data.max_length"));
    assertEquals(file + " line 9", s.origin("eval.ks"));
  }

  @Test
  void recBoleNamesAreAcceptedAtTheTopLevel(@TempDir Path tmp) throws IOException {
    Path file = yaml(tmp, "MAX_ITEM_LIST_LENGTH: 50\nepochs: 3\ntopk: [10, 20]\nmodel: sasrec\n");
    assertEquals(Map.of("data.max_length", "50", "train.epochs", "3", "eval.ks", "10,20", "model.name", "sasrec"),
        ConfigFiles.read(file));
    assertEquals("7", ConfigFiles.override(Map.of(), List.of("stopping_step=7")).get("train.stopping_step"));
  }

  @Test
  void overridesReplaceAndRecordTheirOrigin(@TempDir Path tmp) throws IOException {
    ConfigFiles.Settings s = ConfigFiles.override(ConfigFiles.load(yaml(tmp, "train:\n  epochs: 3\n")),
        List.of("train.epochs=5", "eval.ks = 1,2"));
    assertEquals("5", s.values().get("train.epochs"));
    assertEquals("1,2", s.values().get("eval.ks"));
    assertEquals("--set train.epochs=5", s.origin("train.epochs"));
    UserException e = assertThrows(UserException.class, () -> ConfigFiles.override(Map.of(), List.of("=3")));
    assertTrue(e.getMessage().contains("--set expects key=value"), e.getMessage());
  }

  @Test
  void invalidYamlAndDuplicatesNameTheLine(@TempDir Path tmp) throws IOException {
    UserException bad = assertThrows(UserException.class,
        () -> ConfigFiles.load(yaml(tmp, "data:\n  path: [unclosed\ntrain:\n")));
    assertTrue(bad.getMessage().contains("is not valid YAML") && bad.getMessage().contains("line"),
        bad.getMessage());
    UserException twice = assertThrows(UserException.class,
        () -> ConfigFiles.load(yaml(tmp, "train:\n  epochs: 3\n  epochs: 4\n")));
    assertTrue(twice.getMessage().contains("line 3: 'train.epochs' is already set at"), twice.getMessage());
    UserException list = assertThrows(UserException.class, () -> ConfigFiles.load(yaml(tmp, "- a\n- b\n")));
    assertTrue(list.getMessage().contains("must hold sections"), list.getMessage());
  }

  @Test
  void unknownKeySuggestsTheClosestAndListsItsSection() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> new Experiment(Map.of("data.path", "x", "train.epoch", "3")));
    assertEquals("train.epoch", e.key());
    assertTrue(e.getMessage().contains("unknown setting 'train.epoch' (did you mean 'train.epochs'?)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("valid train.* settings: ") && e.getMessage().contains("train.seed"),
        e.getMessage());
    ConfigException section = assertThrows(ConfigException.class, () -> new Experiment(Map.of("trian.x", "3")));
    assertTrue(section.getMessage().contains("sections data, eval, model, train"), section.getMessage());
  }

  @Test
  void invalidValuesNameTheKeyAndWhatIsValid() {
    Map<String, String> cases = Map.ofEntries(
        Map.entry("train.epochs=abc", "train.epochs must be an integer, got 'abc'"),
        Map.entry("train.epochs=0", "train.epochs must be >= 1, got 0"),
        Map.entry("train.learning_rate=fast", "train.learning_rate must be a number, got 'fast'"),
        Map.entry("train.eval_at_start=maybe", "train.eval_at_start must be true or false, got 'maybe'"),
        Map.entry("train.loss=hinge", "loss must be ce, bce or sampled"),
        Map.entry("train.valid_metric=AUC@10", "train.valid_metric 'AUC@10' is not a computed metric"),
        Map.entry("train.valid_metric=NDCG@7", "with K in eval.ks [5, 10, 20]"),
        Map.entry("data.format=xml", "unknown data.format 'xml'; valid: tsv3, csv, tsv"),
        Map.entry("data.filter=2-core", "unknown data.filter '2-core'; valid: none, k-core, one-pass"),
        Map.entry("data.tie_rule=random", "unknown data.tie_rule 'random'; valid: stable, item-id, recbole"),
        Map.entry("data.samples=all", "unknown data.samples 'all'; valid: seq2seq, sliding, prefix"),
        Map.entry("data.window_stride=0", "data.window_stride must be >= 1"),
        Map.entry("data.seq2seq_stride_ratio=0.001", "data.seq2seq_stride_ratio times data.max_length (200) must be "
            + "at least 1, got 0.001"),
        Map.entry("data.max_length=0", "data.max_length must be >= 1"),
        Map.entry("data.min_rating=high", "data.min_rating must be a number or empty"),
        Map.entry("eval.ks=5,ten", "eval.ks must be a list of integers"),
        Map.entry("eval.test_protocols=full,half", "eval.test_protocols: unknown protocol \"half\""),
        Map.entry("eval.test_protocols=full-exclude-all",
            "unknown exclusion mode \"all\"; valid: none, input-window, history"),
        Map.entry("model.dim=1.5", "model.dim must be an integer, got '1.5'"),
        Map.entry("model.name=nope", "unknown model 'nope'; available: " + Models.names()));
    cases.forEach((assignment, message) -> {
      Map<String, String> settings = ConfigFiles.override(Map.of("data.path", "x"), List.of(assignment));
      ConfigException e = assertThrows(ConfigException.class, () -> new Experiment(settings), assignment);
      assertTrue(e.getMessage().contains(message), assignment + " -> " + e.getMessage());
      assertEquals(assignment.substring(0, assignment.indexOf('=')), e.key(), assignment);
    });
  }

  @Test
  void slidingWindowsNeedAStrideNoLongerThanTheWindow() {
    ConfigException e = assertThrows(ConfigException.class, () -> new Experiment(Map.of("data.path", "x",
        "data.samples", "sliding", "data.max_length", "50", "data.window_stride", "51")));
    assertEquals("data.window_stride", e.key());
    assertTrue(e.getMessage().contains("at most data.max_length (50)"), e.getMessage());
    new Experiment(Map.of("data.path", "x", "data.samples", "sliding", "data.max_length", "50",
        "data.window_stride", "50"));
  }

  @Test
  void seq2seqWindowsTakeTheStrideRatioOfTheWindowLength() {
    // One user with 12 training items (14 in all), L = 4. Stride 4 (ratio 1, LRURec's default): windows start at
    // 8, 4, 0. Ratio 0.5 (LRURec's sliding_window_size = 0.5, stride 2): at 8, 6, 4, 2, 0.
    int[] items = new int[14];
    for (int i = 0; i < items.length; i++) {
      items[i] = i + 1;
    }
    SequenceDataset data = new SequenceDataset(Vocabulary.ofUsers(new String[] {"u"}),
        Vocabulary.ofItems(java.util.stream.IntStream.rangeClosed(1, 14).mapToObj(Integer::toString)
            .toArray(String[]::new)), new int[] {0, 14}, items, null);
    Split split = Split.leaveOneOut(data);
    for (String[] ratioAndWindows : new String[][] {{"1.0", "3"}, {"0.5", "5"}}) {
      Experiment e = new Experiment(Map.of("data.path", "x", "data.max_length", "4", "model.name", "sasrec",
          "data.seq2seq_stride_ratio", ratioAndWindows[0]));
      SampleSet<?> samples = e.trainingSamples(split, e.createModel(data));
      assertEquals(Integer.parseInt(ratioAndWindows[1]), samples.size(), "ratio " + ratioAndWindows[0]);
    }
  }

  @Test
  void modelSpecificChecksRunBeforeAnyData() {
    ConfigException e = assertThrows(ConfigException.class, () -> new Experiment(Map.of("model.name", "sasrec",
        "model.dim", "10", "model.heads", "3")));
    assertTrue(e.getMessage().startsWith("invalid settings for model sasrec: "), e.getMessage());
  }

  @Test
  void yamlRoundTripsThroughTheResolvedConfig(@TempDir Path tmp) throws IOException {
    Map<String, String> resolved = new Experiment(Map.of("data.path", "some dir/x y.csv", "data.columns",
        "a,b", "eval.ks", "1,5", "train.valid_metric", "HR@5")).config();
    Path file = tmp.resolve("resolved.yaml");
    Files.writeString(file, ConfigFiles.toYaml(resolved, "test"));
    assertEquals(resolved, Map.copyOf(ConfigFiles.read(file)));
  }

  @Test
  void errorsInTheCommandLineNameTheirOrigin(@TempDir Path tmp) throws IOException {
    Path file = yaml(tmp, "data:\n  path: x.csv\ntrain:\n  epochs: many\n");
    Cli.Result r = Cli.run("train", file.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains(file + " line 4: train.epochs must be an integer, got 'many'"), r.err());
    Cli.Result set = Cli.run("train", file.toString(), "--set", "train.epochs=2", "--set", "train.batch=4");
    assertTrue(set.err().contains("--set train.batch=4: unknown setting 'train.batch'"), set.err());
  }

  @Test
  void theDemoPresetIsValidAndItsDataIsBundled() throws IOException {
    Path root = projectRoot();
    Experiment demo = new Experiment(ConfigFiles.read(root.resolve("configs/demo.yaml")), root);
    assertEquals("lrurec", demo.config().get("model.name"));
    assertTrue(Files.isRegularFile(demo.resolvePath("data.path")));
    assertTrue(Files.isRegularFile(demo.resolvePath("data.titles")));
    for (String file : List.of("README.txt", "LICENSE-NOTE.md")) {
      assertTrue(Files.isRegularFile(root.resolve("data/ml-latest-small").resolve(file)), file);
    }
  }

  @Test
  void everyPresetResolvesAndBuildsItsModel() throws IOException {
    Path root = projectRoot();
    try (var presets = Files.list(root.resolve("configs"))) {
      List<Path> files = presets.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      assertTrue(files.size() >= 17, "presets found: " + files);
      for (Path file : files) {
        Experiment experiment = new Experiment(ConfigFiles.read(file), root);
        Map<String, String> config = experiment.config();
        // The benchmark data sits in ../shared beside the checkout (absent on some machines); files under
        // runs/ are built from it by a tool the preset names (RecBole's ML-1M order), so they may not exist yet.
        Path data = experiment.resolvePath("data.path");
        assertTrue(Files.isRegularFile(data) || data.startsWith(root.resolve("runs"))
            || !Files.isDirectory(root.resolveSibling("shared")), file + ": data.path " + data + " does not exist");
        Map<String, String> options = new java.util.LinkedHashMap<>();
        config.forEach((k, v) -> {
          if (k.startsWith("model.") && !k.equals("model.name")) {
            options.put(k.substring("model.".length()), v);
          }
        });
        assertEquals(7, Models.create(config.get("model.name"), options, 7, 8).numItems(), file.toString());
      }
    }
  }

  private static Path projectRoot() {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.isRegularFile(root.resolve("configs/demo.yaml"))) {
      root = root.getParent();
    }
    assertTrue(root != null, "configs/demo.yaml not found above " + Path.of("").toAbsolutePath());
    return root;
  }
}
