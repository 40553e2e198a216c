package dev.sequent.core.eval;

/**
 * The evaluator's only view of a model: encode histories, then score items.
 *
 * <p>Item ids are 1..{@link #numItems()}; 0 is padding and is never scored. Higher scores rank
 * higher. Implementations must be deterministic, and for the same row and item {@link
 * ScoredBatch#scoreItems} and {@link ScoredBatch#scoreRange} must return the same float: the
 * evaluator takes the target's score from {@code scoreItems} and compares it with the scores of
 * {@code scoreRange}, so a different rounding on the two paths would turn ties into wins or losses.
 */
public interface Scorer {

  /** N: the number of real items (ids 1..N). */
  int numItems();

  /**
   * Encodes one history per row: dense item ids, oldest first, unpadded, at most L items (the
   * evaluator cuts them to the last L). A history is never empty. The returned batch may hold
   * internal state (e.g. hidden vectors) until it is discarded.
   */
  ScoredBatch encode(int[][] histories);

  /**
   * How many of the most recent history items the scorer reads when allowed {@code maxLength}: the
   * evaluator passes exactly these, so "items of the input window" (an exclusion mode) are the items the
   * model saw. A Cloze model reads one fewer, its last slot being the mask token.
   */
  default int window(int maxLength) {
    return maxLength;
  }
}
