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
}
