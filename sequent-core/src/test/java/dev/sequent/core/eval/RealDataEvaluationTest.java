package dev.sequent.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.data.DataSource;
import dev.sequent.core.data.EvalSet;
import dev.sequent.core.data.InteractionFormat;
import dev.sequent.core.data.PreprocessConfig;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.SharedData;
import dev.sequent.core.data.Split;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The popularity baseline on ML-1M, checked against a naive re-implementation of the ranking rule
 * (every item compared with the target, no chunks), for each exclusion mode.
 */
class RealDataEvaluationTest {

  @Test
  void chunkedRanksMatchANaiveCountOnMovieLens1m() throws IOException {
    SequenceDataset dataset =
        SequenceDataset.load(
            DataSource.of(SharedData.dataFile("ml-1m/ml-1m_5core_timestamps.tsv.gz"), InteractionFormat.tsv3()),
            PreprocessConfig.none());
    Split split = Split.leaveOneOut(dataset);
    int[] counts = split.trainingItemCounts();
    PopularityScorer popularity = PopularityScorer.fromTraining(split);
    EvalSet test = split.test();
    int maxLength = 200;
    for (ExclusionMode mode : ExclusionMode.values()) {
      EvalConfig config = new EvalConfig(Protocol.full(mode), List.of(10, 20), maxLength, 512, 1000);
      EvaluationResult result = new Evaluator(config).evaluate(popularity, test);
      assertEquals(6_040, result.metrics().evaluatedUsers());
      assertEquals(0, result.metrics().skippedUsers());
      double hits = 0;
      for (int i = 0; i < test.size(); i++) {
        int target = test.target(i);
        int[] excludedItems =
            switch (mode) {
              case NONE -> new int[0];
              case INPUT_WINDOW -> test.history(i, maxLength);
              case HISTORY -> test.history(i, Integer.MAX_VALUE);
            };
        boolean[] excluded = new boolean[dataset.numItems() + 1];
        for (int item : excludedItems) {
          excluded[item] = true;
        }
        int rank = 1;
        for (int item = 1; item <= dataset.numItems(); item++) {
          if (item != target && !excluded[item] && counts[item] >= counts[target]) {
            rank++;
          }
        }
        assertEquals(rank, result.rank(i), mode + " case " + i);
        hits += rank <= 10 ? 1 : 0;
      }
      assertEquals(hits / test.size(), result.metrics().get("HR@10"), 1e-12);
    }
  }

  @Test
  void sampledPopularityOnMovieLens1mIsLabelled() throws IOException {
    SequenceDataset dataset =
        SequenceDataset.load(
            DataSource.of(SharedData.dataFile("ml-1m/ml-1m_5core_timestamps.tsv.gz"), InteractionFormat.tsv3()),
            PreprocessConfig.none());
    Split split = Split.leaveOneOut(dataset);
    EvalConfig config = EvalConfig.of(Protocol.sampledPopularity(100, 42), 200);
    Metrics metrics = new Evaluator(config).evaluate(PopularityScorer.fromTraining(split), split.test()).metrics();
    assertTrue(metrics.toString().contains("HR@10 (sampled-pop100)"), metrics.toString());
    // Popularity negatives are as popular as the baseline's favourites: it cannot do well here.
    assertTrue(metrics.get("HR@10") < 0.5, metrics.toString());
  }
}
