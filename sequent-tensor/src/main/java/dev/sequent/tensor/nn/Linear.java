package dev.sequent.tensor.nn;

import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;

/**
 * y = x·Wᵀ + b with W stored [out, in] (PyTorch's layout, so ported initialisations read the same).
 * Initialised like PyTorch: W and b uniform in ±1/√in; models re-initialise as their papers say.
 */
public final class Linear extends Module {
  public final Tensor weight;
  public final Tensor bias;

  public Linear(int in, int out, boolean withBias, Rng rng) {
    float bound = (float) (1.0 / Math.sqrt(in));
    weight = parameter("weight", Tensor.uniform(rng, -bound, bound, out, in));
    bias = withBias ? parameter("bias", Tensor.uniform(rng, -bound, bound, out)) : null;
  }

  public Tensor forward(Tensor x) {
    return x.linear(weight, bias);
  }
}
