package dev.sequent.core.data;

import java.util.SplittableRandom;

/**
 * Endless batches over a {@link SampleSet}, epoch after epoch, with exact resume.
 *
 * <p>The position is (epoch, next sample index within the epoch's order). The order of an epoch
 * is a pure function of (seed, epoch): a Fisher–Yates shuffle driven by a {@link
 * SplittableRandom} seeded with {@link Seeds#derive(long, long...) derive(seed, epoch)}, or the
 * identity when shuffling is off. So {@code seek(epoch, index)} on a fresh source continues
 * exactly where a saved run stopped.
 *
 * <p>Every sample appears once per epoch. The last batch of an epoch keeps the remainder (it may be
 * smaller than the batch size); after it the position moves to (epoch + 1, 0).
 *
 * @param <B> the batch type
 */
public final class BatchSource<B> {
  private final SampleSet<B> samples;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private int epoch;
  private int nextIndex;
  private int[] order;
  private int orderEpoch = -1;

  public BatchSource(SampleSet<B> samples, int batchSize, boolean shuffle, long seed) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    if (samples.size() == 0) {
      throw new IllegalArgumentException(
          "there are no samples to batch (are all training sequences empty?)");
    }
    this.samples = samples;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
  }

  /** The next batch; moves to the next epoch after the epoch's last (possibly partial) batch. */
  public B next() {
    int[] currentOrder = orderOf(epoch);
    int count = Math.min(batchSize, currentOrder.length - nextIndex);
    B batch = samples.batch(currentOrder, nextIndex, count);
    nextIndex += count;
    if (nextIndex == currentOrder.length) {
      epoch++;
      nextIndex = 0;
    }
    return batch;
  }

  /** Continues from (epoch, index): the next batch starts at that sample of that epoch's order. */
  public void seek(int newEpoch, int index) {
    if (newEpoch < 0 || index < 0 || index >= samples.size()) {
      throw new IllegalArgumentException(
          "position (epoch "
              + newEpoch
              + ", index "
              + index
              + ") is outside epochs >= 0 and indices 0.."
              + (samples.size() - 1));
    }
    epoch = newEpoch;
    nextIndex = index;
  }

  /** The epoch of the next batch. */
  public int epoch() {
    return epoch;
  }

  /** Index (within the epoch's order) of the next batch's first sample. */
  public int nextIndex() {
    return nextIndex;
  }

  /** Batches per epoch, counting the partial last batch. */
  public int batchesPerEpoch() {
    return (samples.size() + batchSize - 1) / batchSize;
  }

  public int batchSize() {
    return batchSize;
  }

  public long seed() {
    return seed;
  }

  public boolean shuffles() {
    return shuffle;
  }

  public SampleSet<B> samples() {
    return samples;
  }

  /** The sample order of an epoch (a fresh copy). */
  public int[] order(int someEpoch) {
    return orderOf(someEpoch).clone();
  }

  private int[] orderOf(int someEpoch) {
    if (orderEpoch != someEpoch) {
      order = computeOrder(samples.size(), shuffle, seed, someEpoch);
      orderEpoch = someEpoch;
    }
    return order;
  }

  static int[] computeOrder(int size, boolean shuffle, long seed, int epoch) {
    int[] result = new int[size];
    for (int i = 0; i < size; i++) {
      result[i] = i;
    }
    if (shuffle) {
      SplittableRandom random = new SplittableRandom(Seeds.derive(seed, epoch));
      for (int i = size - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int swap = result[i];
        result[i] = result[j];
        result[j] = swap;
      }
    }
    return result;
  }
}
