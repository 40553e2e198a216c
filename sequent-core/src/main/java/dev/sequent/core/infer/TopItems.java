package dev.sequent.core.infer;

import dev.sequent.tensor.kernel.Kernels;
import java.util.function.IntPredicate;

/**
 * The k best items of a score array, best first: {@code items[i]} (dense ids, 1-based) with {@code scores[i]}.
 * Equal scores rank the smaller id first, the evaluator's tie rule.
 */
public record TopItems(int[] items, float[] scores) {
  private static final Kernels KERNELS = Kernels.get();

  public int size() {
    return items.length;
  }

  /**
   * Selects from {@code scores[i]}, the score of item i + 1, for items 1..numItems, skipping items where
   * {@code exclude} is true ({@code null}: none). Fewer than k results when fewer items remain. A bounded
   * min-heap on primitives; once it is full, a vectorised scan skips to the next item that beats the worst
   * one kept.
   */
  public static TopItems select(float[] scores, int numItems, int k, IntPredicate exclude) {
    int cap = Math.max(0, Math.min(k, numItems));
    int[] heapItems = new int[cap];
    float[] heapScores = new float[cap];
    int size = 0;
    int i = 0;
    for (; i < numItems && size < cap; i++) {
      if (exclude != null && exclude.test(i + 1)) {
        continue;
      }
      heapItems[size] = i + 1;
      heapScores[size] = scores[i];
      siftUp(heapItems, heapScores, size);
      size++;
    }
    // Only a score strictly above the worst kept one enters: an equal score never displaces it, so among
    // equal scores the smaller (earlier) id stays.
    while (cap > 0 && (i = KERNELS.firstAbove(scores, i, numItems, heapScores[0])) < numItems) {
      if (exclude == null || !exclude.test(i + 1)) {
        heapItems[0] = i + 1;
        heapScores[0] = scores[i];
        siftDown(heapItems, heapScores, 0, size);
      }
      i++;
    }
    // Pop worst first into the back of the result.
    int[] items = new int[size];
    float[] out = new float[size];
    for (int n = size; n > 0; n--) {
      items[n - 1] = heapItems[0];
      out[n - 1] = heapScores[0];
      heapItems[0] = heapItems[n - 1];
      heapScores[0] = heapScores[n - 1];
      siftDown(heapItems, heapScores, 0, n - 1);
    }
    return new TopItems(items, out);
  }

  /** Heap order: a is worse than b when its score is lower, or equal with a larger id. */
  private static boolean worse(int[] items, float[] scores, int a, int b) {
    int c = Float.compare(scores[a], scores[b]);
    return c != 0 ? c < 0 : items[a] > items[b];
  }

  private static void siftUp(int[] items, float[] scores, int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(items, scores, i, parent)) {
        return;
      }
      swap(items, scores, i, parent);
      i = parent;
    }
  }

  private static void siftDown(int[] items, float[] scores, int i, int size) {
    while (true) {
      int worst = 2 * i + 1;
      if (worst >= size) {
        return;
      }
      if (worst + 1 < size && worse(items, scores, worst + 1, worst)) {
        worst++;
      }
      if (!worse(items, scores, worst, i)) {
        return;
      }
      swap(items, scores, i, worst);
      i = worst;
    }
  }

  private static void swap(int[] items, float[] scores, int a, int b) {
    int ti = items[a];
    items[a] = items[b];
    items[b] = ti;
    float ts = scores[a];
    scores[a] = scores[b];
    scores[b] = ts;
  }
}
