package dev.sequent.cli;

import dev.sequent.core.data.BatchSource;
import dev.sequent.core.data.SampleSet;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import dev.sequent.core.infer.Recommender;
import dev.sequent.core.model.RecurrentState;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.core.run.ConfigException;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.run.HeapWatch;
import dev.sequent.core.train.StepRunner;
import dev.sequent.core.train.TrainConfig;
import dev.sequent.tensor.Parallel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sequent bench CONFIG}: times training steps and inference of a config's model on its data. A quick
 * check of a machine or a setting; the reproducible benchmark programs live in {@code bench/}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Time training steps and inference for a config's model on its data.",
        "",
        "Prints ms per training step, targets/s, seconds per epoch and training memory (the step's buffers and the "
            + "peak heap after a GC); a full re-encode of a max-length history + top-10; and, for incremental "
            + "models, one incremental event + top-10.",
        "Weights are freshly initialised: speed does not depend on training."})
final class BenchCommand extends ConfigCommand implements Callable<Integer> {
  /** Untimed inference requests first (ten times as many incremental events). */
  private static final int INFERENCE_WARMUP = 200;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "YAML config, e.g. configs/lrurec-ml1m.yaml")
  void config(Path file) {
    config = file;
  }


  @Option(names = "--steps", defaultValue = "10", description = "Timed training steps (default 10)")
  int steps;

  @Option(names = "--warmup", defaultValue = "3",
      description = "Untimed training steps first (default 3); inference warms up on at least 200 requests")
  int warmup;

  @Option(names = "--requests", defaultValue = "50", description = "Timed inference requests (default 50)")
  int requests;

  @Option(names = "--json", description = "Print the timings as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (steps < 1 || requests < 1 || warmup < 0) {
      throw new UserException("--steps and --requests must be >= 1 and --warmup >= 0");
    }
    Experiment experiment = experiment();
    SequenceDataset dataset;
    try {
      dataset = experiment.loadData(main.err);
    } catch (ConfigException e) {
      throw explain(e);
    }
    Split split = experiment.split(dataset);
    SequenceModel model = experiment.createModel(dataset);
    SampleSet<?> samples = experiment.trainingSamples(split, model);
    TrainConfig train = experiment.trainConfig();
    int maxLength = experiment.maxLength();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("model", model.name());
    result.put("items", dataset.numItems());
    result.put("max_length", maxLength);
    result.put("batch_size", train.batchSize());
    result.put("threads", Parallel.threads());

    // Training: the same step the trainer runs (loss, backward, clipping, AdamW) on shuffled batches.
    HeapWatch heap = new HeapWatch();
    StepRunner runner = new StepRunner(model, train, dataset, Experiment.trainingCounts(split), warmup + steps);
    BatchSource<?> source = new BatchSource<>(samples, train.batchSize(), true, train.seed());
    long step = 0;
    for (int i = 0; i < warmup; i++) {
      runner.step(source.next(), step++);
    }
    long targets = 0;
    long started = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      runner.step(source.next(), step++);
      targets += runner.lastTargets();
    }
    double trainSeconds = (System.nanoTime() - started) / 1e9;
    long stepsPerEpoch = (samples.size() + train.batchSize() - 1) / train.batchSize();
    result.put("train_ms_per_step", 1000 * trainSeconds / steps);
    result.put("train_targets_per_s", targets / trainSeconds);
    result.put("steps_per_epoch", stepsPerEpoch);
    result.put("train_s_per_epoch", stepsPerEpoch * trainSeconds / steps);
    result.put("step_buffers_mb", runner.stepBuffersBytes() / 1e6);
    result.put("train_peak_live_heap_mb", heap.peakAfterGc() / 1e6);
    heap.close();

    // Inference: the longest user's last L items, as a server would see a long-standing user.
    model.train(false);
    Recommender recommender = new Recommender(model, maxLength, dataset.items().rawIds());
    int longest = 0;
    for (int u = 1; u < dataset.numUsers(); u++) {
      if (dataset.length(u) > dataset.length(longest)) {
        longest = u;
      }
    }
    int[] sequence = dataset.sequence(longest);
    int[] history = java.util.Arrays.copyOfRange(sequence, Math.max(0, sequence.length - maxLength),
        sequence.length);
    // Inference paths are only reached here, so they get their own warm-up for the JIT compiler.
    for (int i = 0; i < Math.max(warmup, INFERENCE_WARMUP); i++) {
      recommender.recommend(history, 10, null);
    }
    started = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      recommender.recommend(history, 10, null);
    }
    double fullSeconds = (System.nanoTime() - started) / 1e9;
    result.put("history_length", history.length);
    result.put("full_ms_per_request", 1000 * fullSeconds / requests);
    result.put("full_tokens_per_s", (double) history.length * requests / fullSeconds);

    if (recommender.isIncremental()) {
      RecurrentState state = recommender.initialState();
      for (int item : history) {
        recommender.advance(state, item);
      }
      // Events cycle through the history's items, so the state keeps moving like a live user's.
      int events = Math.max(requests, 1000);
      for (int i = 0; i < 10 * INFERENCE_WARMUP; i++) {
        recommender.topK(recommender.advance(state, history[i % history.length]), 10, null);
      }
      started = System.nanoTime();
      for (int i = 0; i < events; i++) {
        recommender.topK(recommender.advance(state, history[i % history.length]), 10, null);
      }
      double incrementalSeconds = (System.nanoTime() - started) / 1e9;
      result.put("incremental_us_per_event", 1e6 * incrementalSeconds / events);
    }
    print(result);
    return 0;
  }

  private void print(Map<String, Object> r) {
    if (json) {
      StringBuilder out = new StringBuilder("{");
      r.forEach((k, v) -> out.append(out.length() == 1 ? "" : ", ").append('"').append(k).append("\": ")
          .append(v instanceof String s ? "\"" + s + "\"" : v instanceof Double d
              ? String.format(Locale.ROOT, "%.3f", d) : v.toString()));
      main.out.println(out.append('}'));
      return;
    }
    main.out.println(String.format(Locale.ROOT, "bench: %s, %d items, L = %d, batch %d, %d threads", r.get("model"),
        r.get("items"), r.get("max_length"), r.get("batch_size"), r.get("threads")));
    main.out.println(String.format(Locale.ROOT, "  training step:              %9.2f ms   %10.0f targets/s  "
        + "(%d steps after %d warm-up)", r.get("train_ms_per_step"), r.get("train_targets_per_s"), steps, warmup));
    main.out.println(String.format(Locale.ROOT, "  training epoch:             %9.1f s    (%d steps)",
        r.get("train_s_per_epoch"), r.get("steps_per_epoch")));
    main.out.println(String.format(Locale.ROOT, "  training memory:            %9.0f MB step buffers, %.0f MB peak "
        + "heap after a GC", r.get("step_buffers_mb"), r.get("train_peak_live_heap_mb")));
    main.out.println(String.format(Locale.ROOT, "  full re-encode + top-10:    %9.3f ms   %10.0f tokens/s   "
            + "(history of %d, %d requests)", r.get("full_ms_per_request"), r.get("full_tokens_per_s"),
        r.get("history_length"), requests));
    if (r.containsKey("incremental_us_per_event")) {
      main.out.println(String.format(Locale.ROOT, "  incremental event + top-10: %9.1f µs",
          r.get("incremental_us_per_event")));
    } else {
      main.out.println("  incremental event + top-10: not available (" + r.get("model") + " has no incremental "
          + "state)");
    }
  }
}
