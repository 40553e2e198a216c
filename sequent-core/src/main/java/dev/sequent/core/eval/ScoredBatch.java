package dev.sequent.core.eval;

/** Encoded histories, ready to score items. See {@link Scorer} for the contract. */
public interface ScoredBatch {

  /** Number of rows (histories). */
  int size();

  /**
   * Scores items {@code fromItem..toItem-1} for every row into {@code out}, row-major {@code
   * [size()][toItem - fromItem]}; {@code out} may be longer than needed. The evaluator walks the
   * catalogue in chunks, so memory stays bounded for millions of items.
   */
  void scoreRange(int fromItem, int toItem, float[] out);

  /**
   * Scores a list of items per row: {@code out[row][j]} is the score of {@code
   * itemsPerRow[row][j]}. Used for the target and for sampled candidates.
   */
  void scoreItems(int[][] itemsPerRow, float[][] out);
}
