package dev.sequent.core.data;

import java.util.function.IntToLongFunction;

/**
 * LRURec-style sequence-to-sequence training samples (models.md §2.5, LRURec's {@code
 * SASTrainDataset}): every position of a window predicts the next item.
 *
 * <p>Per user, s = the training items (m of them). With window length L and stride S (LRURec: S =
 * L):
 *
 * <ul>
 *   <li>m = 0: no sample;
 *   <li>m &lt; L + S: one sample, the whole of s;
 *   <li>otherwise windows of exactly L items starting at m-L, m-L-S, m-L-2S, … while the start is
 *       &ge; 0; a remainder shorter than L at the beginning is dropped. (m = 2L with S = L gives
 *       two windows, starting at L and 0.)
 * </ul>
 *
 * For a sample s: labels = the last L items of s; inputs = s without its last item, then its last
 * L items. So for the whole-sequence sample with m &gt; L the first label is predicted from the
 * item before it (L + 1 items are used), while the first label of a window (and of any sample with
 * m &le; L) is predicted from an all-padding input. Label positions without a label hold 0. This
 * follows LRURec's code ({@code dataloader/sas.py}), which keeps the whole sequence when it is
 * shorter than L + stride; models.md's wording "truncated to its last L items" would drop that
 * extra input item.
 *
 * <p>A user with a single training item gives one sample whose only label is predicted from
 * padding, as in LRURec (which keeps users with fewer than 3 items entirely in training).
 *
 * <p>Padding: with {@link Padding#LEFT} the last label is at position L-1; with {@link
 * Padding#RIGHT} the first label is at position 0. Either way {@code labels[p]} follows {@code
 * inputs[p]}.
 *
 * <p><b>Sliding windows</b> ({@link #sliding}) label every training target exactly once, with at least
 * L - S + 1 items of history once the user has more than L: the first window is the user's first L items
 * (labelled at every position), then windows of L inputs end at m, m - S, m - 2S, … and label only their
 * last S targets (the one nearest the start only those the first window does not label). This is
 * what RecBole's prefix samples train on (each target with the last L items before it, at most), computed
 * by a causal model in one pass per window: L / S times the work per target of the plain windows, for
 * users longer than L.
 *
 * <p>Only (user, start, end, first label) are kept, 16 bytes per sample.
 */
public final class Seq2SeqSamples implements SampleSet<Seq2SeqBatch> {
  private final SequenceDataset dataset;
  private final int maxLength;
  private final int stride;
  private final Padding padding;
  private final int[] users;
  private final int[] starts;
  private final int[] ends;
  /** Positions before this one in a sample's window are inputs only (sliding windows). */
  private final int[] labelsFrom;

  private Seq2SeqSamples(
      Split split, int maxLength, int stride, Padding padding, int count) {
    this.dataset = split.dataset();
    this.maxLength = maxLength;
    this.stride = stride;
    this.padding = padding;
    this.users = new int[count];
    this.starts = new int[count];
    this.ends = new int[count];
    this.labelsFrom = new int[count];
  }

  /** LRURec's rule: stride = L (its {@code sliding_window_size = 1.0}). */
  public static Seq2SeqSamples of(Split split, int maxLength, Padding padding) {
    return of(split, maxLength, maxLength, padding);
  }

  /** With an explicit stride (LRURec's {@code int(sliding_window_size * L)}). */
  public static Seq2SeqSamples of(Split split, int maxLength, int stride, Padding padding) {
    if (maxLength < 1 || stride < 1) {
      throw new IllegalArgumentException(
          "maxLength and stride must be >= 1, got " + maxLength + " and " + stride);
    }
    Seq2SeqSamples samples =
        withRoomFor(split, maxLength, stride, padding, m -> samplesOf(m, maxLength, stride));
    int k = 0;
    for (int u = 0; u < split.dataset().numUsers(); u++) {
      int m = split.trainingLength(u);
      if (m == 0) {
        continue;
      }
      if ((long) m < (long) maxLength + stride) {
        samples.set(k++, u, 0, m, 0);
      } else {
        for (int start = m - maxLength; start >= 0; start -= stride) {
          samples.set(k++, u, start, start + maxLength, start);
        }
      }
    }
    return samples;
  }

