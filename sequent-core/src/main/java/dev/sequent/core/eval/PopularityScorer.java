package dev.sequent.core.eval;

import dev.sequent.core.data.Split;

/**
 * The popularity baseline ("PopRec"): every user gets the same scores, the items' training
 * interaction counts. The history is ignored. Equal counts tie, and ties count against the target,
 * so the baseline is never flattered.
 */
public final class PopularityScorer implements Scorer {
  private final float[] scores;

  /** {@code counts[i]} is item i's score; entry 0 (padding) is ignored. */
  public PopularityScorer(int[] counts) {
    scores = new float[counts.length];
    for (int i = 1; i < counts.length; i++) {
      scores[i] = counts[i];
    }
  }

  /** Scores = interaction counts in the split's training part. */
  public static PopularityScorer fromTraining(Split split) {
    return new PopularityScorer(split.trainingItemCounts());
  }

  @Override
  public int numItems() {
    return scores.length - 1;
  }

  @Override
  public ScoredBatch encode(int[][] histories) {
    int rows = histories.length;
    return new ScoredBatch() {
      @Override
      public int size() {
        return rows;
      }

      @Override
      public void scoreRange(int fromItem, int toItem, float[] out) {
        int width = toItem - fromItem;
        for (int row = 0; row < rows; row++) {
          System.arraycopy(scores, fromItem, out, row * width, width);
        }
      }

      @Override
      public void scoreItems(int[][] itemsPerRow, float[][] out) {
        for (int row = 0; row < rows; row++) {
          for (int j = 0; j < itemsPerRow[row].length; j++) {
            out[row][j] = scores[itemsPerRow[row][j]];
          }
        }
      }
    };
  }
}
