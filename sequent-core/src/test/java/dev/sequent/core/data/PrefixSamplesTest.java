package dev.sequent.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PrefixSamplesTest {

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  /** Users with n items each, items 11, 12, … by position. */
  private static Split split(int... lengths) {
    int[][] sequences = new int[lengths.length][];
    for (int u = 0; u < lengths.length; u++) {
      sequences[u] = new int[lengths[u]];
      for (int i = 0; i < lengths[u]; i++) {
        sequences[u][i] = 11 + i;
      }
    }
    return Split.leaveOneOut(Fixtures.dataset(40, sequences));
  }

  @Test
  void oneSamplePerTrainingTargetLocatedAcrossEmptyUsers() {
    // Training lengths 3, 1, 1 (users with < 3 items keep all), 4 → samples 2 + 0 + 0 + 3.
    Split split = split(5, 1, 1, 6);
    PrefixSamples samples = PrefixSamples.training(split, 3, Padding.RIGHT);
    assertEquals(5, samples.size());
    int[] users = new int[5];
    int[] positions = new int[5];
    for (int k = 0; k < 5; k++) {
      users[k] = samples.user(k);
      positions[k] = samples.targetPosition(k);
    }
    assertArrayEquals(new int[] {0, 0, 3, 3, 3}, users);
    assertArrayEquals(new int[] {1, 2, 1, 2, 3}, positions);
    assertThrows(IndexOutOfBoundsException.class, () -> samples.user(5));
  }

  @Test
  void rightPaddingPutsTheLastItemAtLengthMinusOne() {
    PrefixSamples samples = PrefixSamples.training(split(7), 3, Padding.RIGHT);
    // training = 11..15 → targets at positions 1..4
    PrefixBatch batch = samples.batch(identity(4), 0, 4);
    assertArrayEquals(
        new int[] {
          11, 0, 0, //
          11, 12, 0, //
          11, 12, 13, //
          12, 13, 14 // truncated to the most recent 3
        },
        batch.inputs());
    assertArrayEquals(new int[] {1, 2, 3, 3}, batch.lengths());
    assertArrayEquals(new int[] {12, 13, 14, 15}, batch.targets());
    assertArrayEquals(new int[] {0, 0, 0, 0}, batch.users());
  }

  @Test
  void leftPaddingPutsTheLastItemAtLMinusOne() {
    PrefixSamples samples = PrefixSamples.training(split(7), 3, Padding.LEFT);
    PrefixBatch batch = samples.batch(new int[] {3, 0}, 0, 2);
    assertArrayEquals(new int[] {12, 13, 14, 0, 0, 11}, batch.inputs());
    assertArrayEquals(new int[] {3, 1}, batch.lengths());
    assertArrayEquals(new int[] {15, 12}, batch.targets());
  }

  @Test
  void evaluationSamplesAreOnePerCase() {
    Split split = split(5, 2, 4);
    PrefixSamples validation = PrefixSamples.evaluation(split.validation(), 2, Padding.RIGHT);
    PrefixSamples test = PrefixSamples.evaluation(split.test(), 2, Padding.RIGHT);
    assertEquals(2, validation.size());
    assertEquals(2, test.size());
    PrefixBatch batch = test.batch(identity(2), 0, 2);
    assertArrayEquals(new int[] {13, 14, 12, 13}, batch.inputs());
    assertArrayEquals(new int[] {15, 14}, batch.targets());
    assertArrayEquals(new int[] {0, 2}, batch.users());
    assertEquals(3, validation.targetPosition(0));
  }

  @Test
  void countMatchesNMinusThreePerLeaveOneOutUser() {
    Split split = split(3, 4, 10);
    assertEquals(0 + 1 + 7, PrefixSamples.training(split, 5, Padding.RIGHT).size());
  }
}
