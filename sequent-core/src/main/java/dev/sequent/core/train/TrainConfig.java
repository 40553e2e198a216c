package dev.sequent.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to train: schedule, optimizer, loss, validation and checkpoints. Names follow RecBole where one
 * exists ({@code epochs}, {@code train_batch_size}, {@code learning_rate}, {@code stopping_step},
 * {@code valid_metric}); see {@link #toMap()}.
 *
 * @param epochs maximum number of passes over the training samples
 * @param maxSteps stop after this many optimizer steps (0 = no limit)
 * @param maxHours stop at the first validation after this many hours of training, all sessions of the run
 *     together (0 = no limit): a time-boxed run still ends with a validated best checkpoint and its test
 * @param batchSize samples per step
 * @param microBatchSize samples per forward and backward pass (0 = the whole batch): a larger batch is split
 *     and its gradients accumulated into the same update, with less memory
 * @param learningRate peak learning rate
 * @param warmupSteps linear warm-up steps (0 = none)
 * @param schedule "constant", "linear" (decay to 0 at the last step) or "cosine"
 * @param beta1 Adam β1
 * @param beta2 Adam β2
 * @param adamEps Adam ε
 * @param weightDecay decoupled (AdamW) weight decay
 * @param noDecay parameters whose name contains any of these are not decayed
 * @param clipNorm gradient-norm clipping threshold (0 = off)
 * @param loss "ce" (full softmax), "bce" (one sampled negative per position) or "sampled" (sampled softmax)
 * @param negatives negatives per step for "sampled", per position for "bce"
 * @param logQ subtract log-probabilities of the sampling distribution in "sampled" (Yi et al., 2019)
 * @param ceChunk item columns per tile of the chunked full-softmax loss
 * @param evalEverySteps validate every this many steps (0 = at the end of every epoch)
 * @param evalAtStart validate once before training (LRURec does)
 * @param validMetric metric that selects the best checkpoint, e.g. "Recall@10"
 * @param stoppingStep stop after this many validations without strict improvement (0 = never)
 * @param checkpointEverySteps write the latest checkpoint every this many steps (0 = at validations only)
 * @param seed seed of the sample order and of sampled negatives
 */
public record TrainConfig(
    int epochs, long maxSteps, double maxHours, int batchSize, int microBatchSize, double learningRate,
    long warmupSteps, String schedule, double beta1, double beta2, double adamEps, double weightDecay,
    List<String> noDecay, double clipNorm, String loss, int negatives, boolean logQ, int ceChunk,
    long evalEverySteps, boolean evalAtStart, String validMetric, int stoppingStep, long checkpointEverySteps,
    long seed) {

  public TrainConfig {
    noDecay = List.copyOf(noDecay);
    require(epochs >= 1, "epochs must be >= 1, got " + epochs);
    require(maxSteps >= 0, "max_steps must be >= 0, got " + maxSteps);
    require(maxHours >= 0, "max_hours must be >= 0, got " + maxHours);
    require(batchSize >= 1, "train_batch_size must be >= 1, got " + batchSize);
    require(microBatchSize >= 0, "micro_batch_size must be >= 0, got " + microBatchSize);
    require(learningRate > 0, "learning_rate must be > 0, got " + learningRate);
    require(List.of("constant", "linear", "cosine").contains(schedule),
        "schedule must be constant, linear or cosine, got '" + schedule + "'");
    require(List.of("ce", "bce", "sampled").contains(loss), "loss must be ce, bce or sampled, got '" + loss + "'");
    require(!loss.equals("sampled") || negatives >= 1, "loss 'sampled' needs negatives >= 1");
    require(ceChunk >= 1, "ce_chunk must be >= 1");
    require(stoppingStep >= 0, "stopping_step must be >= 0");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The LRURec official settings: AdamW 1e-3, eps 1e-9, wd 0.01 except bias/layer_norm, clip 5, CE. */
  public static TrainConfig lruRecDefaults() {
    return new TrainConfig(500, 0, 0, 128, 0, 1e-3, 0, "constant", 0.9, 0.999, 1e-9, 0.01,
        List.of("bias", "layer_norm"), 5.0, "ce", 0, false, 4096, 500, true, "Recall@10", 10, 0, 42);
  }

  /** The same with other values (keys as in {@link #toMap()}). */
  public TrainConfig with(Map<String, String> overrides) {
    Map<String, String> m = new LinkedHashMap<>(toMap());
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (!m.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown training option '" + e.getKey() + "'; valid: " + m.keySet());
      }
      m.put(e.getKey(), e.getValue());
    }
    return fromMap(m);
  }

  /** Flat key/value form (for run folders and checkpoints). */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("epochs", Integer.toString(epochs));
    m.put("max_steps", Long.toString(maxSteps));
    m.put("max_hours", Double.toString(maxHours));
    m.put("train_batch_size", Integer.toString(batchSize));
    m.put("micro_batch_size", Integer.toString(microBatchSize));
    m.put("learning_rate", Double.toString(learningRate));
    m.put("warmup_steps", Long.toString(warmupSteps));
    m.put("schedule", schedule);
    m.put("beta1", Double.toString(beta1));
    m.put("beta2", Double.toString(beta2));
    m.put("adam_eps", Double.toString(adamEps));
    m.put("weight_decay", Double.toString(weightDecay));
    m.put("no_decay", String.join(",", noDecay));
    m.put("clip_grad_norm", Double.toString(clipNorm));
    m.put("loss", loss);
    m.put("negatives", Integer.toString(negatives));
    m.put("log_q", Boolean.toString(logQ));
    m.put("ce_chunk", Integer.toString(ceChunk));
    m.put("eval_every_steps", Long.toString(evalEverySteps));
    m.put("eval_at_start", Boolean.toString(evalAtStart));
    m.put("valid_metric", validMetric);
    m.put("stopping_step", Integer.toString(stoppingStep));
    m.put("checkpoint_every_steps", Long.toString(checkpointEverySteps));
    m.put("seed", Long.toString(seed));
    return m;
  }

  public static TrainConfig fromMap(Map<String, String> m) {
    Values v = new Values(m);
    String noDecay = v.string("no_decay");
    return new TrainConfig(v.integer("epochs"), v.longValue("max_steps"), v.number("max_hours"),
        v.integer("train_batch_size"), v.integer("micro_batch_size"),
        v.number("learning_rate"), v.longValue("warmup_steps"), v.string("schedule"), v.number("beta1"),
        v.number("beta2"), v.number("adam_eps"), v.number("weight_decay"),
        noDecay.isBlank() ? List.of() : List.of(noDecay.split("\\s*,\\s*")), v.number("clip_grad_norm"),
        v.string("loss"), v.integer("negatives"), v.bool("log_q"), v.integer("ce_chunk"),
        v.longValue("eval_every_steps"), v.bool("eval_at_start"), v.string("valid_metric"),
        v.integer("stopping_step"), v.longValue("checkpoint_every_steps"), v.longValue("seed"));
  }
}
