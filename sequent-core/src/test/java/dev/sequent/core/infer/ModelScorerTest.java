package dev.sequent.core.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.core.eval.ScoredBatch;
import dev.sequent.core.model.LruRec;
import dev.sequent.core.model.SasRec;
import dev.sequent.core.model.SequenceModel;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ModelScorerTest {

  @Test
  void itemScoresEqualRangeScoresBitForBit() {
    for (SequenceModel m : new SequenceModel[] {new LruRec(LruRec.Config.defaults(300)),
        new SasRec(SasRec.Config.defaults(300, 10))}) {
      ModelScorer scorer = new ModelScorer(m, 10);
      ScoredBatch batch = scorer.encode(new int[][] {{1, 2, 3}, {5}, {7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}});
      float[] range = new float[3 * 300];
      batch.scoreRange(1, 301, range);
      int[][] items = {{1, 150, 300}, {2, 3, 4}, {299, 17, 1}};
      float[][] single = new float[3][3];
      batch.scoreItems(items, single);
      for (int r = 0; r < 3; r++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(Float.floatToIntBits(range[r * 300 + items[r][j] - 1]), Float.floatToIntBits(single[r][j]),
              m.name() + " row " + r + " item " + items[r][j]);
        }
      }
    }
  }

  @Test
  void rangesStartingAndEndingInsideABlockScoreLikeSingleItems() {
    LruRec m = new LruRec(LruRec.Config.defaults(300));
    ScoredBatch batch = new ModelScorer(m, 10).encode(new int[][] {{4, 5, 6}});
    // 100..270 starts inside the first 128-item block, spans the second and ends inside the third.
    float[] range = new float[170];
    batch.scoreRange(100, 270, range);
    int[][] items = {IntStream.range(100, 270).toArray()};
    float[][] single = new float[1][170];
    batch.scoreItems(items, single);
    for (int j = 0; j < 170; j++) {
      assertEquals(Float.floatToIntBits(single[0][j]), Float.floatToIntBits(range[j]), "item " + (100 + j));
    }
  }

  @Test
  void longHistoriesUseTheirLastWindow() {
    LruRec m = new LruRec(LruRec.Config.defaults(50));
    float[] full = ModelScorer.encodeLast(m, new int[][] {{9, 9, 9, 1, 2, 3}}, 3);
    float[] window = ModelScorer.encodeLast(m, new int[][] {{1, 2, 3}}, 3);
    for (int k = 0; k < full.length; k++) {
      assertEquals(window[k], full[k]);
    }
  }
}
