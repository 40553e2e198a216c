package dev.sequent.core.train;

import dev.sequent.core.data.RowBatch;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.tensor.Arena;
import dev.sequent.tensor.Losses;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.optim.Adam;
import dev.sequent.tensor.optim.GradClip;
import dev.sequent.tensor.optim.LrSchedule;
import dev.sequent.tensor.optim.ParamGroups;

/**
 * One optimizer step on a batch: loss, NaN guard, backward (in parts of {@code micro_batch_size} rows, if
 * set), gradient clipping, learning-rate schedule, AdamW. The intermediate buffers of a step (of a part) come
 * from an {@link Arena} reused across steps.
 */
public final class StepRunner {
  private final SequenceModel model;
  private final TrainConfig config;
  private final Objective objective;
  private final Adam optimizer;
  private final LrSchedule schedule;
  private final Arena arena = new Arena();
  private int lastTargets;

  /**
   * @param totalSteps the planned number of steps (for decaying schedules)
   * @param itemCounts training interaction count per item id (popularity negatives), or null
   */
  public StepRunner(SequenceModel model, TrainConfig config, SequenceDataset dataset, long[] itemCounts,
                    long totalSteps) {
    this.model = model;
    this.config = config;
    this.objective = new Objective(model, config, dataset, itemCounts);
    ParamGroups groups = ParamGroups.decayUnless(config.noDecay().toArray(new String[0]));
    this.optimizer = Adam.adamW().lr(config.learningRate()).betas(config.beta1(), config.beta2())
        .eps(config.adamEps()).weightDecay(config.weightDecay()).groups(groups).build(model.namedParameters());
    double lr = config.learningRate();
    long warmup = config.warmupSteps();
    this.schedule = switch (config.schedule()) {
      case "linear" -> LrSchedule.linearWarmupLinearDecay(lr, warmup, totalSteps);
      case "cosine" -> LrSchedule.linearWarmupCosine(lr, warmup, totalSteps);
      default -> warmup > 0 ? step -> lr * Math.min(1.0, (double) step / warmup) : LrSchedule.constant(lr);
    };
  }

  public Adam optimizer() {
    return optimizer;
  }

  /** Trains on one batch ({@code Seq2SeqBatch} or {@code PrefixBatch}); {@code step} counts from 0. */
  public float step(Object batch, long step) {
    float loss = accumulateGradients(batch, step);
    if (config.clipNorm() > 0) {
      GradClip.clipNorm(model.namedParameters(), config.clipNorm());
    }
    optimizer.setLr(schedule.lr(step));
    optimizer.step();
    optimizer.zeroGrad();
    return loss;
  }

  /**
   * Adds the batch's loss gradient to the parameters' gradients and returns the loss. A batch of more than
   * {@code micro_batch_size} rows is split into parts of that many rows, each with its own forward and
   * backward pass and its own buffers; each part's mean loss is weighted by its share of the batch's
   * targets, so the gradient is the whole batch's (up to rounding, and to the random draws of dropout,
   * negatives and Cloze masks, which differ per part).
   */
  float accumulateGradients(Object batch, long step) {
    model.train(true);
    RowBatch whole = (RowBatch) batch;
    int rows = whole.size();
    int partRows = config.microBatchSize() > 0 ? Math.min(config.microBatchSize(), rows) : rows;
    boolean split = partRows < rows;
    double weightedLoss = 0;
    long targets = 0;
    for (int from = 0, part = 0; from < rows; from += partRows, part++) {
      try (Arena a = arena.open()) {
        RowBatch partBatch = split ? whole.rows(from, Math.min(rows, from + partRows)) : whole;
        Tensor loss = Losses.requireFinite(objective.loss(partBatch, step, part), "training step " + (step + 1));
        int partTargets = objective.lastTargets();
        (split ? loss.mul(partTargets) : loss).backward();
        weightedLoss += (double) loss.item() * partTargets;
        targets += partTargets;
      }
    }
    lastTargets = (int) targets;
    if (targets == 0) {
      return 0f;
    }
    if (split) {
      GradClip.scale(model.namedParameters(), (float) (1.0 / targets));
    }
    return (float) (weightedLoss / targets);
  }

  /** Drops the buffers pooled for the next step (they are allocated again by it), e.g. to evaluate. */
  public void releaseBuffers() {
    arena.release();
  }

  /** Bytes of the intermediate tensors and gradients the last step used (pooled for the next step). */
  public long stepBuffersBytes() {
    return arena.footprintBytes();
  }

  /**
   * Targets the last step's loss was taken over (for throughput figures): the labelled positions, or for
   * Cloze models the masked ones.
   */
  public int lastTargets() {
    return lastTargets;
  }
}
