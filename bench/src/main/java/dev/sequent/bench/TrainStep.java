package dev.sequent.bench;

import dev.sequent.tensor.Arena;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Losses;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.optim.Adam;
import dev.sequent.tensor.optim.ParamGroups;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training step of research/engine.md, through the engine's public API: ids → Embedding[V, d] →
 * ReLU(x·W1 + b1) → full-softmax cross-entropy over all V items (fused and chunked) → backward → AdamW.
 * At B = 256, L = 50 (12,800 tokens), V = 3,416, d = 64 it is 17.1 GFLOP of matrix products.
 */
final class TrainStep {
  private final Map<String, Tensor> params = new LinkedHashMap<>();
  private final Tensor embedding;
  private final Tensor w1;
  private final Tensor b1;
  private final Tensor out;
  private final Tensor outBias;
  private final Adam optimizer;
  private final IntTensor[] ids;
  private final IntTensor[] targets;
  private final Arena arena = new Arena();
  private int next;

  TrainStep(int vocab, int dim, int tokens, long seed) {
    Rng rng = new Rng(seed);
    embedding = add("embedding", Tensor.normal(rng, 0f, 0.02f, vocab, dim));
    w1 = add("w1", Tensor.normal(rng, 0f, 0.1f, dim, dim));
    b1 = add("b1", Tensor.zeros(dim));
    out = add("out", Tensor.normal(rng, 0f, 0.02f, vocab, dim));
    outBias = add("out_bias", Tensor.zeros(vocab));
    optimizer = Adam.adamW().lr(1e-3).weightDecay(0.01).groups(ParamGroups.decayUnless("bias", "b1"))
        .build(params);
    // A few fixed batches of random ids and targets, cycled (data loading is not part of the step).
    ids = new IntTensor[4];
    targets = new IntTensor[4];
    for (int b = 0; b < ids.length; b++) {
      int[] x = new int[tokens];
      int[] y = new int[tokens];
      for (int i = 0; i < tokens; i++) {
        x[i] = 1 + rng.nextInt(vocab - 1);
        y[i] = 1 + rng.nextInt(vocab - 1);
      }
      ids[b] = new IntTensor(x, tokens);
      targets[b] = new IntTensor(y, tokens);
    }
  }

  private Tensor add(String name, Tensor t) {
    params.put(name, t.requiresGrad(true));
    return t;
  }

  /** One full step; returns the loss. */
  float step() {
    int b = next++ % ids.length;
    try (Arena a = arena.open()) {
      Tensor h = NN.embedding(embedding, ids[b]).matmul(w1).add(b1).relu();
      Tensor loss = Losses.crossEntropy(h, out, outBias, targets[b], 0);
      float value = loss.item();
      loss.backward();
      optimizer.step();
      optimizer.zeroGrad();
      return value;
    }
  }

  /** Median, min and max milliseconds per step over {@code timed} steps after {@code warmup}. */
  static double[] measure(int warmup, int timed) {
    TrainStep s = new TrainStep(3416, 64, 12800, 1);
    for (int i = 0; i < warmup; i++) {
      s.step();
    }
    double[] ms = new double[timed];
    for (int i = 0; i < timed; i++) {
      long t0 = System.nanoTime();
      s.step();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return new double[] {ms[timed / 2], ms[0], ms[timed - 1]};
  }
}
