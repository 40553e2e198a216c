package dev.sequent.tensor.nn;

import dev.sequent.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A building block with named parameters and named children, like PyTorch's {@code nn.Module}.
 *
 * <p>Parameter names are dotted paths ("blocks.0.ffn.w1.weight") in registration order, which is what
 * optimizer groups, checkpoints and parameter counts use. Train/eval mode propagates to children.
 */
public abstract class Module {
  private final Map<String, Tensor> parameters = new LinkedHashMap<>();
  private final Map<String, Module> children = new LinkedHashMap<>();
  private boolean training = true;

  /** Registers a trainable parameter (marked as requiring gradients) and returns it. */
  protected Tensor parameter(String name, Tensor value) {
    checkName(name);
    value.requiresGrad(true);
    parameters.put(name, value);
    return value;
  }

  /** Registers a child module and returns it. */
  protected <M extends Module> M child(String name, M module) {
    checkName(name);
    children.put(name, module);
    module.train(training);
    return module;
  }

  private void checkName(String name) {
    if (name.isEmpty() || name.contains(".") || parameters.containsKey(name) || children.containsKey(name)) {
      throw new IllegalArgumentException("invalid or duplicate name '" + name + "' in " + getClass().getSimpleName());
    }
  }

  /** All parameters of this module and its children, by dotted name, in registration order. */
  public Map<String, Tensor> namedParameters() {
    Map<String, Tensor> all = new LinkedHashMap<>();
    collect("", all);
    return Collections.unmodifiableMap(all);
  }

  private void collect(String prefix, Map<String, Tensor> into) {
    parameters.forEach((name, p) -> into.put(prefix + name, p));
    children.forEach((name, c) -> c.collect(prefix + name + ".", into));
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    long n = 0;
    for (Tensor p : namedParameters().values()) {
      n += p.size();
    }
    return n;
  }

  /** Sets training mode (dropout active) on this module and all children. */
  public void train(boolean value) {
    training = value;
    children.values().forEach(c -> c.train(value));
  }

  public boolean isTraining() {
    return training;
  }

  /** Zeroes the gradients of all parameters. */
  public void zeroGrad() {
    namedParameters().values().forEach(Tensor::zeroGrad);
  }

  /** Copies parameter values from {@code values} (by name); every parameter must be present with its size. */
  public void loadParameters(Map<String, float[]> values) {
    for (Map.Entry<String, Tensor> e : namedParameters().entrySet()) {
      float[] v = values.get(e.getKey());
      Tensor p = e.getValue();
      if (v == null) {
        throw new IllegalArgumentException("missing parameter '" + e.getKey() + "'");
      }
      if (v.length != p.size()) {
        throw new IllegalArgumentException("parameter '" + e.getKey() + "' has " + v.length + " values, expected "
            + p.size());
      }
      System.arraycopy(v, 0, p.data(), p.offset(), v.length);
    }
  }
}
