package dev.sequent.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;

/**
 * Finite-difference gradient check.
 *
 * <p>The checked objective is L = Σ f(inputs) ⊙ R for a fixed random R, so every output element matters.
 * The analytic gradient comes from {@link Tensor#backward()}; the numeric one from central differences
 * (L(x + ε) − L(x − ε)) / 2ε with L accumulated in double. The engine computes in float32, so ε is large
 * (1e-2 by default) and the tolerance is a few percent: enough to catch a wrong sign, a missing term or a
 * wrong scale, which is what a gradient check is for.
 */
public final class GradCheck {
  private float eps = 1e-2f;
  private double relTol = 3e-2;
  private double absTol = 2e-3;
  private int maxPerInput = 60;
  private long seed = 7;

  public static GradCheck create() {
    return new GradCheck();
  }

  public GradCheck eps(float value) {
    eps = value;
    return this;
  }

  public GradCheck tolerance(double rel, double abs) {
    relTol = rel;
    absTol = abs;
    return this;
  }

  public GradCheck maxPerInput(int value) {
    maxPerInput = value;
    return this;
  }

  /** Checks every input that requires gradients; fails with the worst element's details. */
  public void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
    Rng rng = new Rng(seed);
    Tensor probe;
    try (Grad g = Grad.disabled()) {
      probe = f.apply(inputs);
    }
    Tensor r = Tensor.normal(rng, 0f, 1f, probe.shape());
    for (Tensor in : inputs) {
      if (in.requiresGrad()) {
        in.zeroGrad();
      }
    }
    Tensor out = f.apply(inputs);
    out.mul(r).sum().backward();
    for (int which = 0; which < inputs.length; which++) {
      Tensor in = inputs[which];
      if (!in.requiresGrad()) {
        continue;
      }
      float[] analytic = in.gradTensor().toArray();
      int n = in.size();
      int count = Math.min(n, maxPerInput);
      for (int c = 0; c < count; c++) {
        int i = count == n ? c : rng.nextInt(n);
        float[] data = in.data();
        int pos = in.offset() + i;
        float saved = data[pos];
        data[pos] = saved + eps;
        double plus = objective(f, inputs, r);
        data[pos] = saved - eps;
        double minus = objective(f, inputs, r);
        data[pos] = saved;
        double numeric = (plus - minus) / (2.0 * eps);
        double a = analytic[i];
        double err = Math.abs(a - numeric);
        if (err > absTol + relTol * Math.max(Math.abs(a), Math.abs(numeric))) {
          fail(String.format("%s: gradient of input %d at element %d: analytic %.6g, numeric %.6g", name, which, i,
              a, numeric));
        }
      }
    }
  }

  private static double objective(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor r) {
    try (Grad g = Grad.disabled()) {
      Tensor out = f.apply(inputs);
      double s = 0;
      for (int i = 0; i < out.size(); i++) {
        s += (double) out.get(i) * r.get(i);
      }
      return s;
    }
  }

  /** A leaf tensor of normal values that requires gradients. */
  public static Tensor param(Rng rng, int... shape) {
    return Tensor.normal(rng, 0f, 1f, shape).requiresGrad(true);
  }
}
