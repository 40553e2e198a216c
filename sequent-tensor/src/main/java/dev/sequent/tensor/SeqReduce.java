package dev.sequent.tensor;

/**
 * Deterministic parallel sums over rows, for weight and bias gradients that reduce over batch and time.
 *
 * <p>The rows are cut into a number of chunks that depends only on the row count (never on the thread
 * count or on timing); each chunk accumulates its rows in order into its own partial buffer, and the
 * partials are added in chunk order. The result is therefore bit-identical from run to run and for any
 * {@link Parallel#threads()}.
 */
final class SeqReduce {
  /** Upper bound on the number of partial buffers (enough to keep a handful of cores busy). */
  private static final int MAX_CHUNKS = 16;

  /** Adds the contributions of rows [from, to), in row order, into {@code partial} (zeroed, length width). */
  @FunctionalInterface
  interface RowBody {
    void accumulate(int from, int to, float[] partial);
  }

  private SeqReduce() {}

  /** Σ over rows [0, rows) of each row's contribution, as a new array of length {@code width}. */
  static float[] rowSums(int rows, int width, RowBody body) {
    int chunks = Math.max(1, Math.min(MAX_CHUNKS, rows));
    float[][] partials = new float[chunks][width];
    Parallel.forRange(chunks, 1, (from, to) -> {
      for (int c = from; c < to; c++) {
        int rowFrom = (int) ((long) rows * c / chunks);
        int rowTo = (int) ((long) rows * (c + 1) / chunks);
        body.accumulate(rowFrom, rowTo, partials[c]);
      }
    });
    float[] total = partials[0];
    for (int c = 1; c < chunks; c++) {
      float[] p = partials[c];
      for (int i = 0; i < width; i++) {
        total[i] += p[i];
      }
    }
    return total;
  }

  /**
   * Adds the column sums of the matrix a [rows, width] (row stride lda, starting at aOff) into
   * target[tOff, tOff + width).
   */
  static void addColumnSums(float[] a, int aOff, int lda, int rows, int width, float[] target, int tOff) {
    float[] sums = rowSums(rows, width, (from, to, partial) -> {
      for (int r = from; r < to; r++) {
        int row = aOff + r * lda;
        for (int i = 0; i < width; i++) {
          partial[i] += a[row + i];
        }
      }
    });
    for (int i = 0; i < width; i++) {
      target[tOff + i] += sums[i];
    }
  }
}
