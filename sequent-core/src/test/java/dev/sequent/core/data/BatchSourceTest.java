package dev.sequent.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchSourceTest {

  /** Samples that are just their indices, so batches show the order. */
  private static final class Indices implements SampleSet<int[]> {
    private final int size;

    Indices(int size) {
      this.size = size;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public int[] batch(int[] order, int from, int count) {
      return Arrays.copyOfRange(order, from, from + count);
    }
  }

  @Test
  void everyEpochIsAPermutationWithAPartialLastBatch() {
    BatchSource<int[]> source = new BatchSource<>(new Indices(10), 4, true, 7L);
    assertEquals(3, source.batchesPerEpoch());
    for (int epoch = 0; epoch < 3; epoch++) {
      List<Integer> seen = new ArrayList<>();
      int[] sizes = new int[3];
      for (int b = 0; b < 3; b++) {
        assertEquals(epoch, source.epoch());
        int[] batch = source.next();
        sizes[b] = batch.length;
        for (int i : batch) {
          seen.add(i);
        }
      }
      assertArrayEquals(new int[] {4, 4, 2}, sizes);
      seen.sort(null);
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
      assertEquals(0, source.nextIndex());
    }
    assertEquals(3, source.epoch());
  }

  @Test
  void orderIsAPureFunctionOfSeedAndEpoch() {
    BatchSource<int[]> a = new BatchSource<>(new Indices(50), 8, true, 42L);
    BatchSource<int[]> b = new BatchSource<>(new Indices(50), 5, true, 42L);
    BatchSource<int[]> c = new BatchSource<>(new Indices(50), 8, true, 43L);
    assertArrayEquals(a.order(3), b.order(3), "batch size does not change the order");
    assertFalse(Arrays.equals(a.order(0), a.order(1)), "epochs are shuffled differently");
    assertFalse(Arrays.equals(a.order(0), c.order(0)), "seeds are shuffled differently");
  }

  @Test
  void seekResumesExactly() {
    BatchSource<int[]> original = new BatchSource<>(new Indices(23), 5, true, 99L);
    for (int i = 0; i < 7; i++) {
      original.next(); // into epoch 1
    }
    int epoch = original.epoch();
    int index = original.nextIndex();
    assertEquals(1, epoch);
    assertEquals(10, index);
    List<int[]> expected = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      expected.add(original.next());
    }
    BatchSource<int[]> resumed = new BatchSource<>(new Indices(23), 5, true, 99L);
    resumed.seek(epoch, index);
    for (int[] batch : expected) {
      assertArrayEquals(batch, resumed.next());
    }
    assertEquals(original.epoch(), resumed.epoch());
    assertEquals(original.nextIndex(), resumed.nextIndex());
  }

  @Test
  void withoutShuffleTheOrderIsTheIdentity() {
    BatchSource<int[]> source = new BatchSource<>(new Indices(5), 2, false, 1L);
    assertArrayEquals(new int[] {0, 1}, source.next());
    assertArrayEquals(new int[] {2, 3}, source.next());
    assertArrayEquals(new int[] {4}, source.next());
    assertArrayEquals(new int[] {0, 1}, source.next());
  }

  @Test
  void invalidArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new BatchSource<>(new Indices(0), 2, true, 1L));
    assertThrows(IllegalArgumentException.class, () -> new BatchSource<>(new Indices(3), 0, true, 1L));
    BatchSource<int[]> source = new BatchSource<>(new Indices(3), 2, true, 1L);
    assertThrows(IllegalArgumentException.class, () -> source.seek(0, 3));
    assertThrows(IllegalArgumentException.class, () -> source.seek(-1, 0));
  }

  @Test
  void worksWithRealSampleSets() {
    Split split = Split.leaveOneOut(Fixtures.dataset(9, new int[][] {{1, 2, 3, 4, 5, 6}, {7, 8, 9}}));
    BatchSource<PrefixBatch> source =
        new BatchSource<>(PrefixSamples.training(split, 2, Padding.RIGHT), 2, false, 0L);
    PrefixBatch first = source.next();
    assertArrayEquals(new int[] {2, 3}, first.targets());
    PrefixBatch last = source.next(); // samples: targets 2, 3, 4 of user 0; none of user 1
    assertEquals(1, last.size());
    assertArrayEquals(new int[] {4}, last.targets());
    assertArrayEquals(new int[] {2, 3}, last.inputs());
  }
}
