package dev.sequent.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.data.EvalSet;
import dev.sequent.core.data.Fixtures;
import dev.sequent.core.data.SequenceDataset;
import dev.sequent.core.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-ranking protocols on hand-computed rankings. N = 6 items, leave-one-out:
 *
 * <pre>
 * u0: 1 2 3 4 5  validation: input 1 2 3 → 4;   test: input 1 2 3 4 → 5
 * u1: 6 2 6 1    validation: input 6 2 → 6;     test: input 6 2 6 → 1
 * u2: 3 4        too short: not evaluated
 * </pre>
 *
 * Scores depend on the last input item, which differs for all four cases.
 */
class EvaluatorTest {
  private static final double EPS = 1e-12;
  @TempDir Path temp;

  private static final Map<Integer, float[]> SCORES_BY_LAST_ITEM =
      Map.of(
          // u0 test, target 5 (0.5): ties with 3 and 4 count against it; 1 and 6 beat it.
          4, new float[] {0, 0.9f, 0.1f, 0.5f, 0.5f, 0.5f, 0.7f},
          // u1 test, target 1 (0.3): 2 and 6 beat it, 4 ties.
          6, new float[] {0, 0.3f, 0.8f, 0.2f, 0.3f, 0.1f, 0.9f},
          // u0 validation, target 4 (0.4): 5 and 6 beat it.
          3, new float[] {0, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f},
          // u1 validation, target 6 (0.45) which is also in its history: 2 and 5 beat it.
          2, new float[] {0, 0.1f, 0.6f, 0.3f, 0.4f, 0.5f, 0.45f});

  private static Split split() {
    SequenceDataset dataset = Fixtures.dataset(6, new int[][] {{1, 2, 3, 4, 5}, {6, 2, 6, 1}, {3, 4}});
    return Split.leaveOneOut(dataset);
  }

  private static FakeScorer scorer() {
    return new FakeScorer(6, history -> SCORES_BY_LAST_ITEM.get(history[history.length - 1]));
  }

  private static int[] ranks(EvalSet cases, ExclusionMode mode, int maxLength, int chunk) {
    EvalConfig config =
        new EvalConfig(Protocol.full(mode), List.of(1, 5), maxLength, 256, chunk);
    EvaluationResult result = new Evaluator(config).evaluate(scorer(), cases);
    int[] ranks = new int[result.size()];
    for (int i = 0; i < ranks.length; i++) {
      ranks[i] = result.rank(i);
    }
    return ranks;
  }

  @Test
  void noExclusionCountsTiesAgainstTheTarget() {
    assertArrayEquals(new int[] {5, 4}, ranks(split().test(), ExclusionMode.NONE, 50, 8192));
  }

  @Test
  void inputWindowExcludesOnlyTheLastLItems() {
    // L = 2: u0 window {3, 4} → rivals 1, 6; u1 window {2, 6} → rival 4 (a tie).
    assertArrayEquals(new int[] {3, 2}, ranks(split().test(), ExclusionMode.INPUT_WINDOW, 2, 8192));
    // L = 1: u0 window {4} → rivals 1, 3, 6; u1 window {6} → rivals 2, 4.
    assertArrayEquals(new int[] {4, 3}, ranks(split().test(), ExclusionMode.INPUT_WINDOW, 1, 8192));
  }

  @Test
  void inputWindowIsWhatTheScorerReads() {
    // A Cloze scorer reads L − 1 items (its last slot is the mask): at L = 2 it sees {4} and {6}, so the
    // ranks are those of L = 1 above.
    Scorer cloze = new Scorer() {
      @Override
      public int numItems() {
        return 6;
      }

      @Override
      public ScoredBatch encode(int[][] histories) {
        return scorer().encode(histories);
      }

      @Override
      public int window(int maxLength) {
        return maxLength - 1;
      }
    };
    EvalConfig config = new EvalConfig(Protocol.full(ExclusionMode.INPUT_WINDOW), List.of(1, 5), 2, 256, 8192);
    EvaluationResult result = new Evaluator(config).evaluate(cloze, split().test());
    assertArrayEquals(new int[] {4, 3}, new int[] {result.rank(0), result.rank(1)});
  }

