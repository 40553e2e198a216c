package dev.sequent.core.train;

import dev.sequent.core.data.BatchSource;
import dev.sequent.core.data.SampleSet;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.eval.Metrics;
import dev.sequent.core.model.SequenceModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Trains a {@link SequenceModel}: shuffled batches, loss, backward, clipping, AdamW; validation every N steps
 * or every epoch; early stopping on a metric; the best checkpoint kept and reloaded at the end; periodic
 * checkpoints from which a run resumes exactly (weights, optimizer, dropout generator, data position, step).
 *
 * <p>Files in the run folder: {@code latest.ckpt}, {@code best.ckpt}, {@code metrics.jsonl} (one JSON line
 * per validation and one per 50 training steps).
 */
public final class Trainer {

  /** Computes validation metrics (by name, e.g. "Recall@10") for the model in eval mode. */
  @FunctionalInterface
  public interface Validation {
    Map<String, Double> run(SequenceModel model);
  }

  /** Why training ended. */
  public enum StopReason {
    /** {@code stopping_step} validations without improvement. */
    EARLY_STOPPING,
    /** {@code max_hours} of training had passed at a validation. */
    TIME_BUDGET,
    /** {@code max_steps} reached. */
    MAX_STEPS,
    /** {@code epochs} done. */
    EPOCHS;

    /** Lower case with spaces, as written to results files. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
  }

  /** What a run ended with. */
  public record Result(long steps, int epochs, double bestValue, long bestStep, StopReason stopReason,
                       double seconds, Map<String, Double> bestMetrics) {}

  private static final int LOG_EVERY = 50;

  private final SequenceModel model;
  private final TrainConfig config;
  private final SampleSet<?> samples;
  private final Validation validation;
  private final Path runDir;
  private final Map<String, String> metadata;
  private final Map<String, byte[]> extraSections;
  private final TrainProgress progress;
  private final StepRunner runner;
  private final long stepsPerEpoch;
  private final long totalSteps;

  // Position and early-stopping state: everything a resumed run needs besides weights and optimizer.
  private final BatchSource<?> source;
  private long step;
  private double bestValue = Double.NEGATIVE_INFINITY;
  private long bestStep = -1;
  private int badValidations;
  private double elapsedBefore;
  /** The last step the run may stop at for its time budget: a validation, or where a resumed run restarts. */
  private long stoppableStep = -1;
  private Map<String, Double> bestMetrics = Map.of();

  /**
   * @param dataset the dataset the samples come from (BCE negatives avoid each user's items)
   * @param itemCounts training interaction count per item id (for popularity negatives), or null
   * @param metadata resolved config, data fingerprint and versions, stored in every checkpoint
   * @param extraSections e.g. the vocabulary, stored in every checkpoint so it can serve on its own
   */
  public Trainer(SequenceModel model, TrainConfig config, SampleSet<?> samples, SequenceDataset dataset,
                 long[] itemCounts, Validation validation, Path runDir, Map<String, String> metadata,
                 Map<String, byte[]> extraSections, TrainProgress progress) {
    this.model = model;
    this.config = config;
    this.samples = samples;
    this.validation = validation;
    this.runDir = runDir;
    this.metadata = new LinkedHashMap<>(metadata);
    this.extraSections = new LinkedHashMap<>(extraSections);
    this.progress = progress;
    this.stepsPerEpoch = (samples.size() + config.batchSize() - 1) / config.batchSize();
    long planned = stepsPerEpoch * config.epochs();
    this.totalSteps = config.maxSteps() > 0 ? Math.min(planned, config.maxSteps()) : planned;
    this.runner = new StepRunner(model, config, dataset, itemCounts, totalSteps);
    this.source = new BatchSource<>(samples, config.batchSize(), true, config.seed());
  }

  public Path latestCheckpoint() {
    return runDir.resolve("latest.ckpt");
  }

  public Path bestCheckpoint() {
    return runDir.resolve("best.ckpt");
  }

  /**
   * Trains until the epochs, steps or time budget run out or early stopping triggers, then loads the best
   * weights into the model. With {@code resume} and an existing {@code latest.ckpt}, continues that run
   * exactly (a run that had already met a stopping rule stops at once).
   */
  public Result fit(boolean resume) throws IOException {
    Files.createDirectories(runDir);
    if (resume && Files.exists(latestCheckpoint())) {
      restore(Checkpoint.read(latestCheckpoint()));
      progress.message(String.format(Locale.ROOT, "resumed at step %d (epoch %d, sample %d)", step, source.epoch(),
          source.nextIndex()));
    } else if (config.evalAtStart()) {
      validate(0.0);
    }
    long started = System.nanoTime();
    long firstStep = step;
    StopReason reason;
    double lossSum = 0;
    int lossCount = 0;
    long targetsSinceLog = 0;
    long logStarted = System.nanoTime();
    while ((reason = stopReason(elapsedBefore + (System.nanoTime() - started) / 1e9)) == null) {
      int epochBefore = source.epoch();
      Object batch = source.next();
      float loss = runner.step(batch, step);
      step++;
      lossSum += loss;
      lossCount++;
      targetsSinceLog += runner.lastTargets();
      double elapsed = elapsedBefore + (System.nanoTime() - started) / 1e9;
      if (step % LOG_EVERY == 0) {
        double seconds = (System.nanoTime() - logStarted) / 1e9;
        log(String.format(Locale.ROOT, "{\"type\":\"train\",\"step\":%d,\"epoch\":%d,\"loss\":%.6f,"
            + "\"targets_per_s\":%.1f}", step, epochBefore, lossSum / lossCount, targetsSinceLog / seconds));
        // ETA from this session's pace (validations included), not from step 0: a resumed run started later.
        double eta = (System.nanoTime() - started) / 1e9 / (step - firstStep) * Math.max(0, totalSteps - step);
        if (config.maxHours() > 0) {
          eta = Math.min(eta, Math.max(0, config.maxHours() * 3600 - elapsed)); // to the budget's validation
        }
        progress.step(step, totalSteps, epochBefore, lossSum / lossCount, targetsSinceLog / seconds, eta);
        lossSum = 0;
        lossCount = 0;
        targetsSinceLog = 0;
        logStarted = System.nanoTime();
      }
      boolean epochEnded = source.epoch() > epochBefore;
      if (config.evalEverySteps() > 0 ? step % config.evalEverySteps() == 0 : epochEnded) {
        validate(elapsed);
      } else if (config.checkpointEverySteps() > 0 && step % config.checkpointEverySteps() == 0) {
        saveCheckpoint(latestCheckpoint(), elapsed);
      }
    }
    double seconds = elapsedBefore + (System.nanoTime() - started) / 1e9;
    runner.releaseBuffers();
    saveCheckpoint(latestCheckpoint(), seconds);
    if (Files.exists(bestCheckpoint())) {
      model.loadParameters(Checkpoint.read(bestCheckpoint()).parameters());
    }
    progress.done();
    return new Result(step, source.epoch(), bestValue, bestStep, reason, seconds, bestMetrics);
  }

