package dev.sequent.core.data;

import java.util.Arrays;

/**
 * A batch of prefix samples (RecBole style): one target per row, predicted from the most recent
 * items before it.
 *
 * @param size rows in this batch (the last batch of an epoch may be smaller)
 * @param maxLength L
 * @param inputs row-major {@code [size][maxLength]} item ids, padded with 0 on the side chosen
 * @param lengths real items per row (1..L); with right padding the last real item is at {@code
 *     lengths[row] - 1}
 * @param targets the item to predict for each row
 * @param users the user of each row
 */
public record PrefixBatch(
    int size, int maxLength, int[] inputs, int[] lengths, int[] targets, int[] users) implements RowBatch {

  @Override
  public PrefixBatch rows(int from, int to) {
    return new PrefixBatch(to - from, maxLength, Arrays.copyOfRange(inputs, from * maxLength, to * maxLength),
        Arrays.copyOfRange(lengths, from, to), Arrays.copyOfRange(targets, from, to),
        Arrays.copyOfRange(users, from, to));
  }
}
