package dev.sequent.tensor;

import java.util.Arrays;

/**
 * Embedding lookup with PyTorch's {@code padding_idx} semantics, which the RecBole models (LinRec,
 * RecGRELA, GLINT-RU) rely on: the lookup returns the padding row like any other, but positions holding
 * the padding id send no gradient into it. The row can still learn through other uses of the table (a
 * tied output layer scores the padding id like an item), exactly as in PyTorch.
 */
public final class PaddedEmbedding {
  private PaddedEmbedding() {}

  /**
   * Rows of {@code weight} [V, d] for each id: ids [...] → [..., d]. Backward adds into the used rows,
   * except for ids equal to {@code paddingIdx}.
   */
  public static Tensor lookup(Tensor weight, IntTensor ids, int paddingIdx) {
    if (weight.rank() != 2) {
      throw new ShapeException("paddedEmbedding", weight.shape(), "weight must be [V, d]");
    }
    int vocab = weight.dim(0);
    int d = weight.dim(1);
    int[] idx = ids.data();
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= vocab) {
        throw new IndexOutOfBoundsException("paddedEmbedding: id " + idx[i] + " at position " + i
            + " is outside [0, " + vocab + ")");
      }
    }
    int[] outShape = Arrays.copyOf(ids.shape(), ids.rank() + 1);
    outShape[ids.rank()] = d;
    Tensor out = Tensor.empty(outShape);
    float[] w = weight.data();
    int wo = weight.offset();
    float[] y = out.data();
    Parallel.forRange(idx.length, 256, (from, to) -> {
      for (int i = from; i < to; i++) {
        System.arraycopy(w, wo + idx[i] * d, y, i * d, d);
      }
    });
    return Tensor.record(out, "paddedEmbedding", o -> {
      float[] dy = o.grad();
      float[] dw = weight.grad();
      for (int i = 0; i < idx.length; i++) {
        if (idx[i] == paddingIdx) {
          continue;
        }
        int row = wo + idx[i] * d;
        int src = i * d;
        for (int j = 0; j < d; j++) {
          dw[row + j] += dy[src + j];
        }
      }
    }, weight);
  }
}
