package dev.sequent.core.data;

/** A training batch whose rows are independent samples, so any run of rows is a batch of its own. */
public interface RowBatch {
  /** Rows in this batch. */
  int size();

  /** Rows {@code from} (inclusive) to {@code to} (exclusive) as a batch of their own. */
  RowBatch rows(int from, int to);
}
