package dev.sequent.core.infer;

import dev.sequent.core.data.Padding;
import dev.sequent.core.eval.ScoredBatch;
import dev.sequent.core.eval.Scorer;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Parallel;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.kernel.Kernels;

/**
 * Scores histories with a {@link SequenceModel}: the hidden state at the last real position, dotted with
 * every item's output embedding, plus the output bias.
 *
 * <p>Both scoring paths compute each score with the same loop (sum over the hidden axis in order, then the
 * bias), so a score from {@link ScoredBatch#scoreItems} equals the one from {@link ScoredBatch#scoreRange}
 * bit for bit, as the evaluator's tie rule requires. The range path runs over a blocked, transposed copy
 * of the item table so the inner loop runs along items, vectorised by the engine's unfused
 * {@link Kernels#addScaledRows} (a rounded product then a rounded add, like the scalar loop).
 */
public final class ModelScorer implements Scorer {
  /**
   * Items per block of the transposed table: 128 items × 64 dims = 32 KB, so a block stays in L1 while a
   * batch's rows are scored against it, and one vector's scores are a few registers.
   */
  private static final int BLOCK = 128;

  private final SequenceModel model;
  private final int maxLength;
  private final int dim;
  /** [blocks][dim][BLOCK]: itemsBlocked[(b·dim + k)·BLOCK + j] = E[b·BLOCK + j][k]; zero past the last id. */
  private final float[] itemsBlocked;
  private final float[] items;
  private final float[] bias;
  private final Kernels kernels = Kernels.get();

  /** Snapshots the model's output table; build a new scorer after the weights change. */
  public ModelScorer(SequenceModel model, int maxLength) {
    this.model = model;
    this.maxLength = maxLength;
    this.dim = model.dim();
    Tensor table = model.itemEmbeddings();
    int ids = table.dim(0);
    this.items = table.toArray();
    this.itemsBlocked = new float[(ids + BLOCK - 1) / BLOCK * BLOCK * dim];
    for (int i = 0; i < ids; i++) {
      int block = i / BLOCK;
      for (int k = 0; k < dim; k++) {
        itemsBlocked[(block * dim + k) * BLOCK + i % BLOCK] = items[i * dim + k];
      }
    }
    Tensor b = model.itemBias();
    this.bias = b == null ? null : b.toArray();
  }

  @Override
  public int numItems() {
    return model.numItems();
  }

  @Override
  public ScoredBatch encode(int[][] histories) {
    return new Hidden(encodeLast(model, histories, maxLength));
  }

  @Override
  public int window(int maxLength) {
    return model.clozeMasking() != null ? maxLength - 1 : maxLength;
  }

  /**
   * Hidden states [rows × d] at the last real position of each history (eval mode, no gradients). For a
   * Cloze model ({@link SequenceModel#clozeMasking()}) the last position is its mask token, appended after
   * the last L − 1 history items.
   */
  public static float[] encodeLast(SequenceModel model, int[][] histories, int maxLength) {
    int rows = histories.length;
    int[] ids = new int[rows * maxLength];
    int[] last = new int[rows];
    int appended = model.clozeMasking() == null ? 0 : model.clozeMasking().maskToken();
    int room = appended == 0 ? maxLength : maxLength - 1;
    for (int r = 0; r < rows; r++) {
      int[] h = histories[r];
      int n = Math.min(h.length, room);
      int used = appended == 0 ? n : n + 1;
      int from = h.length - n;
      int start = model.padding() == Padding.LEFT ? maxLength - used : 0;
      System.arraycopy(h, from, ids, r * maxLength + start, n);
      if (appended != 0) {
        ids[r * maxLength + start + n] = appended;
      }
      last[r] = start + used - 1;
    }
    boolean wasTraining = model.isTraining();
    model.train(false);
    try (Grad g = Grad.disabled()) {
      Tensor hidden = model.encode(new IntTensor(ids, rows, maxLength));
      int d = model.dim();
      float[] out = new float[rows * d];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(hidden.data(), hidden.offset() + (r * maxLength + Math.max(0, last[r])) * d, out, r * d, d);
      }
      return out;
    } finally {
      model.train(wasTraining);
    }
  }

  /** Scores items [from, to) for one hidden vector into out[outOff..]. */
  void scoreRange(float[] hidden, int hOff, int from, int to, float[] out, int outOff) {
    int n = to - from;
    java.util.Arrays.fill(out, outOff, outOff + n, 0f);
    for (int start = from, end; start < to; start = end) {
      int b = start / BLOCK;
      end = Math.min(to, (b + 1) * BLOCK);
      kernels.addScaledRows(hidden, hOff, dim, itemsBlocked, b * dim * BLOCK + start % BLOCK, BLOCK, out,
          outOff + start - from, end - start);
    }
    if (bias != null) {
      for (int j = 0; j < n; j++) {
        out[outOff + j] += bias[from + j];
      }
    }
  }

  /** The same arithmetic, in the same order, for one item. */
  float score(float[] hidden, int hOff, int item) {
    float s = 0f;
    int row = item * dim;
    for (int k = 0; k < dim; k++) {
      s += hidden[hOff + k] * items[row + k];
    }
    return bias == null ? s : s + bias[item];
  }

  /** Encoded histories of one batch. */
  private final class Hidden implements ScoredBatch {
    private final float[] hidden;
    private final int rows;

    Hidden(float[] hidden) {
      this.hidden = hidden;
      this.rows = hidden.length / dim;
    }

    @Override
    public int size() {
      return rows;
    }

    @Override
    public void scoreRange(int fromItem, int toItem, float[] out) {
      int n = toItem - fromItem;
      Parallel.forRange(rows, 4, (from, to) -> {
        // Blocks of items outside, rows inside: a block of the table stays in cache while every row of this
        // part is scored against it, instead of the whole table streaming from memory once per row.
        for (int start = fromItem, end; start < toItem; start = end) {
          end = Math.min(toItem, (start / BLOCK + 1) * BLOCK);
          for (int r = from; r < to; r++) {
            ModelScorer.this.scoreRange(hidden, r * dim, start, end, out, r * n + start - fromItem);
          }
        }
      });
    }

    @Override
    public void scoreItems(int[][] itemsPerRow, float[][] out) {
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < itemsPerRow[r].length; j++) {
          out[r][j] = score(hidden, r * dim, itemsPerRow[r][j]);
        }
      }
    }
  }
}