  /** Why training should stop now, or null to go on. */
  private StopReason stopReason(double elapsed) {
    if (config.stoppingStep() > 0 && badValidations >= config.stoppingStep()) {
      return StopReason.EARLY_STOPPING;
    }
    if (config.maxHours() > 0 && elapsed >= config.maxHours() * 3600 && step == stoppableStep) {
      return StopReason.TIME_BUDGET;
    }
    if (config.maxSteps() > 0 && step >= config.maxSteps()) {
      return StopReason.MAX_STEPS;
    }
    return source.epoch() >= config.epochs() ? StopReason.EPOCHS : null;
  }

  /** Validates, then updates the best checkpoint and the early-stopping state. */
  private void validate(double elapsed) throws IOException {
    // The step's pooled buffers (most of training's memory) would sit beside the evaluation's own.
    runner.releaseBuffers();
    model.train(false);
    Map<String, Double> metrics = validation.run(model);
    Double value = metrics.get(config.validMetric());
    if (value == null) {
      value = metrics.get(Metrics.plainName(config.validMetric()));
    }
    if (value == null) {
      throw new IllegalArgumentException("valid_metric '" + config.validMetric() + "' is not among the computed "
          + "metrics " + metrics.keySet());
    }
    boolean improved = value > bestValue;
    if (improved) {
      bestValue = value;
      bestStep = step;
      bestMetrics = metrics;
      badValidations = 0;
    } else {
      badValidations++;
    }
    StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
        "{\"type\":\"valid\",\"step\":%d,\"epoch\":%d,\"elapsed_s\":%.1f", step, source.epoch(), elapsed));
    metrics.forEach((k, v) -> json.append(String.format(Locale.ROOT, ",\"%s\":%.6f", k, v)));
    json.append(",\"best\":").append(improved).append('}');
    log(json.toString());
    progress.message(String.format(Locale.ROOT, "step %d: %s %.5f%s", step, config.validMetric(), value,
        improved ? " (best)" : " (best " + String.format(Locale.ROOT, "%.5f", bestValue) + " at step " + bestStep
            + ")"));
    if (improved) {
      saveCheckpoint(bestCheckpoint(), elapsed);
    }
    saveCheckpoint(latestCheckpoint(), elapsed);
    stoppableStep = step;
  }

  private void log(String line) {
    try {
      Files.writeString(runDir.resolve("metrics.jsonl"), line + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metrics log in " + runDir, e);
    }
  }

  private void saveCheckpoint(Path file, double elapsed) throws IOException {
    Map<String, float[]> params = new LinkedHashMap<>();
    model.namedParameters().forEach((name, t) -> params.put(name, t.toArray()));
    Map<String, byte[]> sections = new LinkedHashMap<>(extraSections);
    sections.put("optimizer", Checkpoint.bytes(runner.optimizer()::save));
    sections.put("trainer", Checkpoint.bytes(out -> {
      out.writeLong(step);
      out.writeInt(source.epoch());
      out.writeInt(source.nextIndex());
      out.writeDouble(bestValue);
      out.writeLong(bestStep);
      out.writeInt(badValidations);
      out.writeLong(model.rng().state());
      out.writeDouble(elapsed);
      out.writeInt(bestMetrics.size());
      for (Map.Entry<String, Double> e : bestMetrics.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeDouble(e.getValue());
      }
    }));
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put("model", model.name());
    meta.put("step", Long.toString(step));
    config.toMap().forEach((k, v) -> meta.put("train." + k, v));
    new Checkpoint(meta, params, sections).write(file);
  }

  private void restore(Checkpoint checkpoint) throws IOException {
    model.loadParameters(checkpoint.parameters());
    byte[] opt = checkpoint.section("optimizer");
    byte[] state = checkpoint.section("trainer");
    if (opt == null || state == null) {
      throw new IOException("checkpoint " + latestCheckpoint() + " has no training state to resume from");
    }
    runner.optimizer().load(Checkpoint.reader(opt));
    var in = Checkpoint.reader(state);
    step = in.readLong();
    source.seek(in.readInt(), in.readInt());
    bestValue = in.readDouble();
    bestStep = in.readLong();
    badValidations = in.readInt();
    model.rng().setState(in.readLong());
    elapsedBefore = in.readDouble();
    stoppableStep = step;
    int n = in.readInt();
    Map<String, Double> best = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      best.put(in.readUTF(), in.readDouble());
    }
    bestMetrics = best;
  }
}
