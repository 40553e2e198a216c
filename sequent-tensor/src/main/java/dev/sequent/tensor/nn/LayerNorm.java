package dev.sequent.tensor.nn;

import dev.sequent.tensor.NN;
import dev.sequent.tensor.Tensor;

/** LayerNorm over the last axis with learned scale (init 1) and shift (init 0). */
public final class LayerNorm extends Module {
  public final Tensor weight;
  public final Tensor bias;
  private final float eps;

  public LayerNorm(int dim, float eps) {
    this.eps = eps;
    weight = parameter("weight", Tensor.full(1f, dim));
    bias = parameter("bias", Tensor.zeros(dim));
  }

  public Tensor forward(Tensor x) {
    return NN.layerNorm(x, weight, bias, eps);
  }
}
