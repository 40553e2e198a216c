package dev.sequent.core.model;

/**
 * A model whose per-user state can be advanced one item at a time, at a cost independent of the history's
 * length, with the same result as encoding the whole history.
 */
public interface IncrementalModel {

  /** The state of an empty history. */
  RecurrentState initialState();

  /**
   * Advances {@code state} in place by one item and returns the hidden state [d] for the next prediction
   * (score it against the item table). Runs without gradients.
   */
  float[] step(RecurrentState state, int item);
}
