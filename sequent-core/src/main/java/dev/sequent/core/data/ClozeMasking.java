package dev.sequent.core.data;

import java.util.SplittableRandom;

/**
 * BERT4Rec's Cloze task (Sun et al., CIKM 2019, §3.6; research/models.md §6.3): hide some items of a
 * training window behind a mask token and predict them from both sides.
 *
 * <p>Rule, per window (a row of items, 0 = padding):
 * <ul>
 *   <li>with probability {@code lastItemRatio} the window masks only its last real item (the paper's extra
 *       samples that "only mask the last item", which match the prediction task at test time);
 *   <li>otherwise each real position is masked independently with probability {@code maskRatio} (ρ);
 *       if that masks nothing, the last real item is masked, so every window contributes a target.
 * </ul>
 * Padding is never masked. A masked position always shows the mask token (no BERT-style 80/10/10 random or
 * kept tokens: the paper replaces every chosen item by [mask]).
 *
 * <p>Randomness: one {@link SplittableRandom} per batch seeded by the caller, drawn row by row in a fixed
 * order (one draw for the last-item decision, then one per real position), so the masks are a pure function
 * of (seed, batch contents): a resumed run that seeds with (run seed, step) masks exactly as before.
 *
 * @param maskToken id of the mask token (BERT4Rec: numItems + 1)
 * @param maskRatio ρ, the probability that a real position is masked, in (0, 1]
 * @param lastItemRatio probability that a window masks only its last item, in [0, 1]
 */
public record ClozeMasking(int maskToken, double maskRatio, double lastItemRatio) {

  public ClozeMasking {
    if (maskToken < 1) {
      throw new IllegalArgumentException("mask token must be a positive id, got " + maskToken);
    }
    if (!(maskRatio > 0 && maskRatio <= 1)) {
      throw new IllegalArgumentException("mask_ratio must be in (0, 1], got " + maskRatio);
    }
    if (!(lastItemRatio >= 0 && lastItemRatio <= 1)) {
      throw new IllegalArgumentException("last_item_ratio must be in [0, 1], got " + lastItemRatio);
    }
  }

  /**
   * Masks the windows of a sequence-to-sequence batch. Its labels row is the window of items itself (the
   * last L items of the sample, padded on the model's side), which is what the Cloze task reads; the
   * shifted inputs row is not needed.
   */
  public ClozeBatch mask(Seq2SeqBatch windows, long seed) {
    return mask(windows.labels(), windows.size(), windows.maxLength(), windows.users(), seed);
  }

  /** Masks {@code rows} windows of {@code length} items (row-major, 0 = padding). */
  public ClozeBatch mask(int[] items, int rows, int length, int[] users, long seed) {
    if (items.length != rows * length) {
      throw new IllegalArgumentException("expected " + rows + " × " + length + " items, got " + items.length);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] inputs = items.clone();
    int[] labels = new int[items.length];
    for (int r = 0; r < rows; r++) {
      int row = r * length;
      int last = -1;
      for (int p = length - 1; p >= 0; p--) {
        if (items[row + p] != 0) {
          last = p;
          break;
        }
      }
      boolean lastOnly = random.nextDouble() < lastItemRatio;
      if (last < 0) {
        continue;
      }
      boolean any = false;
      if (!lastOnly) {
        for (int p = 0; p < length; p++) {
          if (items[row + p] != 0 && random.nextDouble() < maskRatio) {
            inputs[row + p] = maskToken;
            labels[row + p] = items[row + p];
            any = true;
          }
        }
      }
      if (!any) {
        inputs[row + last] = maskToken;
        labels[row + last] = items[row + last];
      }
    }
    return new ClozeBatch(rows, length, inputs, labels, users.clone());
  }
}
