package dev.sequent.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.infer.Recommender;
import dev.sequent.core.model.SequenceModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecommendationServiceTest {

  private static ServedModel served(SequenceModel model, String version) {
    return ServedModel.of(new Recommender(model, Fixtures.MAX_LENGTH, Fixtures.rawIds(model.numItems())), version,
        null);
  }

  private static List<String> randomHistory(Random rnd, int n) {
    List<String> h = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      h.add(Integer.toString(101 + rnd.nextInt(Fixtures.ITEMS)));
    }
    return h;
  }

  /** Core's Recommender.recommend with the CLI's exclusion rule (the known items of the history). */
  private static List<String> reference(Recommender r, List<String> history, int k, boolean excludeHistory) {
    int[] dense = history.stream().mapToInt(r::indexOf).filter(i -> i > 0).toArray();
    Set<Integer> seen = new HashSet<>();
    for (int i : dense) {
      seen.add(i);
    }
    return r.recommend(dense, k, excludeHistory ? seen::contains : null).stream()
        .map(Recommender.Scored::rawId).toList();
  }

  private static List<String> ids(RecommendationService.Ranking r) {
    return r.items().stream().map(RecommendationService.Item::id).toList();
  }

  @Test
  void recommendEqualsTheCoreRecommenderForAnyHistory() {
    for (SequenceModel model : new SequenceModel[] {Fixtures.lruRec(1), Fixtures.sasRec(2)}) {
      ServedModel m = served(model, "v1");
      RecommendationService service = new RecommendationService(m, new InMemoryStateStore(10));
      Random rnd = new Random(11);
      for (int trial = 0; trial < 10; trial++) {
        // Longer than the window on some trials: only the last maxLength items count, on both sides.
        List<String> history = randomHistory(rnd, 1 + rnd.nextInt(2 * Fixtures.MAX_LENGTH));
        boolean exclude = trial % 2 == 0;
        RecommendationService.Ranking r = service.recommend(history, 10, List.of(), exclude);
        assertEquals(reference(m.recommender(), history, 10, exclude), ids(r), model.name() + " trial " + trial);
      }
    }
  }

  @Test
  void unknownItemsAreIgnoredAndListed() {
    ServedModel m = served(Fixtures.lruRec(1), "v1");
    RecommendationService service = new RecommendationService(m, new InMemoryStateStore(10));
    RecommendationService.Ranking r = service.recommend(List.of("101", "nope", "105"), 5, List.of("zzz", "102"),
        true);
    assertEquals(List.of("nope", "zzz"), r.unknownItems());
    assertEquals(reference(m.recommender(), List.of("101", "105"), 6, true).stream()
        .filter(id -> !id.equals("102")).limit(5).toList(), ids(r));
    RecommendationService.Ranking none = service.recommend(List.of("x", "y"), 5, List.of(), true);
    assertTrue(none.items().isEmpty());
    assertEquals(List.of("x", "y"), none.unknownItems());
  }

  @Test
  void incrementalStateEqualsAFullForwardPass() {
    for (SequenceModel model : new SequenceModel[] {Fixtures.lruRec(3), Fixtures.sasRec(4)}) {
      ServedModel m = served(model, "v1");
      RecommendationService service = new RecommendationService(m, new InMemoryStateStore(10));
      Random rnd = new Random(7);
      List<String> history = new ArrayList<>();
      // Up to the window: for LRURec the incremental state then covers exactly what the full pass sees.
      for (int t = 0; t < Fixtures.MAX_LENGTH; t++) {
        String item = Integer.toString(101 + rnd.nextInt(Fixtures.ITEMS));
        history.add(item);
        service.applyEvents("u", List.of(item));
        RecommendationService.UserRanking incremental = service.userRecommendations("u", 10, List.of(), true);
        RecommendationService.Ranking full = service.recommend(history, 10, List.of(), true);
        assertEquals(ids(full), ids(incremental.ranking()), model.name() + " after " + (t + 1) + " events");
        for (int i = 0; i < full.items().size(); i++) {
          assertEquals(full.items().get(i).score(), incremental.ranking().items().get(i).score(), 1e-4,
              model.name() + " score " + i);
        }
        assertEquals(t + 1, incremental.events());
      }
    }
  }

  @Test
  void theRecentWindowKeepsTheLastMaxLengthItemsInOrder() {
    ServedModel m = served(Fixtures.sasRec(4), "v1");
    RecommendationService service = new RecommendationService(m, new InMemoryStateStore(10));
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      all.add(Integer.toString(101 + (i * 7) % Fixtures.ITEMS));
    }
    service.applyEvents("u", all.subList(0, 5));
    service.applyEvents("u", all.subList(5, 30));
    UserState u = service.store().get("u");
    synchronized (u) {
      assertArrayEquals(all.subList(30 - Fixtures.MAX_LENGTH, 30).toArray(new String[0]), u.recentRawIds());
      assertEquals(30, u.events());
    }
    // A window model's user recommendations are the full pass over that window.
    assertEquals(ids(service.recommend(all, 8, List.of(), false)),
        ids(service.userRecommendations("u", 8, List.of(), false).ranking()));
  }

  @Test
  void unknownAndDeletedUsersHaveNoRecommendations() {
    RecommendationService service = new RecommendationService(served(Fixtures.lruRec(1), "v1"),
        new InMemoryStateStore(10));
    assertNull(service.userRecommendations("ghost", 5, List.of(), true).ranking());
    RecommendationService.Applied a = service.applyEvents("u", List.of("101", "unknown"));
    assertEquals(1, a.applied());
    assertEquals(List.of("unknown"), a.unknownItems());
    assertNotNull(service.userRecommendations("u", 5, List.of(), true).ranking());
    assertTrue(service.delete("u"));
    assertFalse(service.delete("u"));
    assertNull(service.userRecommendations("u", 5, List.of(), true).ranking());
  }

  @Test
  void leastRecentlyUsedUsersAreEvicted() {
    InMemoryStateStore store = new InMemoryStateStore(3);
    RecommendationService service = new RecommendationService(served(Fixtures.lruRec(1), "v1"), store);
    service.applyEvents("a", List.of("101"));
    service.applyEvents("b", List.of("102"));
    service.applyEvents("c", List.of("103"));
    service.userRecommendations("a", 5, List.of(), true); // a use: the order is now b, c, a
    UserState b = store.get("b");                          // and now c, a, b
    service.applyEvents("d", List.of("104"));              // evicts c, the least recently used
    assertEquals(3, store.size());
    assertEquals(1, store.evictions());
    assertNotNull(store.get("a"));
    assertNotNull(store.get("d"));
    assertNull(store.get("c"));
    assertFalse(b.isRemoved());
    // Events for an evicted user start a fresh state.
    service.applyEvents("c", List.of("105"));
    assertEquals(1, store.get("c").events());
  }

  @Test
  void statesMoveToANewModelByReplayingTheirRecentItems() {
    ServedModel first = served(Fixtures.lruRec(1), "v1");
    ServedModel second = served(Fixtures.lruRec(9), "v2");
    RecommendationService service = new RecommendationService(first, new InMemoryStateStore(10));
    List<String> history = List.of("101", "120", "133", "140", "101", "159");
    service.applyEvents("u", history);
    List<String> before = ids(service.userRecommendations("u", 10, List.of(), true).ranking());
    service.swap(second);
    assertEquals(1, service.moveAllUsers());
    RecommendationService.UserRanking after = service.userRecommendations("u", 10, List.of(), true);
    assertEquals(ids(service.recommend(history, 10, List.of(), true)), ids(after.ranking()));
    assertEquals("v2", after.ranking().model().version());
    assertEquals(6, after.events());
    assertFalse(before.equals(ids(after.ranking())), "a different model should rank differently");
  }
}
