package dev.sequent.core.run;

import dev.sequent.core.data.AtomicFiles;
import dev.sequent.core.data.ColumnMapping;
import dev.sequent.core.data.DataSource;
import dev.sequent.core.data.DatasetCache;
import dev.sequent.core.data.EvalSet;
import dev.sequent.core.data.InteractionFormat;
import dev.sequent.core.data.ItemTitles;
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
import dev.sequent.core.eval.Json;
import dev.sequent.core.eval.Metrics;
import dev.sequent.core.eval.PopularityScorer;
import dev.sequent.core.eval.Protocol;
import dev.sequent.core.eval.ScoredBatch;
import dev.sequent.core.eval.Scorer;
import dev.sequent.core.infer.ModelScorer;
import dev.sequent.core.model.Models;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.core.train.Checkpoint;
import dev.sequent.core.train.TrainConfig;
import dev.sequent.core.train.TrainProgress;
import dev.sequent.core.train.Trainer;
import dev.sequent.core.train.Values;
import dev.sequent.tensor.Parallel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One run from a flat configuration: load and preprocess the data, split it, train a model with
 * validation and early stopping, then evaluate the best checkpoint on the test split under one or more
 * protocols, next to the popularity baseline. Keys are grouped by prefix: {@code data.*}, {@code model.*}
 * (the model's own options), {@code train.*} ({@link TrainConfig}) and {@code eval.*}; {@link #defaults()}
 * lists them all.
 *
 * <p>The pieces of a run ({@link #loadData}, {@link #split}, {@link #createModel}, {@link #evaluate}, ...)
 * are public so that commands which need only some of them (evaluate a checkpoint, print data statistics,
 * time training steps) use the same code as a training run.
 *
 * <p>Relative paths in settings ({@code data.path}, {@code data.titles}, {@code data.cache_dir}) are resolved
 * against the base directory given at construction (the working directory when none is given).
 */
public final class Experiment {

  /** What a run produced. {@code popularity} is empty when the baseline is switched off. */
  public record Outcome(Trainer.Result training, List<Metrics> test, SequenceDataset dataset, double seconds,
                        long peakHeapBytes, List<Metrics> popularity) {}

  private final Map<String, String> config;
  private final Path baseDir;
  private TaskProgress tasks = TaskProgress.quiet();

  /** Validates the configuration: unknown keys and invalid values are errors that list what is valid. */
  public Experiment(Map<String, String> settings) {
    this(settings, null);
  }

  /**
   * @param baseDir directory that relative paths in settings are resolved against (null: the working
   *     directory)
   * @throws ConfigException naming the key of the first unknown setting or invalid value
   */
  public Experiment(Map<String, String> settings, Path baseDir) {
    this.baseDir = baseDir;
    Map<String, String> resolved = defaults();
    String modelName = settings.getOrDefault("model.name", resolved.get("model.name")).trim();
    Map<String, String> modelDefaults;
    try {
      modelDefaults = Models.defaults(modelName);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("model.name", e.getMessage());
    }
    modelDefaults.forEach((k, v) -> resolved.put("model." + k, v));
    Map<String, String> typeHints = new LinkedHashMap<>(resolved);
    for (Map.Entry<String, String> e : settings.entrySet()) {
      if (!resolved.containsKey(e.getKey())) {
        throw new ConfigException(e.getKey(), unknownKeyMessage(e.getKey(), resolved.keySet()));
      }
      resolved.put(e.getKey(), e.getValue() == null ? "" : e.getValue().trim());
    }
    this.config = resolved;
    validate(typeHints);
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
    m.put("data.window_stride", "50");
    m.put("data.seq2seq_stride_ratio", "1.0");
    m.put("model.name", "lrurec");
    TrainConfig.lruRecDefaults().toMap().forEach((k, v) -> m.put("train." + k, v));
    m.put("eval.valid_protocol", "full-exclude-input-window");
    m.put("eval.test_protocols", "full-exclude-input-window");
    m.put("eval.ks", "5,10,20");
    m.put("eval.batch_size", "256");
    m.put("eval.seed", "2024");
    m.put("eval.popularity_baseline", "true");
    return m;
  }

  /** The resolved configuration (defaults filled in). */
  public Map<String, String> config() {
    return Map.copyOf(config);
  }

  /** Where progress of preprocessing and evaluation goes (default: nowhere). Returns this. */
  public Experiment progress(TaskProgress progress) {
    this.tasks = progress == null ? TaskProgress.quiet() : progress;
    return this;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Validation

  private static final List<String> FORMATS =
      List.of("tsv3", "csv", "tsv", "dat", "udata", "inter", "pairs", "sequences");
  private static final List<String> SAMPLES = List.of("seq2seq", "sliding", "prefix");
  private static final List<String> METRIC_FAMILIES = List.of("HR", "Recall", "Hit", "NDCG", "MRR");

  /** Checks every value before any work starts, so a typo fails in milliseconds, not after preprocessing. */
  private void validate(Map<String, String> defaults) {
    for (Map.Entry<String, String> e : config.entrySet()) {
      checkType(e.getKey(), e.getValue(), defaults.get(e.getKey()));
    }
    Values v = new Values(config);
    requireChoice("data.format", FORMATS);
    filter(v.string("data.filter"));
    tieRule(v.string("data.tie_rule"));
    requireChoice("data.samples", SAMPLES);
    String[] columns = config.get("data.columns").split("\\s*,\\s*");
    if (columns.length < 2 || columns.length > 4 || Arrays.stream(columns).anyMatch(String::isEmpty)) {
      throw new ConfigException("data.columns", "data.columns must name 2 to 4 columns (user, item, optional "
          + "timestamp, optional rating), got '" + config.get("data.columns") + "'");
    }
    requireAtLeast("data.max_length", 1);
    requireAtLeast("data.window_stride", 1);
    if (v.string("data.samples").equals("sliding") && v.integer("data.window_stride") > maxLength()) {
      throw new ConfigException("data.window_stride", "data.window_stride must be at most data.max_length ("
          + maxLength() + ") for sliding windows, got " + config.get("data.window_stride"));
    }
    if (seq2seqStride() < 1) {
      throw new ConfigException("data.seq2seq_stride_ratio", "data.seq2seq_stride_ratio times data.max_length ("
          + maxLength() + ") must be at least 1, got " + config.get("data.seq2seq_stride_ratio"));
    }
    requireAtLeast("data.min_user_interactions", 0);
    requireAtLeast("data.min_item_interactions", 0);
    requireAtLeast("eval.batch_size", 1);
    for (int k : ks()) {
      if (k < 1) {
        throw new ConfigException("eval.ks", "eval.ks must hold positive cut-offs, got '" + config.get("eval.ks")
            + "'");
      }
    }
    TrainConfig train;
    try {
      train = trainConfig();
    } catch (IllegalArgumentException e) {
      // TrainConfig's messages start with the bare option name ("epochs must be >= 1"): add the section.
      String word = e.getMessage().split("[ ']", 2)[0];
      String key = config.containsKey("train." + word) ? "train." + word : "train";
      throw new ConfigException(key, (key.equals("train") ? "train: " : "train.") + e.getMessage());
    }
    checkMetricName("train.valid_metric", train.validMetric());
    try {
      validProtocol();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("eval.valid_protocol", "eval.valid_protocol: " + e.getMessage());
    }
    try {
      testProtocols();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("eval.test_protocols", "eval.test_protocols: " + e.getMessage());
    }
    // A dry build with two items catches what only the model can check (e.g. heads not dividing dim).
    try {
      Models.create(config.get("model.name"), modelOptions(), 2, v.integer("data.max_length"));
    } catch (RuntimeException e) {
      throw new ConfigException("model.name", "invalid settings for model " + config.get("model.name") + ": "
          + e.getMessage());
    }
  }

  /** The type of a setting is the type of its default: integer, number, true/false or text. */
  private static void checkType(String key, String value, String defaultValue) {
    if (key.equals("eval.ks")) {
      for (String part : value.split("\\s*,\\s*")) {
        if (!part.matches("-?\\d+")) {
          throw new ConfigException(key, key + " must be a list of integers such as 5,10,20, got '" + value + "'");
        }
      }
      return;
    }
    if (key.equals("data.min_rating")) {
      if (!value.isEmpty() && !isNumber(value)) {
        throw new ConfigException(key, key + " must be a number or empty (no rating filter), got '" + value + "'");
      }
      return;
    }
    if (defaultValue == null || defaultValue.isEmpty()) {
      return;
    }
    if (defaultValue.matches("-?\\d+") && !value.matches("-?\\d+")) {
      throw new ConfigException(key, key + " must be an integer, got '" + value + "'");
    }
    if (isNumber(defaultValue) && !defaultValue.matches("-?\\d+") && !isNumber(value)) {
      throw new ConfigException(key, key + " must be a number, got '" + value + "'");
    }
    if ((defaultValue.equals("true") || defaultValue.equals("false"))
        && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
      throw new ConfigException(key, key + " must be true or false, got '" + value + "'");
    }
  }

  private static boolean isNumber(String text) {
    try {
      Double.parseDouble(text);
      return !text.isBlank();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void requireChoice(String key, List<String> valid) {
    String value = config.get(key);
    boolean ok = key.equals("data.format") ? formatKnown(value) : valid.contains(value);
    if (!ok) {
      throw unknownChoice(key, value, valid);
    }
  }

  private static ConfigException unknownChoice(String key, String value, List<String> valid) {
    return new ConfigException(key, "unknown " + key + " '" + value + "'; valid: " + String.join(", ", valid));
  }

  private static boolean formatKnown(String name) {
    return FORMATS.contains(name) || List.of("grouplens", "ml100k", "recbole", "sasrec").contains(name);
  }

  private void requireAtLeast(String key, long min) {
    if (Long.parseLong(config.get(key)) < min) {
      throw new ConfigException(key, key + " must be >= " + min + ", got " + config.get(key));
    }
  }

  private void checkMetricName(String key, String name) {
    int at = name.indexOf('@');
    String family = at < 0 ? name : name.substring(0, at);
    boolean familyOk = METRIC_FAMILIES.stream().anyMatch(f -> f.equalsIgnoreCase(family));
    Integer k = null;
    if (at >= 0) {
      try {
        k = Integer.valueOf(name.substring(at + 1));
      } catch (NumberFormatException e) {
        k = null;
      }
    }
    if (!familyOk || k == null || !ks().contains(k)) {
      throw new ConfigException(key, key + " '" + name + "' is not a computed metric; valid: HR@K (alias Recall@K),"
          + " NDCG@K or MRR@K with K in eval.ks " + ks());
    }
  }

  /** "unknown setting 'x'", the closest valid key, and the valid keys of its section. */
  static String unknownKeyMessage(String key, java.util.Set<String> valid) {
    String closest = null;
    int best = Integer.MAX_VALUE;
    for (String candidate : valid) {
      int d = editDistance(key.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < best) {
        best = d;
        closest = candidate;
      }
    }
    StringBuilder message = new StringBuilder("unknown setting '").append(key).append('\'');
    if (closest != null && best <= Math.max(2, key.length() / 4)) {
      message.append(" (did you mean '").append(closest).append("'?)");
    }
    int dot = key.indexOf('.');
    String section = dot < 0 ? "" : key.substring(0, dot + 1);
    List<String> same = valid.stream().filter(k -> !section.isEmpty() && k.startsWith(section)).sorted().toList();
    if (!same.isEmpty()) {
      message.append("; valid ").append(section).append("* settings: ").append(String.join(", ", same));
    } else {
      Map<String, List<String>> bySection = new TreeMap<>();
      for (String k : new TreeSet<>(valid)) {
        bySection.computeIfAbsent(k.substring(0, Math.max(0, k.indexOf('.'))), s -> new ArrayList<>()).add(k);
      }
      message.append("; settings are grouped in sections ").append(String.join(", ", bySection.keySet()))
          .append("; valid settings: ").append(String.join(", ", new TreeSet<>(valid)));
    }
    return message.toString();
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  // ---------------------------------------------------------------------------------------------------------
  // The parts of a run

  public TrainConfig trainConfig() {
    Map<String, String> train = new LinkedHashMap<>();
    config.forEach((k, v) -> {
      if (k.startsWith("train.")) {
        train.put(k.substring(6), v);
      }
    });
    return TrainConfig.fromMap(train);
  }

  /** The window length L ({@code data.max_length}). */
  public int maxLength() {
    return Integer.parseInt(config.get("data.max_length"));
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

  /** The protocol used to pick the best checkpoint ({@code eval.valid_protocol}). */
  public Protocol validProtocol() {
    return protocol(config.get("eval.valid_protocol"));
  }

  /** The protocols of the final test ({@code eval.test_protocols}). */
  public List<Protocol> testProtocols() {
    List<Protocol> list = new ArrayList<>();
    for (String name : config.get("eval.test_protocols").split("\\s*,\\s*")) {
      list.add(protocol(name));
    }
    return list;
  }

  /** Parses a protocol name with this configuration's sampling seed. */
  public Protocol parseProtocol(String name) {
    return protocol(name);
  }

  private List<Integer> ks() {
    List<Integer> ks = new ArrayList<>();
    for (String k : config.get("eval.ks").split("\\s*,\\s*")) {
      ks.add(Integer.parseInt(k));
    }
    return ks;
  }

  private EvalConfig evalConfig(Protocol protocol) {
    Values v = new Values(config);
    return EvalConfig.of(protocol, maxLength()).withKs(ks()).withBatchSize(v.integer("eval.batch_size"));
  }

  /** A path setting resolved against the base directory; null when the setting is empty. */
  public Path resolvePath(String key) {
    String text = config.get(key);
    if (text == null || text.isBlank()) {
      return null;
    }
    Path path = Path.of(text.trim());
    return baseDir == null || path.isAbsolute() ? path : baseDir.resolve(path).normalize();
  }

  private Path existingFile(String key) {
    Path path = resolvePath(key);
    if (path == null) {
      throw new ConfigException(key, key + " is required");
    }
    if (!Files.isRegularFile(path)) {
      String where = Path.of(config.get(key).trim()).isAbsolute() ? ""
          : " (relative paths are resolved against " + (baseDir == null ? Path.of("").toAbsolutePath() : baseDir)
          + ")";
      throw new ConfigException(key, key + ": file " + path + " does not exist" + where);
    }
    return path;
  }

  /** Reads (or takes from the cache) and preprocesses the dataset. */
  public SequenceDataset loadData(PrintStream out) throws IOException {
    Values v = new Values(config);
    Path path = existingFile("data.path");
    ReadOptions options = v.bool("data.skip_bad_lines") ? ReadOptions.skippingMalformedLines()
        : ReadOptions.strict();
    DataSource source = new DataSource(List.of(path), format(v.string("data.format")), options);
    String minRating = v.string("data.min_rating");
    PreprocessConfig pre = new PreprocessConfig(minRating.isEmpty() ? null : Double.valueOf(minRating),
        v.bool("data.drop_repeats"), filter(v.string("data.filter")), v.integer("data.min_user_interactions"),
        v.integer("data.min_item_interactions"), tieRule(v.string("data.tie_rule")));
    Path cacheDir = resolvePath("data.cache_dir");
    try (TaskProgress.Task task = tasks.start("reading and preprocessing " + path.getFileName(), 0,
        "interactions")) {
      SequenceDataset dataset;
      if (cacheDir == null) {
        dataset = SequenceDataset.load(source, pre);
      } else {
        DatasetCache.Result r = DatasetCache.loadOrBuild(source, pre, cacheFile(cacheDir, source, pre));
        out.println("data: " + r.note());
        dataset = r.dataset();
      }
      task.advance(dataset.readReport() == null ? dataset.numInteractions() : dataset.readReport().interactions());
      return dataset;
    }
  }

  private static Path cacheFile(Path cacheDir, DataSource source, PreprocessConfig pre) throws IOException {
    String name = source.files().get(0).getFileName().toString() + "-"
        + DatasetCache.fingerprint(source, pre).substring(0, 12) + ".bin";
    return cacheDir.resolve(name);
  }

  /** Item titles from {@code data.titles}, or null when the setting is empty. */
  public ItemTitles titles() throws IOException {
    if (resolvePath("data.titles") == null) {
      return null;
    }
    return ItemTitles.read(existingFile("data.titles"));
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
      default -> throw unknownChoice("data.format", name, FORMATS);
    };
  }

  private static PreprocessConfig.Filter filter(String name) {
    return byLabel("data.filter", name, PreprocessConfig.Filter.values(), PreprocessConfig.Filter::label);
  }

  private static PreprocessConfig.TieRule tieRule(String name) {
    return byLabel("data.tie_rule", name, PreprocessConfig.TieRule.values(), PreprocessConfig.TieRule::label);
  }

  /** The choice whose label is {@code name}; the error lists every label, so it stays true to the enum. */
  private static <T> T byLabel(String key, String name, T[] choices, Function<T, String> label) {
    for (T choice : choices) {
      if (label.apply(choice).equals(name)) {
        return choice;
      }
    }
    throw unknownChoice(key, name, Arrays.stream(choices).map(label).toList());
  }

  /** The split of every run: leave-one-out (last item test, second-last validation). */
  public Split split(SequenceDataset dataset) {
    return Split.leaveOneOut(dataset);
  }

  /** A fresh model for the dataset's items, from the {@code model.*} settings. */
  public SequenceModel createModel(SequenceDataset dataset) {
    return Models.create(config.get("model.name"), modelOptions(), dataset.numItems(), maxLength());
  }

  /** Stride of seq2seq windows: ⌊ratio · L⌋, as LRURec's {@code int(sliding_window_size * max_len)}. */
  private int seq2seqStride() {
    return (int) (new Values(config).number("data.seq2seq_stride_ratio") * maxLength());
  }

  /** The training samples of {@code data.samples}, padded on the model's side. */
  public SampleSet<?> trainingSamples(Split split, SequenceModel model) {
    Padding padding = model.padding();
    return switch (config.get("data.samples")) {
      case "seq2seq" -> Seq2SeqSamples.of(split, maxLength(), seq2seqStride(), padding);
      case "sliding" -> Seq2SeqSamples.sliding(split, maxLength(), Integer.parseInt(config.get("data.window_stride")),
          padding);
      case "prefix" -> PrefixSamples.training(split, maxLength(), padding);
      default -> throw new ConfigException("data.samples", "data.samples must be seq2seq, sliding or prefix");
    };
  }

  /** Training interactions per item id, as the trainer takes them (popularity negatives). */
  public static long[] trainingCounts(Split split) {
    int[] counts = split.trainingItemCounts();
    long[] out = new long[counts.length];
    for (int i = 0; i < counts.length; i++) {
      out[i] = counts[i];
    }
    return out;
  }

  /** Metrics of one scorer on one stage under one protocol, with a progress bar. */
  public Metrics evaluate(Scorer scorer, EvalSet cases, Protocol protocol, String label) {
    try (TaskProgress.Task task = tasks.start(label, cases.size(), "users")) {
      Scorer counted = new Scorer() {
        @Override
        public int numItems() {
          return scorer.numItems();
        }

        @Override
        public ScoredBatch encode(int[][] histories) {
          ScoredBatch batch = scorer.encode(histories);
          task.advance(histories.length);
          return batch;
        }

        @Override
        public int window(int maxLength) {
          return scorer.window(maxLength);
        }
      };
      return new Evaluator(evalConfig(protocol)).evaluate(counted, cases).metrics();
    }
  }

  /** Metrics of a model on one stage under each protocol. */
  public List<Metrics> evaluate(SequenceModel model, EvalSet cases, List<Protocol> protocols) {
    ModelScorer scorer = new ModelScorer(model, maxLength());
    List<Metrics> out = new ArrayList<>();
    for (Protocol p : protocols) {
      out.add(evaluate(scorer, cases, p, cases.stage() + " evaluation (" + p.name() + ")"));
    }
    return out;
  }

  /** The popularity baseline (training counts of the split) on one stage under each protocol. */
  public List<Metrics> popularity(Split split, EvalSet cases, List<Protocol> protocols) {
    PopularityScorer scorer = PopularityScorer.fromTraining(split);
    List<Metrics> out = new ArrayList<>();
    for (Protocol p : protocols) {
      out.add(evaluate(scorer, cases, p, "popularity baseline (" + p.name() + ")"));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // A whole run

  /**
   * Trains (or resumes) in {@code runDir} and evaluates the best checkpoint on the test split. Writes
   * {@code config.properties} (resolved settings), {@code run.json} (versions, data fingerprint and
   * statistics, seeds; kept from the first session on resume), {@code sessions.jsonl}, the trainer's files
   * ({@code metrics.jsonl}, {@code latest.ckpt}, {@code best.ckpt}) and {@code results.json}.
   */
  public Outcome run(Path runDir, boolean resume, TrainProgress progress, PrintStream out) throws IOException {
    try (HeapWatch heap = new HeapWatch()) {
      return run(runDir, resume, progress, out, heap);
    }
  }

  private Outcome run(Path runDir, boolean resume, TrainProgress progress, PrintStream out, HeapWatch heap)
      throws IOException {
    long started = System.nanoTime();
    Files.createDirectories(runDir);
    Map<String, String> changed = resume ? changedSettings(runDir) : Map.of();
    writeConfig(runDir.resolve("config.properties"));
    SequenceDataset dataset = loadData(out);
    Split split = split(dataset);
    out.println("data: " + dataset.numUsers() + " users, " + dataset.numItems() + " items, "
        + dataset.numInteractions() + " interactions; " + split.describe());
    Path provenance = runDir.resolve("run.json");
    if (!resume || !Files.isRegularFile(provenance)) {
      writeProvenance(provenance, dataset, split);
    }
    appendSession(runDir.resolve("sessions.jsonl"), resume, changed);
    SequenceModel model = createModel(dataset);
    SampleSet<?> samples = trainingSamples(split, model);
    out.println("model: " + model.name() + ", " + model.parameterCount() + " parameters; " + samples.size()
        + " training samples");
    Evaluator validator = new Evaluator(evalConfig(validProtocol()));
    int maxLength = maxLength();
    Trainer.Validation validation = m -> validator.evaluate(new ModelScorer(m, maxLength), split.validation())
        .metrics().values();
    Map<String, String> metadata = new LinkedHashMap<>();
    config.forEach((k, val) -> metadata.put("config." + k, val));
    metadata.put("data.fingerprint", dataset.fingerprint() == null ? "" : dataset.fingerprint());
    metadata.put("sequent.version", Versions.sequent());
    metadata.put("git.commit", Versions.gitCommit());
    Map<String, byte[]> sections = Map.of("items", String.join("\n", dataset.items().rawIds())
        .getBytes(StandardCharsets.UTF_8));
    Trainer trainer = new Trainer(model, trainConfig(), samples, dataset, trainingCounts(split), validation,
        runDir, metadata,
        sections, progress);
    Trainer.Result result = trainer.fit(resume);

    List<Metrics> test = evaluate(model, split.test(), testProtocols());
    List<Metrics> popularity = new Values(config).bool("eval.popularity_baseline")
        ? popularity(split, split.test(), testProtocols()) : List.of();
    out.print(MetricsTable.format(test, popularity, model.name()));
    double seconds = (System.nanoTime() - started) / 1e9;
    long peak = HeapWatch.poolPeaks();
    writeResults(runDir, result, test, popularity, dataset, seconds, peak, heap.peakAfterGc());
    return new Outcome(result, test, dataset, seconds, peak, popularity);
  }

  private void writeConfig(Path file) throws IOException {
    StringBuilder sb = new StringBuilder("# resolved Sequent configuration\n");
    new TreeMap<>(config).forEach((k, val) -> sb.append(k).append(" = ").append(val).append('\n'));
    AtomicFiles.writeString(file, sb.toString());
  }

  /** Reads the resolved settings of a run folder's {@code config.properties} (as written by {@link #run}). */
  public static Map<String, String> readConfig(Path file) throws IOException {
    Map<String, String> settings = new TreeMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf(" = ");
      if (!line.startsWith("#") && eq > 0) {
        settings.put(line.substring(0, eq), line.substring(eq + 3));
      }
    }
    return settings;
  }

  /**
   * The settings that differ from the ones a run folder last trained with ({@code config.properties}): each
   * changed key with its earlier value, null where it was unset. Empty when the folder has no settings yet.
   */
  public Map<String, String> changedSettings(Path runDir) throws IOException {
    Path file = runDir.resolve("config.properties");
    Map<String, String> changed = new TreeMap<>();
    if (Files.isRegularFile(file)) {
      Map<String, String> before = readConfig(file);
      config.forEach((key, value) -> {
        if (!value.equals(before.get(key))) {
          changed.put(key, before.get(key));
        }
      });
    }
    return changed;
  }

  /** The seeds that, with the thread count, determine every number of a run. */
  private Map<String, String> seeds() {
    Map<String, String> seeds = new LinkedHashMap<>();
    for (String key : List.of("train.seed", "model.seed", "eval.seed")) {
      if (config.containsKey(key)) {
        seeds.put(key, config.get(key));
      }
    }
    return seeds;
  }

  /**
   * sessions.jsonl: one line per process that trained in the folder (the first and every resume), since a
   * long run may be resumed on another commit, JDK or thread count, and with other settings (a resume's
   * {@code changed}: the new values of the settings that differ from the session before); run.json keeps the
   * first session's.
   */
  private void appendSession(Path file, boolean resume, Map<String, String> changed) throws IOException {
    StringBuilder values = new StringBuilder();
    for (String key : changed.keySet()) {
      values.append(values.isEmpty() ? "" : ", ").append(Json.quote(key)).append(": ")
          .append(Json.quote(config.get(key)));
    }
    String line = "{\"started\": " + Json.quote(Instant.now().toString())
        + ", \"resume\": " + resume
        + ", \"commit\": " + Json.quote(Versions.gitCommit())
        + ", \"java\": " + Json.quote(System.getProperty("java.version"))
        + ", \"threads\": " + Parallel.threads()
        + ", \"cpu\": " + Json.quote(Versions.cpu())
        + (resume ? ", \"changed\": {" + values + "}" : "") + "}\n";
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** run.json: everything needed to reproduce the run besides the config (versions, data, seeds, threads, CPU). */
  private void writeProvenance(Path file, SequenceDataset dataset, Split split) throws IOException {
    Path dataPath = resolvePath("data.path");
    String json = "{\n"
        + "  \"sequent\": " + Json.quote(Versions.sequent()) + ",\n"
        + "  \"commit\": " + Json.quote(Versions.gitCommit()) + ",\n"
        + "  \"started\": " + Json.quote(Instant.now().toString()) + ",\n"
        + "  \"java\": " + Json.quote(System.getProperty("java.version") + " ("
            + System.getProperty("java.vm.name") + ")") + ",\n"
        + "  \"os\": " + Json.quote(System.getProperty("os.name") + " " + System.getProperty("os.arch")) + ",\n"
        + "  \"threads\": " + Parallel.threads() + ",\n"
        + "  \"cpu\": " + Json.quote(Versions.cpu()) + ",\n"
        + "  \"model\": " + Json.quote(config.get("model.name")) + ",\n"
        + "  \"data_path\": " + Json.quote(dataPath == null ? "" : dataPath.toAbsolutePath().toString()) + ",\n"
        + "  \"data_fingerprint\": " + Json.quote(dataset.fingerprint() == null ? "" : dataset.fingerprint())
        + ",\n"
        + "  \"seeds\": " + JsonText.strings(seeds()) + ",\n"
        + "  \"data\": " + DataSummary.of(dataset, split).toJson() + "\n"
        + "}\n";
    AtomicFiles.writeString(file, json);
  }

  private void writeResults(Path runDir, Trainer.Result r, List<Metrics> test, List<Metrics> popularity,
                            SequenceDataset dataset, double seconds, long peak, long peakLive)
      throws IOException {
    StringBuilder json = new StringBuilder("{\n");
    json.append(String.format(Locale.ROOT, "  \"model\": %s,\n  \"steps\": %d,\n  \"epochs\": %d,\n"
            + "  \"best_step\": %d,\n  \"best_valid\": %s,\n  \"valid_metric\": %s,\n  \"stop_reason\": \"%s\",\n"
            + "  \"train_seconds\": %.1f,\n  \"wall_seconds\": %.1f,\n  \"peak_heap_mb\": %.0f,\n"
            + "  \"peak_live_heap_mb\": %.0f,\n"
            + "  \"sequent\": \"%s\",\n  \"commit\": \"%s\",\n  \"data_fingerprint\": %s,\n  \"seeds\": %s,\n",
        Json.quote(config.get("model.name")), r.steps(), r.epochs(), r.bestStep(),
        JsonText.number(r.bestValue()), Json.quote(trainConfig().validMetric()), r.stopReason().label(),
        r.seconds(), seconds, peak / 1e6, peakLive / 1e6, Versions.sequent(), Versions.gitCommit(),
        Json.quote(dataset.fingerprint() == null ? "" : dataset.fingerprint()), JsonText.strings(seeds())));
    StringBuilder bestJson = new StringBuilder("{");
    r.bestMetrics().forEach((k, v) -> bestJson.append(bestJson.length() == 1 ? "" : ", ").append(Json.quote(k))
        .append(": ").append(JsonText.number(v)));
    json.append("  \"best_valid_metrics\": ").append(bestJson).append("},\n");
    json.append("  \"test\": ").append(jsonArray(test)).append(",\n");
    json.append("  \"popularity\": ").append(jsonArray(popularity)).append('\n');
    json.append("}\n");
    AtomicFiles.writeString(runDir.resolve("results.json"), json.toString());
  }

  private static String jsonArray(List<Metrics> list) {
    if (list.isEmpty()) {
      return "[]";
    }
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < list.size(); i++) {
      out.append(i == 0 ? "\n    " : ",\n    ").append(list.get(i).toJson().replace("\n", "\n    "));
    }
    return out.append("\n  ]").toString();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Checkpoints

  /** Loads a checkpoint's model (for evaluation and serving). */
  public static SequenceModel loadModel(Checkpoint checkpoint) {
    Map<String, String> meta = checkpoint.metadata();
    Map<String, String> options = new LinkedHashMap<>();
    meta.forEach((k, val) -> {
      if (k.startsWith("config.model.") && !k.equals("config.model.name")) {
        options.put(k.substring("config.model.".length()), val);
      }
    });
    SequenceModel model = Models.create(checkpoint.require("config.model.name"), options,
        itemIds(checkpoint).size(), Integer.parseInt(checkpoint.require("config.data.max_length")));
    model.loadParameters(checkpoint.parameters());
    model.train(false);
    return model;
  }

  /** The raw item ids stored in a checkpoint (index k holds item k + 1). */
  public static List<String> itemIds(Checkpoint checkpoint) {
    byte[] items = checkpoint.section("items");
    if (items == null) {
      throw new IllegalArgumentException("the checkpoint has no item vocabulary; it was not written by a "
          + "training run");
    }
    return List.of(new String(items, StandardCharsets.UTF_8).split("\n", -1));
  }

  /**
   * The experiment a checkpoint was trained with (its resolved settings), with {@code overrides} on top,
   * e.g. another {@code data.path} or other {@code eval.*} settings.
   */
  public static Experiment fromCheckpoint(Checkpoint checkpoint, Map<String, String> overrides, Path baseDir) {
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, String> known = defaults();
    String model = checkpoint.require("config.model.name");
    try {
      Models.defaults(model).forEach((k, v) -> known.put("model." + k, v));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the checkpoint's model '" + model + "' is not available in this "
          + "Sequent; available: " + Models.names());
    }
    checkpoint.metadata().forEach((k, v) -> {
      // Settings that no longer exist are dropped: the weights and vocabulary are what matter here.
      if (k.startsWith("config.") && known.containsKey(k.substring(7))) {
        settings.put(k.substring(7), v);
      }
    });
    settings.putAll(overrides);
    return new Experiment(settings, baseDir);
  }

  /**
   * Checks that a dataset has the vocabulary a checkpoint was trained on, so its item ids mean the same
   * items; a different fingerprint with the same vocabulary is allowed (e.g. the same data in a new place).
   */
  public static void checkVocabulary(Checkpoint checkpoint, SequenceDataset dataset) {
    List<String> trained = itemIds(checkpoint);
    List<String> now = dataset.items().rawIds();
    if (!trained.equals(now)) {
      throw new IllegalArgumentException("the data (" + dataset.numItems() + " items) does not have the item "
          + "vocabulary the checkpoint was trained on (" + trained.size() + " items): different data or "
          + "preprocessing settings");
    }
  }
}
