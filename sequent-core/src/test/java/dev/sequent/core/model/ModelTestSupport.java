package dev.sequent.core.model;

import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Losses;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.optim.Adam;

/** Shared checks for every model: shapes and the tiny-overfit test. */
final class ModelTestSupport {
  private ModelTestSupport() {}

  /** Random left- or right-padded windows: each row has 1..length real items. */
  static IntTensor randomWindows(Rng rng, int rows, int length, int numItems, boolean leftPadding) {
    int[] ids = new int[rows * length];
    for (int r = 0; r < rows; r++) {
      int real = 1 + rng.nextInt(length);
      for (int j = 0; j < real; j++) {
        int pos = leftPadding ? length - real + j : j;
        ids[r * length + pos] = 1 + rng.nextInt(numItems);
      }
    }
    return new IntTensor(ids, rows, length);
  }

  /**
   * Trains sequence-to-sequence on a handful of fixed sequences (next item at every position) and returns
   * the final loss; a correct model with enough capacity memorises them.
   */
  static float overfit(SequenceModel model, int[][] sequences, int length, int steps) {
    int rows = sequences.length;
    int[] inputs = new int[rows * length];
    int[] labels = new int[rows * length];
    for (int r = 0; r < rows; r++) {
      int[] s = sequences[r];
      int n = s.length - 1;
      for (int j = 0; j < n; j++) {
        int pos = model.padding() == dev.sequent.core.data.Padding.LEFT ? length - n + j : j;
        inputs[r * length + pos] = s[j];
        labels[r * length + pos] = s[j + 1];
      }
    }
    IntTensor in = new IntTensor(inputs, rows, length);
    IntTensor target = new IntTensor(labels, rows * length);
    Adam opt = Adam.adamW().lr(1e-2).weightDecay(0).build(model.namedParameters());
    model.train(true);
    float loss = Float.NaN;
    for (int i = 0; i < steps; i++) {
      Tensor hidden = model.encode(in).reshape(rows * length, model.dim());
      Tensor l = Losses.crossEntropy(hidden, model.itemEmbeddings(), model.itemBias(), target, 0);
      loss = l.item();
      l.backward();
      opt.step();
      opt.zeroGrad();
    }
    return loss;
  }

  /**
   * Trains a Cloze model ({@link SequenceModel#clozeMasking()}) on a handful of fixed sequences, masking them
   * afresh at every step by the model's own rule, then returns the eval-mode cross-entropy of each
   * sequence's last item predicted the way it is at test time: from the preceding items followed by the
   * mask token, read at the mask. A correct model with enough capacity memorises them.
   */
  static float overfitCloze(SequenceModel model, int[][] sequences, int length, int steps) {
    int rows = sequences.length;
    int[] windows = new int[rows * length];
    int[] users = new int[rows];
    for (int r = 0; r < rows; r++) {
      int[] s = sequences[r];
      System.arraycopy(s, 0, windows, r * length + length - s.length, s.length);
      users[r] = r;
    }
    Adam opt = Adam.adamW().lr(1e-2).weightDecay(0).build(model.namedParameters());
    model.train(true);
    for (int i = 0; i < steps; i++) {
      dev.sequent.core.data.ClozeBatch b = model.clozeMasking().mask(windows, rows, length, users, i);
      Tensor hidden = model.encode(new IntTensor(b.inputs(), rows, length)).reshape(rows * length, model.dim());
      Tensor l = Losses.crossEntropy(hidden, model.itemEmbeddings(), model.itemBias(),
          new IntTensor(b.labels(), rows * length), 0);
      l.backward();
      opt.step();
      opt.zeroGrad();
    }
    int[][] histories = new int[rows][];
    int[] last = new int[rows];
    for (int r = 0; r < rows; r++) {
      histories[r] = java.util.Arrays.copyOf(sequences[r], sequences[r].length - 1);
      last[r] = sequences[r][sequences[r].length - 1];
    }
    float[] hidden = dev.sequent.core.infer.ModelScorer.encodeLast(model, histories, length);
    try (dev.sequent.tensor.Grad g = dev.sequent.tensor.Grad.disabled()) {
      return Losses.crossEntropy(Tensor.of(hidden, rows, model.dim()), model.itemEmbeddings(), model.itemBias(),
          new IntTensor(last, rows), 0).item();
    }
  }

