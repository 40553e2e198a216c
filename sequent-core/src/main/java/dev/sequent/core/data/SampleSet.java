package dev.sequent.core.data;

/**
 * A fixed, indexable set of training (or evaluation) samples that builds batches on demand.
 * Samples are never materialised: a batch is filled from the dataset by index arithmetic.
 *
 * @param <B> the batch type
 */
public interface SampleSet<B> {

  /** Number of samples. */
  int size();

  /**
   * Builds the batch of samples {@code order[from], …, order[from + count - 1]}, in that order.
   */
  B batch(int[] order, int from, int count);
}