  @Test
  void historyExcludesEveryEarlierItemWhateverL() {
    // u0 history {1, 2, 3, 4} → rival 6; u1 history {6, 2} → rival 4.
    assertArrayEquals(new int[] {2, 2}, ranks(split().test(), ExclusionMode.HISTORY, 1, 8192));
  }

  @Test
  void theTargetIsNeverExcludedEvenWhenInTheHistory() {
    // u1's validation target 6 is also its first item. Excluding history removes rival 2 only;
    // were the target removed as well, the rank would wrongly drop to 1.
    EvalSet validation = split().validation();
    assertArrayEquals(new int[] {3, 3}, ranks(validation, ExclusionMode.NONE, 50, 8192));
    assertArrayEquals(new int[] {3, 2}, ranks(validation, ExclusionMode.HISTORY, 50, 8192));
    assertArrayEquals(new int[] {3, 2}, ranks(validation, ExclusionMode.INPUT_WINDOW, 50, 8192));
  }

  @Test
  void chunkSizeDoesNotChangeRanks() {
    for (ExclusionMode mode : ExclusionMode.values()) {
      int[] expected = ranks(split().test(), mode, 2, 8192);
      for (int chunk : new int[] {1, 2, 4, 5, 6, 7}) {
        assertArrayEquals(expected, ranks(split().test(), mode, 2, chunk), mode + " chunk " + chunk);
      }
    }
  }

  @Test
  void itemsAreScoredInChunksAndHistoriesCutToL() {
    FakeScorer scorer = scorer();
    EvalConfig config = new EvalConfig(Protocol.full(), List.of(5), 2, 256, 4);
    new Evaluator(config).evaluate(scorer, split().test());
    assertEquals(2, scorer.ranges.size());
    assertArrayEquals(new int[] {1, 5}, scorer.ranges.get(0));
    assertArrayEquals(new int[] {5, 7}, scorer.ranges.get(1));
    assertArrayEquals(new int[] {3, 4}, scorer.histories.get(0));
    assertArrayEquals(new int[] {2, 6}, scorer.histories.get(1));
  }

  @Test
  void metricsAreAveragedOverEvaluatedUsers() {
    EvalConfig config = new EvalConfig(Protocol.full(), List.of(4, 5), 50, 1, 3);
    Metrics metrics = new Evaluator(config).evaluate(scorer(), split().test()).metrics();
    // ranks 5 and 4
    assertEquals(1.0, metrics.get("HR@5"), EPS);
    assertEquals(0.5, metrics.get("HR@4"), EPS);
    double log2of6 = Math.log(6) / Math.log(2);
    double log2of5 = Math.log(5) / Math.log(2);
    assertEquals((1 / log2of6 + 1 / log2of5) / 2, metrics.get("NDCG@5"), EPS);
    assertEquals(0.4087646829, metrics.get("NDCG@5"), 1e-9);
    assertEquals((1 / log2of5) / 2, metrics.get("NDCG@4"), EPS);
    assertEquals(0.225, metrics.get("MRR@5"), EPS);
    assertEquals(0.125, metrics.get("MRR@4"), EPS);
    assertEquals(2, metrics.evaluatedUsers());
    assertEquals(1, metrics.skippedUsers());
    assertEquals("test", metrics.stage());
  }

  @Test
  void allEqualScoresGiveTheWorstRank() {
    FakeScorer flat = new FakeScorer(6, history -> new float[] {0, 1, 1, 1, 1, 1, 1});
    EvalConfig none = new EvalConfig(Protocol.full(), List.of(5), 50, 256, 8192);
    EvaluationResult result = new Evaluator(none).evaluate(flat, split().test());
    assertEquals(6, result.rank(0));
    assertEquals(6, result.rank(1));
    EvalConfig history = new EvalConfig(Protocol.full(ExclusionMode.HISTORY), List.of(5), 50, 256, 2);
    EvaluationResult excluded = new Evaluator(history).evaluate(flat, split().test());
    assertEquals(2, excluded.rank(0)); // 6 items − 4 history items − the target = 1 rival
    assertEquals(4, excluded.rank(1)); // rivals 3, 4, 5
  }