  /**
   * Trains on RecBole-style prefix samples of a handful of fixed sequences — every prefix s[0..t) predicts
   * s[t], the loss read at the prefix's last real position — and returns the final loss. This is the
   * overfit test for models that are not causal (a sequence-to-sequence loss would let them read the
   * answer at the next slot).
   */
  static float overfitPrefix(SequenceModel model, int[][] sequences, int length, int steps) {
    int rows = 0;
    for (int[] s : sequences) {
      rows += s.length - 1;
    }
    int[] inputs = new int[rows * length];
    int[] last = new int[rows];
    int[] targets = new int[rows];
    int row = 0;
    boolean left = model.padding() == dev.sequent.core.data.Padding.LEFT;
    for (int[] s : sequences) {
      for (int t = 1; t < s.length; t++) {
        int n = Math.min(t, length);
        int start = left ? length - n : 0;
        System.arraycopy(s, t - n, inputs, row * length + start, n);
        last[row] = row * length + start + n - 1;
        targets[row] = s[t];
        row++;
      }
    }
    IntTensor in = new IntTensor(inputs, rows, length);
    Adam opt = Adam.adamW().lr(1e-2).weightDecay(0).build(model.namedParameters());
    model.train(true);
    float loss = Float.NaN;
    for (int i = 0; i < steps; i++) {
      Tensor all = model.encode(in).reshape(rows * length, model.dim());
      Tensor hidden = dev.sequent.tensor.NN.embedding(all, new IntTensor(last, rows));
      Tensor l = Losses.crossEntropy(hidden, model.itemEmbeddings(), model.itemBias(), new IntTensor(targets, rows), 0);
      loss = l.item();
      l.backward();
      opt.step();
      opt.zeroGrad();
    }
    return loss;
  }

  /**
   * Largest |difference| between the parameter gradients of one training step (dropout on, a loss at every
   * position) computed without an {@link dev.sequent.tensor.Arena} and inside one, over two arena steps (the
   * second reuses the first's arrays). The arena recycles gradient arrays within a step, so a backward that
   * still read a recycled array would show here.
   */
  static double arenaGradientMismatch(SequenceModel model, IntTensor in, IntTensor labels) {
    model.train(true);
    long rngState = model.rng().state();
    java.util.Map<String, float[]> expected = stepGradients(model, in, labels);
    dev.sequent.tensor.Arena arena = new dev.sequent.tensor.Arena();
    double worst = 0;
    for (int step = 0; step < 2; step++) {
      model.rng().setState(rngState);
      try (dev.sequent.tensor.Arena a = arena.open()) {
        java.util.Map<String, float[]> actual = stepGradients(model, in, labels);
        for (java.util.Map.Entry<String, float[]> e : expected.entrySet()) {
          worst = Math.max(worst, maxAbsDiff(e.getValue(), actual.get(e.getKey())));
        }
      }
    }
    if (arena.footprintBytes() == 0) {
      throw new AssertionError("the arena handed out no arrays: the test input is too small to exercise it");
    }
    return worst;
  }

  private static java.util.Map<String, float[]> stepGradients(SequenceModel model, IntTensor in, IntTensor labels) {
    int rows = in.shape()[0] * in.shape()[1];
    Tensor hidden = model.encode(in).reshape(rows, model.dim());
    Losses.crossEntropy(hidden, model.itemEmbeddings(), model.itemBias(), labels, 0).backward();
    java.util.Map<String, float[]> grads = new java.util.LinkedHashMap<>();
    model.namedParameters().forEach((name, p) -> grads.put(name, p.gradTensor().toArray()));
    model.zeroGrad();
    return grads;
  }

  /** A right-padded window [1, length] holding {@code items} from position 0. */
  static IntTensor rightPadded(int[] items, int length) {
    int[] ids = new int[length];
    System.arraycopy(items, 0, ids, 0, items.length);
    return new IntTensor(ids, 1, length);
  }

  /** Row {@code position} of a [1, L, d] (or [L, d]) hidden tensor. */
  static float[] row(Tensor hidden, int position, int d) {
    return java.util.Arrays.copyOfRange(hidden.data(), hidden.offset() + position * d,
        hidden.offset() + (position + 1) * d);
  }

  /** Largest |a − b| over two equal-length arrays. */
  static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }

  /**
   * Feeds random histories of up to {@code window} items one item at a time and returns the largest
   * |incremental − full forward| over every step: the full forward is the right- or left-padded window
   * read at the item's position. The model must be in eval mode.
   */
  static <M extends SequenceModel & IncrementalModel> double incrementalMismatch(M model, int window, int trials,
                                                                                 long seed) {
    Rng rng = new Rng(seed);
    int d = model.dim();
    double worst = 0;
    for (int trial = 0; trial < trials; trial++) {
      int length = 1 + rng.nextInt(window);
      int[] items = new int[length];
      for (int i = 0; i < length; i++) {
        items[i] = 1 + rng.nextInt(model.numItems());
      }
      boolean left = model.padding() == dev.sequent.core.data.Padding.LEFT;
      int[] padded = new int[window];
      System.arraycopy(items, 0, padded, left ? window - length : 0, length);
      Tensor full;
      try (dev.sequent.tensor.Grad g = dev.sequent.tensor.Grad.disabled()) {
        full = model.encode(new IntTensor(padded, 1, window));
      }
      RecurrentState state = model.initialState();
      for (int i = 0; i < length; i++) {
        float[] step = model.step(state, items[i]);
        worst = Math.max(worst, maxAbsDiff(row(full, (left ? window - length : 0) + i, d), step));
      }
      if (state.length() != length) {
        throw new AssertionError("state length " + state.length() + " after " + length + " steps");
      }
    }
    return worst;
  }
}
