package dev.sequent.core.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopItemsTest {

  @Test
  void handComputedRankingWithTiesAndAnExclusion() {
    // Items 1..6 score 0.5, 0.9, 0.5, 0.1, 0.9, 0.7; item 2 excluded.
    float[] scores = {0.5f, 0.9f, 0.5f, 0.1f, 0.9f, 0.7f};
    TopItems top = TopItems.select(scores, 6, 4, item -> item == 2);
    assertArrayEquals(new int[] {5, 6, 1, 3}, top.items());
    assertArrayEquals(new float[] {0.9f, 0.7f, 0.5f, 0.5f}, top.scores());
  }

  @Test
  void allEqualScoresRankBySmallerId() {
    float[] scores = new float[100];
    java.util.Arrays.fill(scores, 0.25f);
    assertArrayEquals(new int[] {1, 3, 4, 5, 6}, TopItems.select(scores, 100, 5, item -> item == 2).items());
  }

  @Test
  void kBeyondTheCatalogueGivesEveryItemLeftRanked() {
    float[] scores = {3f, 1f, 2f, 5f};
    TopItems top = TopItems.select(scores, 4, 50, item -> item == 1);
    assertArrayEquals(new int[] {4, 3, 2}, top.items());
    assertEquals(0, TopItems.select(scores, 4, 0, null).size());
  }

  @Test
  void matchesAFullSortOnRandomScores() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int trial = 0; trial < 50; trial++) {
      int n = 1 + rnd.nextInt(400);
      float[] scores = new float[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values, so ties are common.
        scores[i] = rnd.nextInt(20) / 4f;
      }
      int k = 1 + rnd.nextInt(30);
      int banned = rnd.nextInt(7);
      int[] expected = IntStream.rangeClosed(1, n).boxed().filter(i -> i % 7 != banned)
          .sorted(Comparator.comparing((Integer i) -> -scores[i - 1]).thenComparing(i -> i))
          .limit(k).mapToInt(Integer::intValue).toArray();
      assertArrayEquals(expected, TopItems.select(scores, n, k, item -> item % 7 == banned).items(),
          "n=" + n + " k=" + k);
    }
  }
}
