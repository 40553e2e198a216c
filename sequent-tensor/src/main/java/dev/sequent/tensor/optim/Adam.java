package dev.sequent.tensor.optim;

import dev.sequent.tensor.Parallel;
import dev.sequent.tensor.Tensor;
import java.util.Map;

/**
 * Adam and AdamW with PyTorch semantics (torch.optim.Adam / AdamW, amsgrad off). Per parameter, at its
 * step t (from 1), with gradient g:
 * <pre>
 *   AdamW (DECOUPLED):  p ← p − lr·wd·p                    (decay independent of the gradient)
 *   Adam  (L2):         g ← g + wd·p                        (decay added to the gradient)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   p ← p − (lr / (1 − β1ᵗ)) · m / ( √v / √(1 − β2ᵗ) + eps )
 * </pre>
 * wd is the configured weight decay for parameters in the decayed group of {@link ParamGroups}, 0 for
 * the others. The update is element-wise, so it is deterministic whatever the thread count; large
 * tensors are split over {@link Parallel}.
 *
 * <p>LRURec: {@code Adam.adamW().lr(1e-3).eps(1e-9).weightDecay(0.01)
 * .groups(ParamGroups.decayUnless("bias", "layer_norm")).build(params)}.
 */
public final class Adam extends Optimizer {

  /** How weight decay enters the update. */
  public enum WeightDecay {
    /** AdamW: p ← p − lr·wd·p, separate from the adaptive step. */
    DECOUPLED,
    /** Classic Adam with L2 regularisation: wd·p is added to the gradient. */
    L2
  }

  private final WeightDecay mode;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final boolean[] decays;

  private Adam(Map<String, Tensor> params, Builder b) {
    super(params, 2, b.lr);
    this.mode = b.mode;
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.eps = b.eps;
    this.weightDecay = b.weightDecay;
    this.decays = new boolean[params.size()];
    int i = 0;
    for (String name : params.keySet()) {
      decays[i++] = b.groups.decays(name);
    }
  }

  /** AdamW: decoupled weight decay, PyTorch defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, wd 0.01. */
  public static Builder adamW() {
    return new Builder(WeightDecay.DECOUPLED, 0.01);
  }

  /** Adam with L2 weight decay, PyTorch defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8, wd 0. */
  public static Builder adam() {
    return new Builder(WeightDecay.L2, 0.0);
  }

  public WeightDecay mode() {
    return mode;
  }

  /** Whether the parameter at position {@code index} (in {@link #params()} order) is weight-decayed. */
  public boolean decays(int index) {
    return decays[index];
  }

  @Override
  protected String kind() {
    return "adam";
  }

  @Override
  protected void update(int index, String name, Tensor param, float[] grad, long step, float[][] slots) {
    double lr = lr();
    double wd = decays[index] ? weightDecay : 0.0;
    // Scalars in double, rounded once; the loop runs in float so C2 can vectorise it.
    float keep = mode == WeightDecay.DECOUPLED ? (float) (1.0 - lr * wd) : 1f;
    float l2 = mode == WeightDecay.L2 ? (float) wd : 0f;
    float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
    float invSqrtBc2 = (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, step)));
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float c1 = (float) (1.0 - beta1);
    float c2 = (float) (1.0 - beta2);
    float e = (float) eps;
    float[] w = param.data();
    int off = param.offset();
    float[] m = slots[0];
    float[] v = slots[1];
    Parallel.forRange(param.size(), 1 << 15, (from, to) -> {
      for (int i = from; i < to; i++) {
        int p = off + i;
        float g = grad[p] + l2 * w[p];
        float mi = b1 * m[i] + c1 * g;
        float vi = b2 * v[i] + c2 * g * g;
        m[i] = mi;
        v[i] = vi;
        w[p] = w[p] * keep - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + e);
      }
    });
  }

  @Override
  public String toString() {
    return (mode == WeightDecay.DECOUPLED ? "AdamW" : "Adam") + "[lr=" + lr() + ", betas=(" + beta1 + ", " + beta2
        + "), eps=" + eps + ", weightDecay=" + weightDecay + "]";
  }

  /** Settings; {@link #build} binds them to parameters. */
  public static final class Builder {
    private final WeightDecay mode;
    private double lr = 1e-3;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay;
    private ParamGroups groups = ParamGroups.all();

    private Builder(WeightDecay mode, double weightDecay) {
      this.mode = mode;
      this.weightDecay = weightDecay;
    }

    public Builder lr(double value) {
      lr = value;
      return this;
    }

    public Builder betas(double b1, double b2) {
      if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1)) {
        throw new IllegalArgumentException("betas must be in [0, 1), got (" + b1 + ", " + b2 + ")");
      }
      beta1 = b1;
      beta2 = b2;
      return this;
    }

    public Builder eps(double value) {
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("eps must be finite and >= 0, got " + value);
      }
      eps = value;
      return this;
    }

    /** Weight decay of the decayed group (see {@link #groups}). */
    public Builder weightDecay(double value) {
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("weight decay must be finite and >= 0, got " + value);
      }
      weightDecay = value;
      return this;
    }

    /** Which parameters are decayed (default: all). */
    public Builder groups(ParamGroups value) {
      groups = java.util.Objects.requireNonNull(value, "groups");
      return this;
    }

    /** An optimizer over {@code params} (ordered: name → leaf tensor). */
    public Adam build(Map<String, Tensor> params) {
      return new Adam(params, this);
    }
  }
}
