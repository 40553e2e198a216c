package dev.sequent.core.data;

import java.util.Arrays;

/**
 * A batch of sequence-to-sequence samples, row-major {@code [size][maxLength]}: at every position
 * p, {@code labels[p]} is the item that follows {@code inputs[p]}; label 0 means "no loss here".
 *
 * @param size rows in this batch (the last batch of an epoch may be smaller)
 * @param maxLength L
 * @param inputs input item ids, {@code size * maxLength}
 * @param labels next-item ids, {@code size * maxLength}
 * @param users the user of each row
 */
public record Seq2SeqBatch(int size, int maxLength, int[] inputs, int[] labels, int[] users)
    implements RowBatch {

  @Override
  public Seq2SeqBatch rows(int from, int to) {
    return new Seq2SeqBatch(to - from, maxLength, Arrays.copyOfRange(inputs, from * maxLength, to * maxLength),
        Arrays.copyOfRange(labels, from * maxLength, to * maxLength), Arrays.copyOfRange(users, from, to));
  }
}
