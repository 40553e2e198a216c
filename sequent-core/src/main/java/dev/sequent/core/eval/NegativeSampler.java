package dev.sequent.core.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Draws negative items for sampled ranking: uniformly from 1..N, or proportionally to item counts.
 * Draws are with replacement; the target and the items of {@code avoid} are rejected and drawn
 * again.
 */
final class NegativeSampler {
  private final int numItems;
  /** Popularity mode: cumulative[i] = count(1) + … + count(i); null for uniform. */
  private final long[] cumulative;
  private final int[] counts;

  private NegativeSampler(int numItems, long[] cumulative, int[] counts) {
    this.numItems = numItems;
    this.cumulative = cumulative;
    this.counts = counts;
  }

  static NegativeSampler uniform(int numItems) {
    return new NegativeSampler(numItems, null, null);
  }

  /** {@code counts[i]} is item i's weight; entry 0 (padding) is ignored. */
  static NegativeSampler popularity(int[] counts) {
    long[] cumulative = new long[counts.length];
    for (int i = 1; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("negative count for item " + i);
      }
      cumulative[i] = cumulative[i - 1] + counts[i];
    }
    return new NegativeSampler(counts.length - 1, cumulative, counts.clone());
  }

  /**
   * Draws {@code n} negatives, never {@code target} nor an item of {@code avoid} (sorted, distinct;
   * may contain the target).
   */
  int[] sample(int n, int target, int[] avoid, SplittableRandom random) {
    if (availableWeight(target, avoid) <= 0) {
      throw new IllegalStateException(
          "no item can be drawn as a negative for target "
              + target
              + ": every item with a non-zero weight is the target or excluded");
    }
    int[] negatives = new int[n];
    for (int k = 0; k < n; k++) {
      int item;
      do {
        item = draw(random);
      } while (item == target || Arrays.binarySearch(avoid, item) >= 0);
      negatives[k] = item;
    }
    return negatives;
  }

  private int draw(SplittableRandom random) {
    if (cumulative == null) {
      return 1 + random.nextInt(numItems);
    }
    long r = random.nextLong(cumulative[numItems]);
    // The first item whose cumulative count exceeds r: zero-count items are never chosen.
    int low = 1;
    int high = numItems;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] > r) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  private long availableWeight(int target, int[] avoid) {
    long total = cumulative == null ? numItems : cumulative[numItems];
    total -= weight(target);
    for (int item : avoid) {
      if (item != target) {
        total -= weight(item);
      }
    }
    return total;
  }

  private long weight(int item) {
    return cumulative == null ? 1 : counts[item];
  }
}
