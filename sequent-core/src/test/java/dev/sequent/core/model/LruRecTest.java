package dev.sequent.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LruRecTest {

  static LruRec model(int numItems, int dim, float dropout) {
    LruRec.Config d = LruRec.Config.defaults(numItems);
    return new LruRec(new LruRec.Config(numItems, dim, d.blocks(), dropout, dropout, d.rMin(), d.rMax(),
        d.maxPhase(), d.layerNormEps(), 7));
  }

  @Test
  void shapesAndParameterCountMatchTheOfficialModel() {
    LruRec m = model(3416, 64, 0.2f);
    Tensor h = m.encode(ModelTestSupport.randomWindows(new Rng(1), 3, 9, 3416, true));
    assertArrayEquals(new int[] {3, 9, 64}, h.shape());
    assertArrayEquals(new int[] {3417, 64}, m.itemEmbeddings().shape());
    // Per block 66,880 real numbers (50,304 elements with complex entries counted once, models.md §2.1),
    // plus the embedding, its LayerNorm and the output bias.
    assertEquals(3417L * 64 + 128 + 2 * 66_880 + 3417, m.parameterCount());
  }

  @Test
  void ringInitialisationStaysInTheRing() {
    LruRec m = model(10, 8, 0f);
    Tensor log = m.namedParameters().get("block_0.lru.params_log");
    int h = 16;
    for (int j = 0; j < h; j++) {
      double magnitude = Math.exp(-Math.exp(log.get(j)));
      double theta = Math.exp(log.get(h + j));
      double gamma = Math.exp(log.get(2 * h + j));
      assertTrue(magnitude >= 0.8 - 1e-6 && magnitude <= 0.99 + 1e-6, "|λ| = " + magnitude);
      assertTrue(theta >= 0 && theta <= 2 * Math.PI + 1e-6, "θ = " + theta);
      assertEquals(Math.sqrt(1 - magnitude * magnitude), gamma, 1e-5);
    }
  }

  @Test
  void paddingNeverLeaksIntoRealItems() {
    LruRec m = model(20, 8, 0f);
    m.train(false);
    try (Grad g = Grad.disabled()) {
      IntTensor a = new IntTensor(new int[] {0, 0, 0, 5, 6, 7}, 1, 6);
      IntTensor b = new IntTensor(new int[] {5, 6, 7}, 1, 3);
      float[] last = lastRow(m.encode(a), 6, 8);
      assertArrayEquals(lastRow(m.encode(b), 3, 8), last, 1e-5f);
    }
  }

  private static float[] lastRow(Tensor h, int length, int d) {
    float[] all = h.toArray();
    return java.util.Arrays.copyOfRange(all, (length - 1) * d, length * d);
  }

  @Test
  void incrementalStepsEqualTheFullForward() {
    LruRec m = model(50, 16, 0.3f);
    m.train(false);
    Rng rng = new Rng(3);
    for (int trial = 0; trial < 5; trial++) {
      int length = 1 + rng.nextInt(30);
      int[] items = new int[length];
      for (int i = 0; i < length; i++) {
        items[i] = 1 + rng.nextInt(50);
      }
      int window = 32;
      int[] padded = new int[window];
      System.arraycopy(items, 0, padded, window - length, length);
      float[] full;
      try (Grad g = Grad.disabled()) {
        full = m.encode(new IntTensor(padded, 1, window)).toArray();
      }
      RecurrentState state = m.initialState();
      for (int i = 0; i < length; i++) {
        float[] step = m.step(state, items[i]);
        float[] expected = java.util.Arrays.copyOfRange(full, (window - length + i) * 16, (window - length + i + 1) * 16);
        for (int k = 0; k < 16; k++) {
          assertEquals(expected[k], step[k], 1e-4, "trial " + trial + ", item " + i + ", unit " + k);
        }
      }
      assertEquals(length, state.length());
    }
  }

  @Test
  void tinyOverfit() {
    LruRec m = model(12, 16, 0f);
    int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
    float loss = ModelTestSupport.overfit(m, sequences, 8, 150);
    assertTrue(loss < 0.1f, "loss after overfitting: " + loss);
  }
}
