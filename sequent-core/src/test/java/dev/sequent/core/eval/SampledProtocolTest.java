package dev.sequent.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.data.Fixtures;
import dev.sequent.core.data.Split;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Sampled protocols. The single user u0 has items 2 3 1 with leave-one-out: training {2}, test
 * target 1 with input 2 3. Only item 2 has a training interaction, so popularity sampling can only
 * draw item 2; item 4 is never interacted with.
 */
class SampledProtocolTest {
  private static final double EPS = 1e-12;

  private static Split split() {
    return Split.leaveOneOut(Fixtures.dataset(4, new int[][] {{2, 3, 1}}));
  }

  private static FakeScorer scorer(float... scores) {
    return new FakeScorer(4, history -> scores);
  }

  private static EvalConfig config(Protocol protocol) {
    return new EvalConfig(protocol, List.of(10, 200), 50, 256, 8192);
  }

  @Test
  void popularityNegativesComeFromTrainingCountsAndTiesCountAgainst() {
    FakeScorer tie = scorer(0, 0.4f, 0.4f, 0.9f, 0.9f);
    EvaluationResult result =
        new Evaluator(config(Protocol.sampledPopularity(100, 3))).evaluate(tie, split().test());
    int[] expected = new int[101];
    Arrays.fill(expected, 2);
    expected[0] = 1; // the target first
    assertArrayEquals(expected, tie.candidateLists.get(0));
    assertEquals(101, result.rank(0)); // all 100 negatives tie with the target
    Metrics metrics = result.metrics();
    assertEquals(0.0, metrics.get("HR@10"), EPS);
    assertEquals(1.0, metrics.get("HR@200"), EPS);
    assertEquals(1.0 / 101, metrics.get("MRR@200"), EPS);
    assertEquals(1.0 / (Math.log(102) / Math.log(2)), metrics.get("NDCG@200"), EPS);
    assertTrue(metrics.toString().contains("NDCG@10 (sampled-pop100)"), metrics.toString());

    FakeScorer wins = scorer(0, 0.4f, 0.3f, 0.9f, 0.9f);
    EvaluationResult won =
        new Evaluator(config(Protocol.sampledPopularity(100, 3))).evaluate(wins, split().test());
    assertEquals(1, won.rank(0));
    assertEquals(1.0, won.metrics().get("NDCG@10"), EPS);
  }

  @Test
  void uniformNegativesMayBeHistoryItemsButNeverTheTarget() {
    FakeScorer scores = scorer(0, 0.5f, 0.1f, 0.9f, 0.2f);
    EvaluationResult result =
        new Evaluator(config(Protocol.sampledUniform(100, 11))).evaluate(scores, split().test());
    int[] candidates = scores.candidateLists.get(0);
    assertEquals(101, candidates.length);
    assertEquals(1, candidates[0]);
    int[] negatives = Arrays.copyOfRange(candidates, 1, 101);
    assertFalse(IntStream.of(negatives).anyMatch(i -> i == 1), "never the target");
    assertTrue(IntStream.of(negatives).allMatch(i -> i >= 2 && i <= 4));
    long beaten = IntStream.of(negatives).filter(i -> i == 3).count();
    assertTrue(beaten > 0, "history item 3 can be drawn");
    assertEquals(1 + beaten, result.rank(0)); // only item 3 (0.9) scores above the target
  }

  @Test
  void avoidingHistoryLeavesOnlyUnseenItems() {
    FakeScorer scores = scorer(0, 0.5f, 0.1f, 0.9f, 0.2f);
    Protocol protocol = Protocol.sampledUniform(100, 11).avoidingHistoryInNegatives();
    EvaluationResult result = new Evaluator(config(protocol)).evaluate(scores, split().test());
    int[] expected = new int[101];
    Arrays.fill(expected, 4);
    expected[0] = 1;
    assertArrayEquals(expected, scores.candidateLists.get(0));
    assertEquals(1, result.rank(0));
    assertTrue(result.metrics().toJson().contains("sampled-uniform100-unseen"));
  }

  @Test
  void noDrawableNegativeIsAClearError() {
    // Popularity avoiding history: item 2 is the only item with a count, and it is in the history.
    Protocol protocol = Protocol.sampledPopularity(10, 1).avoidingHistoryInNegatives();
    IllegalStateException error =
        assertThrows(
            IllegalStateException.class,
            () -> new Evaluator(config(protocol)).evaluate(scorer(0, 1, 1, 1, 1), split().test()));
    assertTrue(error.getMessage().contains("no item can be drawn"), error.getMessage());
  }

  @Test
  void negativesDependOnSeedButNotOnBatchSize() {
    Split split =
        Split.leaveOneOut(Fixtures.dataset(30, new int[][] {{1, 2, 3, 4}, {5, 6, 7}, {8, 9, 10, 11}}));
    FakeScorer one = new FakeScorer(30, history -> new float[31]);
    FakeScorer all = new FakeScorer(30, history -> new float[31]);
    FakeScorer otherSeed = new FakeScorer(30, history -> new float[31]);
    new Evaluator(config(Protocol.sampledUniform(20, 5)).withBatchSize(1)).evaluate(one, split.test());
    new Evaluator(config(Protocol.sampledUniform(20, 5))).evaluate(all, split.test());
    new Evaluator(config(Protocol.sampledUniform(20, 6))).evaluate(otherSeed, split.test());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(one.candidateLists.get(i), all.candidateLists.get(i));
    }
    assertNotEquals(Arrays.toString(all.candidateLists.get(0)), Arrays.toString(otherSeed.candidateLists.get(0)));
    Evaluator evaluator = new Evaluator(config(Protocol.sampledUniform(20, 5)));
    assertArrayEquals(all.candidateLists.get(2), evaluator.sampledCandidates(split.test(), 2));
  }

  @Test
  void popularityDrawsAreProportionalToCounts() {
    NegativeSampler sampler = NegativeSampler.popularity(new int[] {0, 1, 3, 0, 6});
    int[] drawn = sampler.sample(20_000, 3, new int[0], new SplittableRandom(1));
    int[] histogram = new int[5];
    for (int item : drawn) {
      histogram[item]++;
    }
    assertEquals(0, histogram[0]);
    assertEquals(0, histogram[3], "zero-count items and the target are never drawn");
    assertEquals(0.1, histogram[1] / 20_000.0, 0.01);
    assertEquals(0.3, histogram[2] / 20_000.0, 0.01);
    assertEquals(0.6, histogram[4] / 20_000.0, 0.01);
  }

  @Test
  void sampledProtocolsTakeNoExclusionMode() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Protocol(Protocol.Kind.SAMPLED_UNIFORM, ExclusionMode.HISTORY, 100, 1, false));
    assertThrows(IllegalArgumentException.class, () -> Protocol.sampledPopularity(0, 1));
    assertThrows(IllegalArgumentException.class, () -> Protocol.full().avoidingHistoryInNegatives());
  }
}
