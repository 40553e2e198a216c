package dev.sequent.core.run;

import dev.sequent.core.data.ColumnMapping;
import dev.sequent.core.data.DataSource;
import dev.sequent.core.data.DatasetCache;
import dev.sequent.core.data.InteractionFormat;
import dev.sequent.core.data.Padding;
import dev.sequent.core.data.PrefixSamples;
import dev.sequent.core.data.PreprocessConfig;
import dev.sequent.core.data.ReadOptions;
import dev.sequent.core.data.SampleSet;
import dev.sequent.core.data.Seq2SeqSamples;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.eval.EvalConfig;
import dev.sequent.core.eval.Evaluator;
import dev.sequent.core.eval.Metrics;
import dev.sequent.core.eval.Protocol;
import dev.sequent.core.infer.ModelScorer;
import dev.sequent.core.model.Models;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.core.train.Checkpoint;
import dev.sequent.core.train.TrainConfig;
import dev.sequent.core.train.TrainProgress;
import dev.sequent.core.train.Trainer;
import dev.sequent.core.train.Values;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run from a flat configuration: load and preprocess the data, split it, train a model with
 * validation and early stopping, then evaluate the best checkpoint on the test split under one or more
 * protocols. Keys are grouped by prefix: {@code data.*}, {@code model.*} (the model's own options),
 * {@code train.*} ({@link TrainConfig}) and {@code eval.*}; {@link #defaults()} lists them all.
 */
public final class Experiment {

  /** What a run produced. */
  public record Outcome(Trainer.Result training, List<Metrics> test, SequenceDataset dataset, double seconds,
                        long peakHeapBytes) {}

  private final Map<String, String> config;

  /** Validates the configuration: unknown keys are errors that list the valid ones. */
  public Experiment(Map<String, String> settings) {
    Map<String, String> resolved = defaults();
    String modelName = settings.getOrDefault("model.name", resolved.get("model.name"));
    Map<String, String> modelDefaults = Models.defaults(modelName);
    modelDefaults.forEach((k, v) -> resolved.put("model." + k, v));
    for (Map.Entry<String, String> e : settings.entrySet()) {
      if (!resolved.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown setting '" + e.getKey() + "'; valid settings: "
            + String.join(", ", new TreeMap<>(resolved).keySet()));
      }
      resolved.put(e.getKey(), e.getValue());
    }
    this.config = resolved;
    trainConfig();
    protocol(config.get("eval.valid_protocol"));
    testProtocols();
  }

  /** Every setting with its default. {@code data.path} must be given. */
  public static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("data.path", "");
    m.put("data.format", "tsv3");
    m.put("data.columns", "userId,movieId,timestamp,rating");
    m.put("data.titles", "");
    m.put("data.min_rating", "");
    m.put("data.drop_repeats", "true");
    m.put("data.filter", "one-pass");
    m.put("data.min_user_interactions", "5");
    m.put("data.min_item_interactions", "5");
    m.put("data.tie_rule", "item-id");
    m.put("data.skip_bad_lines", "false");
    m.put("data.cache_dir", "");
    m.put("data.max_length", "200");
    m.put("data.samples", "seq2seq");
    m.put("model.name", "lrurec");
    TrainConfig.lruRecDefaults().toMap().forEach((k, v) -> m.put("train." + k, v));
    m.put("eval.valid_protocol", "full-exclude-input-window");
    m.put("eval.test_protocols", "full-exclude-input-window");
    m.put("eval.ks", "5,10,20");
    m.put("eval.batch_size", "256");
    m.put("eval.seed", "2024");
    return m;
  }

  /** The resolved configuration (defaults filled in). */
  public Map<String, String> config() {
    return Map.copyOf(config);
  }

  public TrainConfig trainConfig() {
    Map<String, String> train = new LinkedHashMap<>();
    config.forEach((k, v) -> {
      if (k.startsWith("train.")) {
        train.put(k.substring(6), v);
      }
    });
    return TrainConfig.fromMap(train);
  }

  private Map<String, String> modelOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    config.forEach((k, v) -> {
      if (k.startsWith("model.") && !k.equals("model.name")) {
        options.put(k.substring(6), v);
      }
    });
    return options;
  }

  private Protocol protocol(String name) {
    return Protocol.parse(name, new Values(config).longValue("eval.seed"));
  }

  private List<Protocol> testProtocols() {
    List<Protocol> list = new ArrayList<>();
    for (String name : config.get("eval.test_protocols").split("\\s*,\\s*")) {
      list.add(protocol(name));
    }
    return list;
  }

  private EvalConfig evalConfig(Protocol protocol, int maxLength) {
    Values v = new Values(config);
    List<Integer> ks = new ArrayList<>();
    for (String k : config.get("eval.ks").split("\\s*,\\s*")) {
      ks.add(Integer.parseInt(k));
    }
    return EvalConfig.of(protocol, maxLength).withKs(ks).withBatchSize(v.integer("eval.batch_size"));
  }

  /** Reads (or takes from the cache) and preprocesses the dataset. */
  public SequenceDataset loadData(PrintStream out) throws IOException {
    Values v = new Values(config);
    String pathText = v.string("data.path");
    if (pathText.isEmpty()) {
      throw new IllegalArgumentException("data.path is required");
    }
    Path path = Path.of(pathText);
    ReadOptions options = v.bool("data.skip_bad_lines") ? ReadOptions.skippingMalformedLines()
        : ReadOptions.strict();
    DataSource source = new DataSource(List.of(path), format(v.string("data.format")), options);
    String minRating = v.string("data.min_rating");
    PreprocessConfig pre = new PreprocessConfig(minRating.isEmpty() ? null : Double.valueOf(minRating),
        v.bool("data.drop_repeats"), filter(v.string("data.filter")), v.integer("data.min_user_interactions"),
        v.integer("data.min_item_interactions"), tieRule(v.string("data.tie_rule")));
    String cacheDir = v.string("data.cache_dir");
    if (cacheDir.isEmpty()) {
      return SequenceDataset.load(source, pre);
    }
    String name = path.getFileName().toString() + "-" + DatasetCache.fingerprint(source, pre).substring(0, 12)
        + ".bin";
    DatasetCache.Result r = DatasetCache.loadOrBuild(source, pre, Path.of(cacheDir).resolve(name));
    out.println("data: " + r.note());
    return r.dataset();
  }

  private InteractionFormat format(String name) {
    String[] cols = config.get("data.columns").split("\\s*,\\s*");
    ColumnMapping byName = ColumnMapping.byName(cols[0], cols[1], cols.length > 2 ? cols[2] : null,
        cols.length > 3 ? cols[3] : null);
    return switch (name) {
      case "tsv3" -> InteractionFormat.tsv3();
      case "csv" -> InteractionFormat.csv(byName);
      case "tsv" -> InteractionFormat.tsv(byName);
      case "dat", "grouplens" -> InteractionFormat.groupLens();
      case "udata", "ml100k" -> InteractionFormat.ml100k();
      case "inter", "recbole" -> InteractionFormat.recBole();
      case "pairs", "sasrec" -> InteractionFormat.sasRecPairs();
      case "sequences" -> InteractionFormat.userSequences();
      default -> throw new IllegalArgumentException("unknown data.format '" + name
          + "'; valid: tsv3, csv, tsv, dat, udata, inter, pairs, sequences");
    };
  }

  private static PreprocessConfig.Filter filter(String name) {
    for (PreprocessConfig.Filter f : PreprocessConfig.Filter.values()) {
      if (f.label().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown data.filter '" + name + "'; valid: none, k-core, one-pass");
  }

  private static PreprocessConfig.TieRule tieRule(String name) {
    for (PreprocessConfig.TieRule t : PreprocessConfig.TieRule.values()) {
      if (t.label().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown data.tie_rule '" + name + "'; valid: stable, item-id");
  }

  /** Trains (or resumes) in {@code runDir} and evaluates the best checkpoint on the test split. */
  public Outcome run(Path runDir, boolean resume, TrainProgress progress, PrintStream out) throws IOException {
    long started = System.nanoTime();
    Values v = new Values(config);
    Files.createDirectories(runDir);
    writeConfig(runDir.resolve("config.properties"));
    SequenceDataset dataset = loadData(out);
    Split split = Split.leaveOneOut(dataset);
    out.println("data: " + dataset.numUsers() + " users, " + dataset.numItems() + " items, "
        + dataset.numInteractions() + " interactions; " + split.describe());
    int maxLength = v.integer("data.max_length");
    SequenceModel model = Models.create(config.get("model.name"), modelOptions(), dataset.numItems(), maxLength);
    Padding padding = model.padding();
    SampleSet<?> samples = switch (v.string("data.samples")) {
      case "seq2seq" -> Seq2SeqSamples.of(split, maxLength, padding);
      case "prefix" -> PrefixSamples.training(split, maxLength, padding);
      default -> throw new IllegalArgumentException("data.samples must be seq2seq or prefix");
    };
    out.println("model: " + model.name() + ", " + model.parameterCount() + " parameters; " + samples.size()
        + " training samples");
    Evaluator validator = new Evaluator(evalConfig(protocol(config.get("eval.valid_protocol")), maxLength));
    Trainer.Validation validation = m -> validator.evaluate(new ModelScorer(m, maxLength), split.validation())
        .metrics().values();
    Map<String, String> metadata = new LinkedHashMap<>();
    config.forEach((k, val) -> metadata.put("config." + k, val));
    metadata.put("data.fingerprint", dataset.fingerprint() == null ? "" : dataset.fingerprint());
    metadata.put("sequent.version", Versions.sequent());
    metadata.put("git.commit", Versions.gitCommit());
    Map<String, byte[]> sections = Map.of("items", String.join("\n", dataset.items().rawIds())
        .getBytes(StandardCharsets.UTF_8));
    long[] counts = new long[dataset.numItems() + 1];
    int[] trainingCounts = split.trainingItemCounts();
    for (int i = 0; i < trainingCounts.length && i < counts.length; i++) {
      counts[i] = trainingCounts[i];
    }
    Trainer trainer = new Trainer(model, trainConfig(), samples, dataset, counts, validation, runDir, metadata,
        sections, progress);
    Trainer.Result result = trainer.fit(resume);

    List<Metrics> test = new ArrayList<>();
    ModelScorer scorer = new ModelScorer(model, maxLength);
    for (Protocol p : testProtocols()) {
      Metrics m = new Evaluator(evalConfig(p, maxLength)).evaluate(scorer, split.test()).metrics();
      test.add(m);
      out.println("test " + m);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long peak = peakHeap();
    writeResults(runDir, result, test, seconds, peak);
    return new Outcome(result, test, dataset, seconds, peak);
  }

  private void writeConfig(Path file) throws IOException {
    StringBuilder sb = new StringBuilder("# resolved Sequent configuration\n");
    new TreeMap<>(config).forEach((k, val) -> sb.append(k).append(" = ").append(val).append('\n'));
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  private static void writeResults(Path runDir, Trainer.Result r, List<Metrics> test, double seconds, long peak)
      throws IOException {
    StringBuilder json = new StringBuilder("{\n");
    json.append(String.format(Locale.ROOT, "  \"steps\": %d,\n  \"epochs\": %d,\n  \"best_step\": %d,\n"
            + "  \"best_valid\": %.6f,\n  \"stopped_early\": %b,\n  \"train_seconds\": %.1f,\n"
            + "  \"wall_seconds\": %.1f,\n  \"peak_heap_mb\": %.0f,\n  \"sequent\": \"%s\",\n  \"commit\": \"%s\",\n"
            + "  \"test\": [", r.steps(), r.epochs(), r.bestStep(), r.bestValue(), r.stoppedEarly(), r.seconds(),
        seconds, peak / 1e6, Versions.sequent(), Versions.gitCommit()));
    for (int i = 0; i < test.size(); i++) {
      json.append(i == 0 ? "\n    " : ",\n    ").append(test.get(i).toJson().replace("\n", "\n    "));
    }
    json.append("\n  ]\n}\n");
    Path tmp = runDir.resolve("results.json.tmp");
    Files.writeString(tmp, json.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, runDir.resolve("results.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  /** Peak heap use so far, summed over the heap memory pools. */
  static long peakHeap() {
    long total = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        total += pool.getPeakUsage().getUsed();
      }
    }
    return total;
  }

  /** Loads a checkpoint's model (for evaluation and serving). */
  public static SequenceModel loadModel(Checkpoint checkpoint) {
    Map<String, String> meta = checkpoint.metadata();
    Map<String, String> options = new LinkedHashMap<>();
    meta.forEach((k, val) -> {
      if (k.startsWith("config.model.") && !k.equals("config.model.name")) {
        options.put(k.substring("config.model.".length()), val);
      }
    });
    byte[] items = checkpoint.section("items");
    int numItems = items == null ? 0 : new String(items, StandardCharsets.UTF_8).split("\n", -1).length;
    SequenceModel model = Models.create(checkpoint.require("config.model.name"), options, numItems,
        Integer.parseInt(checkpoint.require("config.data.max_length")));
    model.loadParameters(checkpoint.parameters());
    model.train(false);
    return model;
  }
}
