package dev.sequent.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Seq2SeqSamplesTest {

  /** Leave-one-out keeps n - 2 training items; item ids 11, 12, … make positions readable. */
  private static Split splitWithTrainingLengths(int... lengths) {
    int[][] sequences = new int[lengths.length][];
    for (int u = 0; u < lengths.length; u++) {
      int n = lengths[u] + 2;
      sequences[u] = new int[n];
      for (int i = 0; i < n; i++) {
        sequences[u][i] = 11 + i;
      }
    }
    return Split.leaveOneOut(Fixtures.dataset(40, sequences));
  }

  private static int[] row(int[] flat, int row, int length) {
    int[] out = new int[length];
    System.arraycopy(flat, row * length, out, 0, length);
    return out;
  }

  private static Seq2SeqBatch all(Seq2SeqSamples samples) {
    int[] order = new int[samples.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return samples.batch(order, 0, order.length);
  }

  @Test
  void shortSequenceIsOneSampleUsingItsLastLPlusOneItems() {
    // L = 3, m = 5 < 2L: s = 11..15; labels = last 3; inputs = s without last, last 3.
    Seq2SeqSamples samples = Seq2SeqSamples.of(splitWithTrainingLengths(5), 3, Padding.LEFT);
    assertEquals(1, samples.size());
    Seq2SeqBatch batch = all(samples);
    assertArrayEquals(new int[] {13, 14, 15}, row(batch.labels(), 0, 3));
    assertArrayEquals(new int[] {12, 13, 14}, row(batch.inputs(), 0, 3));
  }

  @Test
  void sequenceNotLongerThanLStartsFromAllPadding() {
    Seq2SeqSamples samples = Seq2SeqSamples.of(splitWithTrainingLengths(2), 3, Padding.LEFT);
    Seq2SeqBatch batch = all(samples);
    assertArrayEquals(new int[] {0, 11, 12}, row(batch.labels(), 0, 3));
    assertArrayEquals(new int[] {0, 0, 11}, row(batch.inputs(), 0, 3));
  }

  @Test
  void exactlyTwoLGivesTwoWindowsFromTheEnd() {
    // m = 6 = 2L: windows start at 3 and 0 (sequence positions), each exactly L items.
    Seq2SeqSamples samples = Seq2SeqSamples.of(splitWithTrainingLengths(6), 3, Padding.LEFT);
    assertEquals(2, samples.size());
    assertEquals(3, samples.start(0));
    assertEquals(6, samples.end(0));
    assertEquals(0, samples.start(1));
    Seq2SeqBatch batch = all(samples);
    assertArrayEquals(new int[] {14, 15, 16}, row(batch.labels(), 0, 3));
    assertArrayEquals(new int[] {0, 14, 15}, row(batch.inputs(), 0, 3));
    assertArrayEquals(new int[] {11, 12, 13}, row(batch.labels(), 1, 3));
    assertArrayEquals(new int[] {0, 11, 12}, row(batch.inputs(), 1, 3));
  }

  @Test
  void remainderShorterThanLAtTheStartIsDropped() {
    // m = 8: windows [5, 8) and [2, 5); items at positions 0 and 1 (11, 12) are in no window.
    Seq2SeqSamples samples = Seq2SeqSamples.of(splitWithTrainingLengths(8), 3, Padding.LEFT);
    assertEquals(2, samples.size());
    Seq2SeqBatch batch = all(samples);
    assertArrayEquals(new int[] {16, 17, 18}, row(batch.labels(), 0, 3));
    assertArrayEquals(new int[] {13, 14, 15}, row(batch.labels(), 1, 3));
    assertArrayEquals(new int[] {0, 13, 14}, row(batch.inputs(), 1, 3));
  }

  @Test
  void oneBelowTwoLIsStillOneSample() {
    Seq2SeqSamples samples = Seq2SeqSamples.of(splitWithTrainingLengths(5, 6, 9), 3, Padding.LEFT);
    assertEquals(1 + 2 + 3, samples.size());
    assertEquals(0, samples.user(0));
    assertEquals(1, samples.user(1));
    assertEquals(2, samples.user(5));
  }

  @Test
  void smallerStrideGivesOverlappingWindows() {
    // L = 3, stride 1, m = 4: 4 < L + 1 is false, so windows start at 1 and 0.
    Seq2SeqSamples samples = Seq2SeqSamples.of(splitWithTrainingLengths(4), 3, 1, Padding.LEFT);
    assertEquals(2, samples.size());
    assertEquals(1, samples.start(0));
    assertEquals(0, samples.start(1));
    // m = 3 < 4: one sample
    assertEquals(1, Seq2SeqSamples.of(splitWithTrainingLengths(3), 3, 1, Padding.LEFT).size());
  }

  @Test
  void rightPaddingPutsTheFirstLabelAtPositionZeroAndKeepsAlignment() {
    Seq2SeqSamples samples =
        Seq2SeqSamples.of(splitWithTrainingLengths(2, 6), 3, Padding.RIGHT);
    Seq2SeqBatch batch = all(samples);
    assertArrayEquals(new int[] {11, 12, 0}, row(batch.labels(), 0, 3));
    assertArrayEquals(new int[] {0, 11, 0}, row(batch.inputs(), 0, 3));
    assertArrayEquals(new int[] {14, 15, 16}, row(batch.labels(), 1, 3));
    assertArrayEquals(new int[] {0, 14, 15}, row(batch.inputs(), 1, 3));
  }

  @Test
  void usersWithoutTrainingItemsGiveNoSample() {
    SequenceDataset dataset =
        Fixtures.dataset(5, new int[][] {{1, 2}, {3, 4, 5}}, new long[][] {{50, 60}, {1, 2, 70}});
    Split split = Split.temporal(dataset, 10, 65); // user 0 has no training items
    Seq2SeqSamples samples = Seq2SeqSamples.of(split, 4, Padding.LEFT);
    assertEquals(1, samples.size());
    assertEquals(1, samples.user(0));
    Seq2SeqBatch batch = all(samples);
    assertArrayEquals(new int[] {0, 0, 3, 4}, batch.labels());
    assertArrayEquals(new int[] {0, 0, 0, 3}, batch.inputs());
    assertArrayEquals(new int[] {1}, batch.users());
  }

  @Test
  void batchFollowsTheGivenOrder() {
    Seq2SeqSamples samples = Seq2SeqSamples.of(splitWithTrainingLengths(1, 2), 2, Padding.LEFT);
    Seq2SeqBatch batch = samples.batch(new int[] {1, 0}, 0, 2);
    assertEquals(2, batch.size());
    assertArrayEquals(new int[] {11, 12, 0, 11}, batch.labels());
    assertArrayEquals(new int[] {1, 0}, batch.users());
  }

  @Test
  void slidingWindowsLabelEveryTargetOnceWithTheLongestHistoryTheStrideAllows() {
    // L = 3, S = 2, m = 6 (items 11..16): the first three items, then windows ending at 6 and 4.
    Seq2SeqSamples samples = Seq2SeqSamples.sliding(splitWithTrainingLengths(6), 3, 2, Padding.LEFT);
    assertEquals(3, samples.size());
    Seq2SeqBatch batch = all(samples);
    assertArrayEquals(new int[] {11, 12, 13}, row(batch.labels(), 0, 3));
    assertArrayEquals(new int[] {0, 11, 12}, row(batch.inputs(), 0, 3));
    assertArrayEquals(new int[] {0, 15, 16}, row(batch.labels(), 1, 3));
    assertArrayEquals(new int[] {13, 14, 15}, row(batch.inputs(), 1, 3));
    assertArrayEquals(new int[] {0, 0, 14}, row(batch.labels(), 2, 3));
    assertArrayEquals(new int[] {11, 12, 13}, row(batch.inputs(), 2, 3));
  }

  @Test
  void slidingWithStrideOneIsOnePrefixPerTargetBeyondL() {
    // L = 3, S = 1, m = 5: targets 14 and 15 each get their own window of the three items before them.
    Seq2SeqSamples samples = Seq2SeqSamples.sliding(splitWithTrainingLengths(5, 2), 3, 1, Padding.RIGHT);
    assertEquals(3 + 1, samples.size());
    Seq2SeqBatch batch = all(samples);
    assertArrayEquals(new int[] {11, 12, 13}, row(batch.labels(), 0, 3));
    assertArrayEquals(new int[] {0, 0, 15}, row(batch.labels(), 1, 3));
    assertArrayEquals(new int[] {12, 13, 14}, row(batch.inputs(), 1, 3));
    assertArrayEquals(new int[] {0, 0, 14}, row(batch.labels(), 2, 3));
    assertArrayEquals(new int[] {11, 12, 13}, row(batch.inputs(), 2, 3));
    // a user not longer than L: one right-padded sample, as with the plain windows
    assertArrayEquals(new int[] {11, 12, 0}, row(batch.labels(), 3, 3));
    assertArrayEquals(new int[] {0, 11, 0}, row(batch.inputs(), 3, 3));
  }

  @Test
  void slidingCoversEachTargetExactlyOnceWithAtLeastLMinusSPlusOneItemsBeforeIt() {
    int maxLength = 5;
    for (int stride = 1; stride <= maxLength; stride++) {
      for (int m = 1; m <= 17; m++) {
        Seq2SeqSamples samples = Seq2SeqSamples.sliding(splitWithTrainingLengths(m), maxLength, stride, Padding.LEFT);
        assertEquals(Seq2SeqSamples.slidingSamplesOf(m, maxLength, stride), samples.size());
        Seq2SeqBatch batch = all(samples);
        int[] times = new int[m];
        for (int r = 0; r < samples.size(); r++) {
          for (int j = 0; j < maxLength; j++) {
            int label = batch.labels()[r * maxLength + j];
            if (label == 0) {
              continue;
            }
            int q = label - 11;
            times[q]++;
            int history = 0;
            for (int i = 0; i <= j; i++) {
              history += batch.inputs()[r * maxLength + i] != 0 ? 1 : 0;
            }
            if (q > 0) {
              assertEquals(11 + q - 1, batch.inputs()[r * maxLength + j], "the input beside target " + q);
            }
            if (q < maxLength) {
              assertEquals(q, history, "target " + q + " sees all items before it");
            } else {
              assertTrue(history >= maxLength - stride + 1 && history <= maxLength,
                  "m " + m + " stride " + stride + " target " + q + " sees " + history);
            }
          }
        }
        for (int q = 0; q < m; q++) {
          assertEquals(1, times[q], "m " + m + " stride " + stride + " target " + q);
        }
      }
    }
  }
}
