package dev.sequent.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SasRecTest {

  static SasRec model(int numItems, int length, float dropout) {
    return new SasRec(new SasRec.Config(numItems, length, 16, 2, 2, dropout, 1e-8f, 5));
  }

  @Test
  void shapes() {
    SasRec m = model(100, 12, 0.2f);
    Tensor h = m.encode(ModelTestSupport.randomWindows(new Rng(1), 4, 12, 100, true));
    assertArrayEquals(new int[] {4, 12, 16}, h.shape());
    assertArrayEquals(new int[] {101, 16}, m.itemEmbeddings().shape());
    assertThrows(IllegalArgumentException.class, () -> m.encode(new IntTensor(new int[13], 1, 13)));
  }

  @Test
  void outputsDoNotSeeTheFuture() {
    SasRec m = model(30, 6, 0f);
    m.train(false);
    try (Grad g = Grad.disabled()) {
      float[] a = m.encode(new IntTensor(new int[] {0, 1, 2, 3, 4, 5}, 1, 6)).toArray();
      float[] b = m.encode(new IntTensor(new int[] {0, 1, 2, 3, 9, 8}, 1, 6)).toArray();
      // Positions 0..3 only attend to themselves and earlier positions.
      for (int i = 0; i < 4 * 16; i++) {
        assertEquals(a[i], b[i], 1e-6, "position " + i / 16);
      }
    }
  }

  @Test
  void tinyOverfit() {
    SasRec m = model(12, 8, 0f);
    int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
    float loss = ModelTestSupport.overfit(m, sequences, 8, 200);
    assertTrue(loss < 0.1f, "loss after overfitting: " + loss);
  }
}