  /** Sliding windows of L with stride S &le; L, every training target labelled once (see the class comment). */
  public static Seq2SeqSamples sliding(Split split, int maxLength, int stride, Padding padding) {
    if (maxLength < 1 || stride < 1 || stride > maxLength) {
      throw new IllegalArgumentException(
          "sliding windows need 1 <= stride <= maxLength, got stride " + stride + " and maxLength " + maxLength);
    }
    Seq2SeqSamples samples =
        withRoomFor(split, maxLength, stride, padding, m -> slidingSamplesOf(m, maxLength, stride));
    int k = 0;
    for (int u = 0; u < split.dataset().numUsers(); u++) {
      int m = split.trainingLength(u);
      if (m == 0) {
        continue;
      }
      samples.set(k++, u, 0, Math.min(m, maxLength), 0);
      for (int end = m; end > maxLength; end -= stride) {
        samples.set(k++, u, end - maxLength - 1, end, Math.max(maxLength, end - stride));
      }
    }
    return samples;
  }

  /** Storage for all users' samples, {@code samplesOf(m)} for a user with m training items. */
  private static Seq2SeqSamples withRoomFor(Split split, int maxLength, int stride, Padding padding,
                                            IntToLongFunction samplesOf) {
    long count = 0;
    for (int u = 0; u < split.dataset().numUsers(); u++) {
      count += samplesOf.applyAsLong(split.trainingLength(u));
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("too many samples: " + count);
    }
    return new Seq2SeqSamples(split, maxLength, stride, padding, (int) count);
  }

  static long slidingSamplesOf(int m, int maxLength, int stride) {
    if (m == 0) {
      return 0;
    }
    return 1 + Math.max(0, ((long) m - maxLength + stride - 1) / stride);
  }

  static long samplesOf(int m, int maxLength, int stride) {
    if (m == 0) {
      return 0;
    }
    if ((long) m < (long) maxLength + stride) {
      return 1;
    }
    return (m - maxLength) / stride + 1;
  }

  private void set(int k, int user, int start, int end, int labelsFrom) {
    users[k] = user;
    starts[k] = start;
    ends[k] = end;
    this.labelsFrom[k] = labelsFrom;
  }

  @Override
  public int size() {
    return users.length;
  }

  public int maxLength() {
    return maxLength;
  }

  public int stride() {
    return stride;
  }

  public Padding padding() {
    return padding;
  }

  /** The user of sample k. */
  public int user(int k) {
    return users[k];
  }

  /** Sample k covers the user's sequence positions [start, end). */
  public int start(int k) {
    return starts[k];
  }

  public int end(int k) {
    return ends[k];
  }

  @Override
  public Seq2SeqBatch batch(int[] order, int from, int count) {
    int[] inputs = new int[count * maxLength];
    int[] labels = new int[count * maxLength];
    int[] batchUsers = new int[count];
    int[] items = dataset.flatItems();
    for (int row = 0; row < count; row++) {
      int k = order[from + row];
      int base = dataset.offset(users[k]);
      int start = base + starts[k];
      int end = base + ends[k];
      int labelCount = Math.min(maxLength, end - start);
      int firstColumn = padding == Padding.LEFT ? maxLength - labelCount : 0;
      int rowOffset = row * maxLength + firstColumn;
      int firstLabel = end - labelCount;
      int labelled = base + labelsFrom[k];
      for (int j = 0; j < labelCount; j++) {
        int q = firstLabel + j;
        labels[rowOffset + j] = q >= labelled ? items[q] : 0;
        inputs[rowOffset + j] = q - 1 >= start ? items[q - 1] : 0;
      }
      batchUsers[row] = users[k];
    }
    return new Seq2SeqBatch(count, maxLength, inputs, labels, batchUsers);
  }
}
