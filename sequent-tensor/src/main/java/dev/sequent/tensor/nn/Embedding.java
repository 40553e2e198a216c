package dev.sequent.tensor.nn;

import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;

/** A lookup table [count, dim]; initialised N(0, 1) like PyTorch, models re-initialise as their papers say. */
public final class Embedding extends Module {
  public final Tensor weight;

  public Embedding(int count, int dim, Rng rng) {
    weight = parameter("weight", Tensor.normal(rng, 0f, 1f, count, dim));
  }

  public Tensor forward(IntTensor ids) {
    return NN.embedding(weight, ids);
  }
}