  @Test
  void nanScoresCountAgainstTheTarget() {
    FakeScorer nanTarget =
        new FakeScorer(6, history -> new float[] {0, Float.NaN, 0, 0, 0, Float.NaN, 0});
    EvalConfig config = new EvalConfig(Protocol.full(), List.of(5), 50, 256, 8192);
    EvaluationResult result = new Evaluator(config).evaluate(nanTarget, split().test());
    assertEquals(6, result.rank(0)); // target 5 is NaN: last
    assertEquals(6, result.rank(1)); // target 1 is NaN: last
    FakeScorer nanRival = new FakeScorer(6, history -> new float[] {0, 0.5f, 0, Float.NaN, 0, 0.9f, 0});
    EvaluationResult rival = new Evaluator(config).evaluate(nanRival, split().test());
    assertEquals(2, rival.rank(0)); // target 5 (0.9): the NaN item 3 counts against it
    assertEquals(3, rival.rank(1)); // target 1 (0.5): beaten by 5 (0.9) and the NaN item 3
  }

  @Test
  void batchSizeDoesNotChangeResults() {
    for (int batch : new int[] {1, 2, 3}) {
      EvalConfig config = new EvalConfig(Protocol.full(ExclusionMode.INPUT_WINDOW), List.of(5), 2, batch, 3);
      EvaluationResult result = new Evaluator(config).evaluate(scorer(), split().test());
      assertEquals(3, result.rank(0));
      assertEquals(2, result.rank(1));
    }
  }

  @Test
  void mismatchedCatalogueAndEmptySetsAreClearErrors() {
    EvalConfig config = EvalConfig.of(Protocol.full(), 50);
    FakeScorer wrongSize = new FakeScorer(7, history -> new float[8]);
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(config).evaluate(wrongSize, split().test()));
    assertTrue(error.getMessage().contains("7 items but the dataset has 6"), error.getMessage());

    Split tiny = Split.leaveOneOut(Fixtures.dataset(6, new int[][] {{1, 2}}));
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class, () -> new Evaluator(config).evaluate(scorer(), tiny.test()));
    assertTrue(empty.getMessage().contains("all 1 users were skipped"), empty.getMessage());
  }

  @Test
  void perUserResultsExportWithRawIds() throws IOException {
    EvalConfig config = new EvalConfig(Protocol.full(), List.of(5), 50, 256, 8192);
    EvaluationResult result = new Evaluator(config).evaluate(scorer(), split().test());
    Path csv = temp.resolve("ranks.csv");
    result.writePerUserCsv(csv);
    assertEquals("# test, protocol full\nuser,target,rank\nu0,5,5\nu1,1,4\n", Files.readString(csv));
    Path jsonl = temp.resolve("ranks.jsonl");
    result.writePerUserJsonLines(jsonl);
    assertEquals(
        "{\"user\": \"u0\", \"target\": \"5\", \"rank\": 5, \"protocol\": \"full\"}\n"
            + "{\"user\": \"u1\", \"target\": \"1\", \"rank\": 4, \"protocol\": \"full\"}\n",
        Files.readString(jsonl));
  }

  @Test
  void popularityBaselineScoresTrainingCounts() {
    // u0 training 1 1 2 (test target 4); u1 training 1 (test target 2). Counts: 1 → 3, 2 → 1.
    Split split = Split.leaveOneOut(Fixtures.dataset(4, new int[][] {{1, 1, 2, 3, 4}, {1, 2, 2}}));
    PopularityScorer popularity = PopularityScorer.fromTraining(split);
    assertEquals(4, popularity.numItems());
    EvalConfig config = new EvalConfig(Protocol.full(), List.of(2), 50, 256, 8192);
    EvaluationResult result = new Evaluator(config).evaluate(popularity, split.test());
    assertEquals(4, result.rank(0)); // target 4 (0) ties with 3 (0), below 1 and 2
    assertEquals(2, result.rank(1)); // target 2 (1) below 1 (3)
    assertEquals(0.5, result.metrics().get("HR@2"), EPS);
  }
}
