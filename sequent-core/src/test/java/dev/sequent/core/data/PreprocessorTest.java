package dev.sequent.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

  private static SequenceDataset run(RawInteractions raw, PreprocessConfig config) {
    return new Preprocessor(config, "test rows").run(raw, null);
  }

  /** Each user's raw item ids in dataset order, keyed by raw user id. */
  private static Map<String, List<String>> sequences(SequenceDataset dataset) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int u = 0; u < dataset.numUsers(); u++) {
      List<String> items = new ArrayList<>();
      for (int item : dataset.sequence(u)) {
        items.add(dataset.items().rawId(item));
      }
      map.put(dataset.users().rawId(u), items);
    }
    return map;
  }

  /** Rows "user item" with no timestamps (file order = time order). */
  private static RawInteractions pairs(String... rows) {
    RawInteractions raw = RawInteractions.create(false, false);
    for (String row : rows) {
      String[] parts = row.split(" ");
      raw.add(parts[0], parts[1], 0, 0);
    }
    return raw;
  }

  @Test
  void denseIdsFollowNumericRawIdOrderWithPaddingZero() {
    SequenceDataset dataset = run(pairs("10 30", "9 4", "1 30", "1 100"), PreprocessConfig.none());
    assertEquals(List.of("1", "9", "10"), dataset.users().rawIds());
    assertEquals(List.of("4", "30", "100"), dataset.items().rawIds());
    assertEquals(1, dataset.items().indexOf("4"));
    assertEquals(3, dataset.items().indexOf("100"));
    assertEquals(0, dataset.users().indexOf("1"));
    assertEquals(-1, dataset.items().indexOf("5"));
    assertArrayEquals(new int[] {2, 3}, dataset.sequence(0)); // user "1": 30, 100
    assertArrayEquals(new int[] {1}, dataset.sequence(1)); // user "9": 4
    assertThrows(IllegalArgumentException.class, () -> dataset.items().rawId(0));
  }

  @Test
  void nonNumericIdsUseStringOrder() {
    SequenceDataset dataset = run(pairs("b x10", "a x9", "a x10"), PreprocessConfig.none());
    assertEquals(List.of("a", "b"), dataset.users().rawIds());
    assertEquals(List.of("x10", "x9"), dataset.items().rawIds());
  }

  @Test
  void tiesAreStableOrByItemId() {
    RawInteractions raw = RawInteractions.create(true, false);
    raw.add("u", "10", 5, 0);
    raw.add("u", "9", 5, 0);
    raw.add("u", "2", 1, 0);
    raw.add("u", "11", 9, 0);
    assertEquals(
        List.of("2", "10", "9", "11"), sequences(run(raw, PreprocessConfig.none())).get("u"));
    assertEquals(
        List.of("2", "9", "10", "11"),
        sequences(run(raw, PreprocessConfig.none().withTieRule(PreprocessConfig.TieRule.ITEM_ID)))
            .get("u"));
  }

  @Test
  void recboleRuleComparesTimestampsAsFloats() {
    // As floats 978300719 and 978300760 are both 978300736 (steps of 64 s); 978300769 is 978300800.
    RawInteractions raw = RawInteractions.create(true, false);
    raw.add("u", "a", 978300769L, 0);
    raw.add("u", "b", 978300760L, 0);
    raw.add("u", "c", 978300719L, 0);
    assertEquals(List.of("c", "b", "a"), sequences(run(raw, PreprocessConfig.none())).get("u"));
    assertEquals(
        List.of("b", "c", "a"),
        sequences(run(raw, PreprocessConfig.none().withTieRule(PreprocessConfig.TieRule.RECBOLE))).get("u"));
  }

  @Test
  void longUnsortedUserIsSortedStably() {
    // More rows than the insertion-sort threshold, so the merge path runs too.
    RawInteractions raw = RawInteractions.create(true, false);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      raw.add("u", "i" + i, (i * 37) % 10, 0);
    }
    for (int t = 0; t < 10; t++) {
      for (int i = 0; i < 100; i++) {
        if ((i * 37) % 10 == t) {
          expected.add("i" + i);
        }
      }
    }
    assertEquals(expected, sequences(run(raw, PreprocessConfig.none())).get("u"));
  }

  @Test
  void ratingThresholdIsInclusive() {
    RawInteractions raw = RawInteractions.create(false, true);
    raw.add("u", "1", 0, 3.5f);
    raw.add("u", "2", 0, 4.0f);
    raw.add("u", "3", 0, 5.0f);
    raw.add("v", "1", 0, 1.0f);
    SequenceDataset all = run(raw, PreprocessConfig.none());
    assertEquals(4, all.numInteractions());
    SequenceDataset liked = run(raw, PreprocessConfig.none().withMinRating(4.0));
    assertEquals(Map.of("u", List.of("2", "3")), sequences(liked));
    assertEquals(2, liked.numItems());
    assertEquals(4, liked.preprocessReport().inputInteractions());
    assertEquals(2, liked.preprocessReport().afterRatingFilter());
  }

  @Test
  void ratingThresholdWithoutRatingsIsAnError() {
    IllegalArgumentException error =
        assertThrows(
            IllegalArgumentException.class,
            () -> run(pairs("u 1"), PreprocessConfig.none().withMinRating(4.0)));
    assertTrue(error.getMessage().contains("no rating column"), error.getMessage());
  }

  @Test
  void immediateRepeatsAreDroppedInTimeOrderNotFileOrder() {
    RawInteractions raw = RawInteractions.create(true, false);
    raw.add("u", "A", 3, 0);
    raw.add("u", "B", 1, 0);
    raw.add("u", "A", 2, 0); // file order A B A; time order B A A
    raw.add("v", "A", 1, 0);
    raw.add("v", "B", 2, 0);
    raw.add("v", "A", 3, 0); // A B A in time order: not immediate repeats
    raw.add("v", "A", 4, 0);
    raw.add("v", "A", 5, 0);
    SequenceDataset dataset = run(raw, PreprocessConfig.none().withDropImmediateRepeats(true));
    assertEquals(List.of("B", "A"), sequences(dataset).get("u"));
    assertEquals(List.of("A", "B", "A"), sequences(dataset).get("v"));
    assertEquals(3, dataset.preprocessReport().repeatsDropped());
    assertEquals(8, run(raw, PreprocessConfig.none()).numInteractions());
  }

  /**
   * u4 has one item; removing it leaves item c with one interaction; removing c leaves u3 with
   * one; removing u3 is the fixpoint. Rounds: 3 that remove something + 1 that confirms.
   */
  private static RawInteractions kCoreFixture() {
    return pairs("u1 a", "u1 b", "u2 a", "u2 b", "u3 a", "u3 c", "u4 c");
  }

  @Test
  void kCoreIteratesUntilFixpoint() {
    SequenceDataset dataset = run(kCoreFixture(), PreprocessConfig.kCore(2));
    assertEquals(
        Map.of("u1", List.of("a", "b"), "u2", List.of("a", "b")), sequences(dataset));
    PreprocessReport report = dataset.preprocessReport();
    assertEquals(4, report.filterRounds());
    assertEquals(4, report.afterCountFilter());
    assertEquals(4, report.usersBeforeFilter());
    assertEquals(3, report.itemsBeforeFilter());
    assertEquals(2, report.users());
    assertEquals(2, report.items());
  }

  @Test
  void onePassFilterRemovesItemsThenUsersOnce() {
    SequenceDataset dataset =
        run(kCoreFixture(), PreprocessConfig.none().withOnePassFilter(2, 2));
    // Items all have >= 2, then u4 (1 item) goes; c is left with a single interaction.
    assertEquals(
        Map.of("u1", List.of("a", "b"), "u2", List.of("a", "b"), "u3", List.of("a", "c")),
        sequences(dataset));
    assertEquals(1, dataset.preprocessReport().filterRounds());
    assertEquals(1, dataset.itemCounts()[dataset.items().indexOf("c")]);
  }

  @Test
  void onePassCountsItemsBeforeUsers() {
    // Item z (1 interaction) goes first, which leaves u2 with one item: u2 goes too.
    RawInteractions raw = pairs("u1 y", "u1 x", "u2 y", "u2 z", "u3 x", "u3 y");
    SequenceDataset dataset = run(raw, PreprocessConfig.none().withOnePassFilter(2, 2));
    assertEquals(
        Map.of("u1", List.of("y", "x"), "u3", List.of("x", "y")), sequences(dataset));
  }

  @Test
  void emptiedDatasetNamesTheFilterSettings() {
    RawInteractions raw = pairs("u1 a", "u2 a", "u2 b");
    EmptyDatasetException error =
        assertThrows(
            EmptyDatasetException.class,
            () -> run(raw, PreprocessConfig.none().withOnePassFilter(2, 2)));
    assertTrue(error.getMessage().contains("one-pass filter (users >= 2, items >= 2)"));
    assertTrue(error.getMessage().contains("filter=one-pass"), error.getMessage());
    assertTrue(error.getMessage().contains("test rows"), error.getMessage());
  }

  @Test
  void emptyAfterRatingFilterAndEmptySourceAreClearErrors() {
    RawInteractions rated = RawInteractions.create(false, true);
    rated.add("u", "1", 0, 1f);
    EmptyDatasetException error =
        assertThrows(
            EmptyDatasetException.class,
            () -> run(rated, PreprocessConfig.none().withMinRating(4.0)));
    assertTrue(error.getMessage().contains("rating filter (rating>=4)"), error.getMessage());
    assertThrows(
        EmptyDatasetException.class,
        () -> run(RawInteractions.create(false, false), PreprocessConfig.none()));
  }

  @Test
  void configIsPrintable() {
    assertEquals(
        "feedback=all, tieRule=item-id, dropImmediateRepeats=true, filter=one-pass,"
            + " minUserInteractions=5, minItemInteractions=5",
        PreprocessConfig.lruRec().describe());
    assertEquals(
        "feedback=rating>=3.5, tieRule=stable, dropImmediateRepeats=false, filter=none",
        PreprocessConfig.none().withMinRating(3.5).describe());
    assertEquals("k-core", PreprocessConfig.kCore(5).toMap().get("filter"));
  }

  @Test
  void timestampsFollowTheSortedOrder() {
    RawInteractions raw = RawInteractions.create(true, false);
    raw.add("u", "1", 30, 0);
    raw.add("u", "2", 10, 0);
    SequenceDataset dataset = run(raw, PreprocessConfig.none());
    assertEquals(10, dataset.timestamp(0, 0));
    assertEquals(30, dataset.timestamp(0, 1));
    assertArrayEquals(new int[] {2, 1}, dataset.sequence(0));
  }
}
