package dev.sequent.core.data;

import java.util.Arrays;

/**
 * RecBole-style prefix samples: one sample per target, whose input is the most recent L items
 * before it. RecBole materialises every prefix ("data augmentation"), which takes O(n·L) memory on
 * long histories; here sample k is located by index arithmetic over per-user counts (a binary
 * search over U + 1 cumulative counts), so memory is O(U).
 *
 * <p>Training samples ({@link #training}): for each user, every training position t &ge; 1 is a
 * target with input positions [max(0, t-L), t). A user with m training items gives m-1 samples
 * (with leave-one-out on n items: n-3, so ML-1M gives 999,611 - 3·6,040 = 981,491). Evaluation
 * samples ({@link #evaluation}) are one per case of an {@link EvalSet}.
 *
 * <p>Padding: RecBole models use {@link Padding#RIGHT} (items at 0..len-1, output read at len-1,
 * see {@link PrefixBatch#lengths()}); SASRec-style models use {@link Padding#LEFT}.
 */
public final class PrefixSamples implements SampleSet<PrefixBatch> {
  private final SequenceDataset dataset;
  private final int maxLength;
  private final Padding padding;
  /** Training mode: sample k belongs to user u when cumulative[u] <= k < cumulative[u + 1]. */
  private final long[] cumulative;
  /** Evaluation mode: one sample per case. */
  private final EvalSet cases;
  private final int size;

  private PrefixSamples(
      SequenceDataset dataset,
      int maxLength,
      Padding padding,
      long[] cumulative,
      EvalSet cases,
      long size) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("too many samples: " + size);
    }
    this.dataset = dataset;
    this.maxLength = maxLength;
    this.padding = padding;
    this.cumulative = cumulative;
    this.cases = cases;
    this.size = (int) size;
  }

  /** One sample per training target (every training position except each user's first). */
  public static PrefixSamples training(Split split, int maxLength, Padding padding) {
    int users = split.dataset().numUsers();
    long[] cumulative = new long[users + 1];
    for (int u = 0; u < users; u++) {
      cumulative[u + 1] = cumulative[u] + Math.max(0, split.trainingLength(u) - 1);
    }
    return new PrefixSamples(
        split.dataset(), maxLength, padding, cumulative, null, cumulative[users]);
  }

  /** One sample per evaluation case, the input being the last L items of its history. */
  public static PrefixSamples evaluation(EvalSet cases, int maxLength, Padding padding) {
    return new PrefixSamples(cases.dataset(), maxLength, padding, null, cases, cases.size());
  }

  @Override
  public int size() {
    return size;
  }

  public int maxLength() {
    return maxLength;
  }

  public Padding padding() {
    return padding;
  }

  /** The user of sample k. */
  public int user(int k) {
    checkIndex(k);
    return cases != null ? cases.user(k) : userOf(k);
  }

  /** The target's position in the user's sequence. */
  public int targetPosition(int k) {
    checkIndex(k);
    if (cases != null) {
      return cases.targetPosition(k);
    }
    int user = userOf(k);
    return 1 + (int) (k - cumulative[user]);
  }

  private int userOf(int k) {
    int found = Arrays.binarySearch(cumulative, k);
    if (found >= 0) {
      // Users with no samples share a cumulative value: take the last user starting at k.
      while (found + 1 < cumulative.length && cumulative[found + 1] == k) {
        found++;
      }
      return found;
    }
    return -found - 2;
  }

  private void checkIndex(int k) {
    if (k < 0 || k >= size) {
      throw new IndexOutOfBoundsException("sample " + k + " of " + size);
    }
  }

  @Override
  public PrefixBatch batch(int[] order, int from, int count) {
    int[] inputs = new int[count * maxLength];
    int[] lengths = new int[count];
    int[] targets = new int[count];
    int[] users = new int[count];
    int[] items = dataset.flatItems();
    for (int row = 0; row < count; row++) {
      int k = order[from + row];
      int user = user(k);
      int target = dataset.offset(user) + targetPosition(k);
      int length = Math.min(maxLength, target - dataset.offset(user));
      int column = padding == Padding.LEFT ? maxLength - length : 0;
      System.arraycopy(items, target - length, inputs, row * maxLength + column, length);
      lengths[row] = length;
      targets[row] = items[target];
      users[row] = user;
    }
    return new PrefixBatch(count, maxLength, inputs, lengths, targets, users);
  }
}
