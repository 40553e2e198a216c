package dev.sequent.core.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.model.LruRec;
import dev.sequent.core.model.RecurrentState;
import dev.sequent.core.model.SasRec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecommenderTest {
  private static List<String> ids(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add("m" + i);
    }
    return ids;
  }

  @Test
  void topKMatchesAFullSortAndHonoursExclusions() {
    Recommender r = new Recommender(new LruRec(LruRec.Config.defaults(200)), 20, ids(200));
    int[] history = {5, 9, 13};
    List<Recommender.Scored> top = r.recommend(history, 10, item -> item == 9 || item == 13);
    float[] scores = new float[201];
    new ModelScorer(r.model(), 20).encode(new int[][] {history}).scoreRange(1, 201, scores);
    List<Integer> expected = IntStream.rangeClosed(1, 200).boxed().filter(i -> i != 9 && i != 13)
        .sorted(Comparator.comparing((Integer i) -> -scores[i - 1]).thenComparing(i -> i)).limit(10).toList();
    assertEquals(expected, top.stream().map(Recommender.Scored::item).toList());
    assertEquals("m" + expected.get(0), top.get(0).rawId());
    assertEquals(-1, r.indexOf("unknown"));
    assertEquals(7, r.indexOf("m7"));
  }

  @Test
  void incrementalStateGivesTheSameRecommendations() {
    Recommender r = new Recommender(new LruRec(LruRec.Config.defaults(100)), 50, ids(100));
    assertTrue(r.isIncremental());
    int[] history = {3, 1, 4, 1, 5, 9, 2, 6};
    RecurrentState state = r.initialState();
    float[] hidden = null;
    for (int item : history) {
      hidden = r.advance(state, item);
    }
    List<Integer> incremental = r.topK(hidden, 10, null).stream().map(Recommender.Scored::item).toList();
    List<Integer> full = r.recommend(history, 10, null).stream().map(Recommender.Scored::item).toList();
    assertEquals(full, incremental);
  }

  @Test
  void windowModelsHaveNoIncrementalState() {
    Recommender r = new Recommender(new SasRec(SasRec.Config.defaults(30, 10)), 10, ids(30));
    assertTrue(!r.isIncremental());
    assertThrows(UnsupportedOperationException.class, r::initialState);
    assertEquals(5, r.recommend(new int[] {1, 2}, 5, null).size());
    assertThrows(IllegalArgumentException.class, () -> r.recommend(new int[0], 5, null));
  }
}
