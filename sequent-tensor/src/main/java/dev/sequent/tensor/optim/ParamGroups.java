package dev.sequent.tensor.optim;

import dev.sequent.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Splits parameters by name into the weight-decayed group and the group without decay. The optimizer's
 * weight decay applies to the first group only; the second gets 0.
 *
 * <p>LRURec's rule (and the common BERT rule) is {@code decayUnless("bias", "layer_norm")}: decay every
 * parameter whose name contains neither substring.
 */
public final class ParamGroups {
  private final Predicate<String> decayed;
  private final String description;

  private ParamGroups(Predicate<String> decayed, String description) {
    this.decayed = decayed;
    this.description = description;
  }

  /** Every parameter is decayed (PyTorch's default with a single group). */
  public static ParamGroups all() {
    return new ParamGroups(name -> true, "all");
  }

  /** No parameter is decayed. */
  public static ParamGroups none() {
    return new ParamGroups(name -> false, "none");
  }

  /** Decay the parameters whose names contain none of {@code substrings} (case-sensitive). */
  public static ParamGroups decayUnless(String... substrings) {
    String[] subs = substrings.clone();
    for (String s : subs) {
      Objects.requireNonNull(s, "substring");
    }
    return new ParamGroups(name -> {
      for (String s : subs) {
        if (name.contains(s)) {
          return false;
        }
      }
      return true;
    }, "decayUnless" + Arrays.toString(subs));
  }

  /** Decay exactly the parameters whose names satisfy {@code predicate}. */
  public static ParamGroups decayIf(Predicate<String> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return new ParamGroups(predicate, "decayIf(predicate)");
  }

  /** Whether the parameter called {@code name} is weight-decayed. */
  public boolean decays(String name) {
    return decayed.test(name);
  }

  /** Names of the decayed parameters, in order (for logging the split). */
  public List<String> decayed(Map<String, Tensor> params) {
    List<String> out = new ArrayList<>();
    for (String name : params.keySet()) {
      if (decays(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /** Names of the parameters without decay, in order. */
  public List<String> notDecayed(Map<String, Tensor> params) {
    List<String> out = new ArrayList<>();
    for (String name : params.keySet()) {
      if (!decays(name)) {
        out.add(name);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "ParamGroups[" + description + "]";
  }
}
