package dev.sequent.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitTest {

  @Test
  void leaveOneOutKeepsShortUsersInTrainingAndCountsThem() {
    SequenceDataset dataset =
        Fixtures.dataset(9, new int[][] {{1, 2, 3, 4, 5}, {6, 7, 8}, {9, 1}, {2}});
    Split split = Split.leaveOneOut(dataset);
    assertEquals(3, split.trainingLength(0));
    assertEquals(1, split.trainingLength(1));
    assertEquals(2, split.trainingLength(2));
    assertEquals(1, split.trainingLength(3));
    assertEquals(7, split.numTrainingInteractions());

    EvalSet validation = split.validation();
    assertEquals(2, validation.size());
    assertEquals(0, validation.user(0));
    assertEquals(3, validation.targetPosition(0));
    assertEquals(4, validation.target(0));
    assertArrayEquals(new int[] {1, 2, 3}, validation.history(0, 10));
    assertEquals(7, validation.target(1));
    assertArrayEquals(new int[] {6}, validation.history(1, 10));

    EvalSet test = split.test();
    assertEquals(5, test.target(0));
    assertArrayEquals(new int[] {1, 2, 3, 4}, test.history(0, Integer.MAX_VALUE));
    assertArrayEquals(new int[] {3, 4}, test.history(0, 2), "the last L items");
    assertEquals(8, test.target(1));
    assertArrayEquals(new int[] {6, 7}, test.history(1, 10));

    String reason = "fewer than 3 interactions (kept entirely in training, not evaluated)";
    assertEquals(Map.of(reason, 2), validation.skipReasons());
    assertEquals(2, test.skippedUsers());
    assertTrue(split.describe().contains("7 training interactions"), split.describe());
  }

  @Test
  void restrictedEvalSetKeepsTheAcceptedUsersCasesAndCountsTheOthers() {
    SequenceDataset dataset =
        Fixtures.dataset(9, new int[][] {{1, 2, 3, 4, 5}, {6, 7, 8}, {9, 1}, {2, 3, 4}});
    EvalSet test = Split.leaveOneOut(dataset).test();
    EvalSet late = test.restrictedTo(user -> user >= 2, "user before 2");
    assertEquals(1, late.size());
    assertEquals(3, late.user(0));
    assertEquals(2, late.targetPosition(0));
    assertEquals(4, late.target(0));
    assertArrayEquals(new int[] {2, 3}, late.history(0, 10));
    assertEquals("test", late.stage());
    String reason = "fewer than 3 interactions (kept entirely in training, not evaluated)";
    assertEquals(Map.of(reason, 1, "user before 2", 2), late.skipReasons());
    assertEquals(test.size(), test.restrictedTo(user -> true, "none").size());
    assertEquals(test.skipReasons(), test.restrictedTo(user -> true, "none").skipReasons());
  }

  @Test
  void trainingItemCountsCoverOnlyTrainingPositions() {
    SequenceDataset dataset = Fixtures.dataset(4, new int[][] {{1, 2, 1, 3, 4}, {2, 2}});
    int[] counts = Split.leaveOneOut(dataset).trainingItemCounts();
    assertArrayEquals(new int[] {0, 2, 3, 0, 0}, counts);
  }

  @Test
  void temporalSplitByTwoCutoffs() {
    SequenceDataset dataset =
        Fixtures.dataset(
            9,
            new int[][] {{1, 2, 3, 4, 5}, {6, 7}, {8, 9}, {1, 2}, {3}},
            new long[][] {{10, 20, 30, 40, 50}, {5, 45}, {31, 32}, {1, 2}, {60}});
    // training < 30 <= validation < 40 <= test
    Split split = Split.temporal(dataset, 30, 40);
    // u0: train 1,2; validation target 3 (first in [30, 40)); test target 4 (input 1,2,3)
    assertEquals(2, split.trainingLength(0));
    // u1: train 6; nothing in [30, 40); test target 7 with input 6
    assertEquals(1, split.trainingLength(1));
    // u2: no training; its first interaction (31) is in the validation window but has no input
    assertEquals(0, split.trainingLength(2));
    // u3: only training; u4: first interaction after the test cut-off
    assertEquals(2, split.trainingLength(3));
    assertEquals(0, split.trainingLength(4));

    EvalSet validation = split.validation();
    assertEquals(1, validation.size());
    assertEquals(3, validation.target(0));
    assertArrayEquals(new int[] {1, 2}, validation.history(0, 10));
    assertEquals(
        Map.of(
            "no interaction between the validation and the test cut-off", 3,
            "no interaction before the validation cut-off (cold start)", 1),
        validation.skipReasons());

    EvalSet test = split.test();
    assertEquals(2, test.size());
    assertEquals(4, test.target(0));
    assertArrayEquals(new int[] {1, 2, 3}, test.history(0, 10));
    assertEquals(1, test.user(1));
    assertEquals(7, test.target(1));
    assertArrayEquals(new int[] {6}, test.history(1, 10));
    assertEquals(
        Map.of(
            "no interaction at or after the test cut-off", 2,
            "no interaction before the test cut-off (cold start)", 1),
        test.skipReasons());
  }

  @Test
  void cutoffBoundariesAreInclusiveForLaterStages() {
    SequenceDataset dataset =
        Fixtures.dataset(3, new int[][] {{1, 2, 3}}, new long[][] {{10, 20, 30}});
    Split split = Split.temporal(dataset, 20, 30);
    assertEquals(1, split.trainingLength(0)); // 10 < 20
    assertEquals(2, split.validation().target(0)); // 20 >= 20
    assertEquals(3, split.test().target(0)); // 30 >= 30
  }

  @Test
  void equalCutoffsMeanNoValidation() {
    SequenceDataset dataset =
        Fixtures.dataset(3, new int[][] {{1, 2, 3}}, new long[][] {{10, 20, 30}});
    Split split = Split.temporal(dataset, 25, 25);
    assertEquals(0, split.validation().size());
    assertEquals(1, split.validation().skippedUsers());
    assertEquals(3, split.test().target(0));
  }

  @Test
  void temporalSplitNeedsTimestampsAndOrderedCutoffs() {
    SequenceDataset noTime = Fixtures.dataset(2, new int[][] {{1, 2}});
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> Split.temporal(noTime, 1, 2));
    assertTrue(error.getMessage().contains("needs timestamps"), error.getMessage());
    SequenceDataset timed = Fixtures.dataset(2, new int[][] {{1, 2}}, new long[][] {{1, 2}});
    assertThrows(IllegalArgumentException.class, () -> Split.temporal(timed, 5, 4));
  }
}
