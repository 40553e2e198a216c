package dev.sequent.server;

import dev.sequent.core.model.SequenceModel;
import dev.sequent.tensor.Tensor;
import java.util.Arrays;

/**
 * Exact top-K over every item: scores h·E[i] + b[i] for all items, keeps the best K in a bounded heap and
 * skips excluded items.
 *
 * <p>The item table is copied once into blocks of {@link #BLOCK} items, stored dimension-major within a
 * block, so a block's scores are accumulated in a few vector registers while the table streams through
 * once. Each score is summed over the hidden axis in order with a rounded multiply then a rounded add, and
 * the bias is added last: the same operations, in the same order, as core's {@code ModelScorer}, so scores
 * (and therefore rankings, ties included) equal {@code Recommender.recommend} bit for bit. Ties are broken
 * towards the smaller item index, as there.
 *
 * <p>Core's {@code Recommender.topK} computes the same thing but over an un-blocked table with a boxed
 * priority queue; it took about 85 µs for 3.4k items × d = 64 on the development machine, this scan a small
 * fraction of that (see bench/results/server.md). Thread-safe; scratch buffers are per thread.
 */
abstract class ItemScan {
  /**
   * Items per block: eight 16-float registers (AVX-512), so eight independent accumulation chains hide
   * the latency of the adds; a multiple of every narrower vector width too.
   */
  static final int BLOCK = 128;

  final int numItems;
  final int dim;
  /** [blocks][dim][BLOCK]: table[(b·dim + k)·BLOCK + j] = E[1 + b·BLOCK + j][k]; zero past the last item. */
  final float[] table;
  /** [blocks·BLOCK]: bias of item 1 + i at i; zero when the model has none. */
  final float[] bias;
  final boolean hasBias;
  private final ThreadLocal<float[]> scores;

  ItemScan(SequenceModel model) {
    this.numItems = model.numItems();
    this.dim = model.dim();
    Tensor embeddings = model.itemEmbeddings();
    float[] e = embeddings.toArray();
    int blocks = (numItems + BLOCK - 1) / BLOCK;
    this.table = new float[blocks * dim * BLOCK];
    for (int i = 0; i < numItems; i++) {
      int b = i / BLOCK;
      int j = i % BLOCK;
      for (int k = 0; k < dim; k++) {
        table[(b * dim + k) * BLOCK + j] = e[(i + 1) * dim + k];
      }
    }
    this.bias = new float[blocks * BLOCK];
    Tensor b = model.itemBias();
    this.hasBias = b != null;
    if (hasBias) {
      System.arraycopy(b.toArray(), 1, bias, 0, numItems);
    }
    this.scores = ThreadLocal.withInitial(() -> new float[blocks * BLOCK]);
  }

  /** The fastest implementation this JVM supports: the Vector API when present, plain loops otherwise. */
  static ItemScan of(SequenceModel model) {
    if (VectorSupport.AVAILABLE) {
      return new VectorItemScan(model);
    }
    return new ScalarItemScan(model);
  }

  /** Writes the score of item 1 + i into out[i] for every item (and zeros past the last). */
  abstract void scoreAll(float[] hidden, float[] out);

  /**
   * The k best items for {@code hidden}, best first: {@code items[i]} (dense ids) with {@code scores[i]}.
   * {@code excluded} holds dense ids to skip, sorted ascending (may be empty). Fewer than k results when
   * fewer items remain.
   */
  TopK topK(float[] hidden, int k, int[] excluded) {
    if (hidden.length != dim) {
      throw new IllegalArgumentException("hidden vector has " + hidden.length + " values, the model " + dim);
    }
    float[] s = scores.get();
    scoreAll(hidden, s);
    return select(s, k, excluded);
  }

  /** Bounded min-heap selection over s[0..numItems). */
  TopK select(float[] s, int k, int[] excluded) {
    int cap = Math.max(0, Math.min(k, numItems));
    int[] heapItems = new int[cap];
    float[] heapScores = new float[cap];
    int size = 0;
    int i = 0;
    // Fill the heap with the first cap items that are not excluded.
    for (; i < numItems && size < cap; i++) {
      int item = i + 1;
      if (excluded.length > 0 && Arrays.binarySearch(excluded, item) >= 0) {
        continue;
      }
      heapItems[size] = item;
      heapScores[size] = s[i];
      siftUp(heapItems, heapScores, size);
      size++;
    }
    // Then only items scoring strictly above the worst kept one can enter: an equal score never
    // displaces it, so among equal scores the smaller (earlier) id stays, as in Recommender.topK.
    while (size == cap && cap > 0) {
      i = nextAbove(s, i, numItems, heapScores[0]);
      if (i >= numItems) {
        break;
      }
      int item = i + 1;
      if (excluded.length == 0 || Arrays.binarySearch(excluded, item) < 0) {
        heapItems[0] = item;
        heapScores[0] = s[i];
        siftDown(heapItems, heapScores, 0, size);
      }
      i++;
    }
    // Pop worst first into the back of the result: best first, ties by smaller id first.
    int[] items = new int[size];
    float[] out = new float[size];
    for (int n = size; n > 0; n--) {
      items[n - 1] = heapItems[0];
      out[n - 1] = heapScores[0];
      heapItems[0] = heapItems[n - 1];
      heapScores[0] = heapScores[n - 1];
      siftDown(heapItems, heapScores, 0, n - 1);
    }
    return new TopK(items, out);
  }

  /** The first index in [from, to) with s[i] > threshold, or {@code to}. */
  int nextAbove(float[] s, int from, int to, float threshold) {
    for (int i = from; i < to; i++) {
      if (s[i] > threshold) {
        return i;
      }
    }
    return to;
  }

  /** Heap order: a is "worse" than b when its score is lower, or equal with a larger id. */
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
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int worst = left;
      int right = left + 1;
      if (right < size && worse(items, scores, right, left)) {
        worst = right;
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

  /** Ranked dense ids and their scores, best first. */
  record TopK(int[] items, float[] scores) {
    int size() {
      return items.length;
    }
  }

  /** Plain loops for JVMs without the Vector API (same arithmetic, so the same bits). */
  static final class ScalarItemScan extends ItemScan {
    ScalarItemScan(SequenceModel model) {
      super(model);
    }

    @Override
    void scoreAll(float[] hidden, float[] out) {
      int blocks = out.length / BLOCK;
      for (int b = 0; b < blocks; b++) {
        int o = b * BLOCK;
        Arrays.fill(out, o, o + BLOCK, 0f);
        for (int k = 0; k < dim; k++) {
          float h = hidden[k];
          int row = (b * dim + k) * BLOCK;
          for (int j = 0; j < BLOCK; j++) {
            out[o + j] += h * table[row + j];
          }
        }
        if (hasBias) {
          for (int j = 0; j < BLOCK; j++) {
            out[o + j] += bias[o + j];
          }
        }
      }
    }
  }
}
