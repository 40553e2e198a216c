package dev.sequent.core.data;

import java.util.SplittableRandom;

/**
 * BERT4Rec's Cloze task (Sun et al., CIKM 2019, §3.6; research/models.md §6.3): hide some items of a
 * training window behind a mask token and predict them from both sides.
 *
 * <p>Rule, per window (a row of items, 0 = padding), for the {@link LastItem#WINDOWS} rule:
 * <ul>
 *   <li>with probability {@code lastItemRatio} the window masks only its last real item (the paper's extra
 *       samples that "only mask the last item", which match the prediction task at test time);
 *   <li>otherwise each real position is masked independently with probability {@code maskRatio} (ρ);
 *       if that masks nothing, the last real item is masked, so every window contributes a target.
 * </ul>
 * Under {@link LastItem#BOOST} there are no last-only windows: every real position is masked with
 * probability ρ, except the last, masked with ρ + lastItemRatio·(1 − ρ); the same fallback applies.
 * With a cap ({@code maxPredictions} > 0) positions are drawn left to right and the drawing stops once that
 * many are masked, so the rest of the window stays visible (the fallback still applies to a window with none).
 * Padding is never masked. What a chosen position shows is the {@link Replacement} rule: always the mask token
 * (the BERT4Rec paper and its official code), or BERT's 80/10/10 (the PyTorch BERT4Rec frameworks). Either
 * way the label is the original item.
 *
 * <p>Randomness: one {@link SplittableRandom} per batch seeded by the caller, drawn row by row in a fixed
 * order (one draw for the last-item decision under {@code WINDOWS}, then one per real position up to the cap,
 * then, under the BERT rule, one or two per chosen position), so the masks are a pure function of (seed,
 * batch contents): a resumed run that seeds with (run seed, step) masks exactly as before.
 *
 * @param maskToken id of the mask token (BERT4Rec: numItems + 1; items are 1 .. maskToken − 1)
 * @param maskRatio ρ, the probability that a real position is masked, in (0, 1]
 * @param lastItemRatio how much more often the last item is masked, in [0, 1]: the share of last-only windows
 *     or the boost, by {@code lastItem}
 * @param lastItem how the last item gets its extra masking
 * @param replacement what a chosen position shows
 * @param maxPredictions the most positions a window masks, 0 for no cap (the BERT4Rec paper has none; the LRURec
 *     first author's earlier code caps at 40 on ML-1M, 30 on Beauty)
 */
public record ClozeMasking(int maskToken, double maskRatio, double lastItemRatio, LastItem lastItem,
                           Replacement replacement, int maxPredictions) {

  /** How training leans towards the test task, predicting the last item. */
  public enum LastItem {
    /** A share of windows masks only the last item: the BERT4Rec paper and its official data generator. */
    WINDOWS,
    /**
     * The last item's mask probability is raised towards 1, no last-only windows: the BERT4Rec of the LRURec
     * first author's earlier code (github.com/Yueeeeeeee/RecSys-Extraction-Attack, dataloader/bert.py).
     */
    BOOST
  }

  /** What a chosen (labelled) position shows in the input. */
  public enum Replacement {
    /** Always the mask token: the BERT4Rec paper ("replace with [mask]") and its official TF code. */
    MASK,
    /**
     * BERT's rule (Devlin et al. 2019): the mask token 80% of the time, a uniformly random item 10%, the
     * original item 10%. The PyTorch BERT4Rec frameworks use it, among them the BERT4Rec of the LRURec first
     * author's earlier code (github.com/Yueeeeeeee/RecSys-Extraction-Attack, dataloader/bert.py).
     */
    BERT
  }

  /** The BERT4Rec paper's rule: every chosen position shows the mask token. */
  public ClozeMasking(int maskToken, double maskRatio, double lastItemRatio) {
    this(maskToken, maskRatio, lastItemRatio, LastItem.WINDOWS, Replacement.MASK, 0);
  }

  public ClozeMasking {
    if (replacement == null || lastItem == null) {
      throw new IllegalArgumentException("replacement and lastItem must not be null");
    }
    if (maskToken < 1) {
      throw new IllegalArgumentException("mask token must be a positive id, got " + maskToken);
    }
    if (replacement == Replacement.BERT && maskToken < 2) {
      throw new IllegalArgumentException("random replacement needs at least one item below the mask token "
          + maskToken);
    }
    if (!(maskRatio > 0 && maskRatio <= 1)) {
      throw new IllegalArgumentException("mask_ratio must be in (0, 1], got " + maskRatio);
    }
    if (!(lastItemRatio >= 0 && lastItemRatio <= 1)) {
      throw new IllegalArgumentException("last_item_ratio must be in [0, 1], got " + lastItemRatio);
    }
    if (maxPredictions < 0) {
      throw new IllegalArgumentException("max_predictions must be >= 0 (0 = no cap), got " + maxPredictions);
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
      boolean lastOnly = lastItem == LastItem.WINDOWS && random.nextDouble() < lastItemRatio;
      if (last < 0) {
        continue;
      }
      double lastRatio = lastItem == LastItem.BOOST ? maskRatio + lastItemRatio * (1 - maskRatio) : maskRatio;
      int masked = 0;
      if (!lastOnly) {
        for (int p = 0; p < length && (maxPredictions == 0 || masked < maxPredictions); p++) {
          if (items[row + p] != 0 && random.nextDouble() < (p == last ? lastRatio : maskRatio)) {
            hide(row + p, items, inputs, labels, random);
            masked++;
          }
        }
      }
      if (masked == 0) {
        hide(row + last, items, inputs, labels, random);
      }
    }
    return new ClozeBatch(rows, length, inputs, labels, users.clone());
  }

  /** Labels position {@code i} with its item and replaces the input by the {@link #replacement} rule. */
  private void hide(int i, int[] items, int[] inputs, int[] labels, SplittableRandom random) {
    labels[i] = items[i];
    inputs[i] = maskToken;
    if (replacement == Replacement.BERT) {
      double u = random.nextDouble();
      if (u >= 0.9) {
        inputs[i] = items[i];
      } else if (u >= 0.8) {
        inputs[i] = random.nextInt(1, maskToken);
      }
    }
  }
}
