package dev.sequent.core.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A scorer with hand-written scores: a function from the history a row receives to the scores of
 * items 0..N (index 0 ignored). It records what the evaluator asked for.
 */
final class FakeScorer implements Scorer {
  private final int numItems;
  private final Function<int[], float[]> scoresOfHistory;
  final List<int[]> histories = new ArrayList<>();
  final List<int[]> ranges = new ArrayList<>();
  final List<int[]> candidateLists = new ArrayList<>();

  FakeScorer(int numItems, Function<int[], float[]> scoresOfHistory) {
    this.numItems = numItems;
    this.scoresOfHistory = scoresOfHistory;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public ScoredBatch encode(int[][] batch) {
    float[][] rows = new float[batch.length][];
    for (int r = 0; r < batch.length; r++) {
      histories.add(batch[r].clone());
      rows[r] = scoresOfHistory.apply(batch[r]);
      if (rows[r].length != numItems + 1) {
        throw new IllegalStateException("test scores need N + 1 entries");
      }
    }
    return new ScoredBatch() {
      @Override
      public int size() {
        return rows.length;
      }

      @Override
      public void scoreRange(int fromItem, int toItem, float[] out) {
        ranges.add(new int[] {fromItem, toItem});
        int width = toItem - fromItem;
        for (int r = 0; r < rows.length; r++) {
          System.arraycopy(rows[r], fromItem, out, r * width, width);
        }
      }

      @Override
      public void scoreItems(int[][] itemsPerRow, float[][] out) {
        for (int r = 0; r < rows.length; r++) {
          if (itemsPerRow[r].length > 1) {
            candidateLists.add(itemsPerRow[r].clone());
          }
          for (int j = 0; j < itemsPerRow[r].length; j++) {
            out[r][j] = rows[r][itemsPerRow[r][j]];
          }
        }
      }
    };
  }

  static String key(int[] history) {
    return Arrays.toString(history);
  }
}
