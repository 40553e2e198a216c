package dev.sequent.core.data;

/**
 * A batch of Cloze (masked-item) training samples, row-major {@code [size][maxLength]}: some real items of
 * each window are chosen and hidden in {@code inputs} (by the mask token, or under BERT's rule sometimes a
 * random or the kept item), and {@code labels} holds the original item at exactly those positions (0
 * everywhere else, so only chosen positions carry a loss). Built from a {@link Seq2SeqBatch} by
 * {@link ClozeMasking}.
 *
 * @param size rows in this batch
 * @param maxLength L
 * @param inputs item ids with the chosen positions hidden, padding 0, {@code size * maxLength}
 * @param labels the original item at masked positions, 0 elsewhere, {@code size * maxLength}
 * @param users the user of each row
 */
public record ClozeBatch(int size, int maxLength, int[] inputs, int[] labels, int[] users) {

  /** Number of chosen (labelled) positions, the targets of the loss. */
  public int masked() {
    int n = 0;
    for (int label : labels) {
      n += label != 0 ? 1 : 0;
    }
    return n;
  }
}
