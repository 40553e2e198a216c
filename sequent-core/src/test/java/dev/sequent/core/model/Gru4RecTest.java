package dev.sequent.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Gru4RecTest {

  static Gru4Rec model(int numItems, int dim, int hidden, float dropout) {
    return new Gru4Rec(new Gru4Rec.Config(numItems, dim, hidden, dropout, true, Gru4Rec.Init.RECBOLE, 11));
  }

  @Test
  void shapesAndParameterCount() {
    Gru4Rec m = model(3416, 64, 128, 0.3f);
    Tensor h = m.encode(ModelTestSupport.randomWindows(new Rng(1), 3, 9, 3416, true));
    assertArrayEquals(new int[] {3, 9, 64}, h.shape());
    assertArrayEquals(new int[] {3417, 64}, m.itemEmbeddings().shape());
    assertArrayEquals(new int[] {3417}, m.itemBias().shape());
    // Item table, GRU W_ih [3H, d] and W_hh [3H, H] (no biases), projection H → d with bias, output bias.
    assertEquals(3417L * 64 + 384 * 64 + 384 * 128 + 128 * 64 + 64 + 3417, m.parameterCount());
    Gru4Rec noBias = new Gru4Rec(new Gru4Rec.Config(10, 8, 16, 0f, false, Gru4Rec.Init.RECBOLE, 1));
    assertNull(noBias.itemBias());
  }

  @Test
  void truncatedNormalInitDrawsEveryParameterWithinTwoSigma() {
    Gru4Rec m = (Gru4Rec) Models.create("gru4rec", Map.of("init", "truncated_normal"), 300, 10);
    assertEquals(Gru4Rec.Init.TRUNCATED_NORMAL, m.config().init());
    for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
      float[] w = e.getValue().toArray();
      double sumSquares = 0;
      for (float x : w) {
        assertTrue(Math.abs(x) <= 0.04f, e.getKey() + " value " + x);
        sumSquares += x * x;
      }
      // A N(0, 0.02) truncated at 2σ has a standard deviation of ~0.0176.
      double std = Math.sqrt(sumSquares / w.length);
      assertEquals(0.0176, std, w.length > 1000 ? 0.001 : 0.006, e.getKey());
    }
    Gru4Rec recBole = (Gru4Rec) Models.create("gru4rec", Map.of(), 300, 10);
    for (float x : recBole.itemBias().toArray()) {
      assertEquals(0f, x, "RecBole's output bias starts at zero");
    }
  }

  @Test
  void leadingPaddingDoesNotChangeRealOutputs() {
    Gru4Rec m = model(20, 8, 12, 0f);
    m.train(false);
    try (Grad g = Grad.disabled()) {
      float[] padded = m.encode(new IntTensor(new int[] {0, 0, 0, 0, 5, 6, 7}, 1, 7)).toArray();
      float[] bare = m.encode(new IntTensor(new int[] {5, 6, 7}, 1, 3)).toArray();
      // At the pads h is exactly 0, so the output there is the projection's bias...
      float[] bias = m.namedParameters().get("dense.bias").toArray();
      for (int p = 0; p < 4; p++) {
        assertArrayEquals(bias, Arrays.copyOfRange(padded, p * 8, (p + 1) * 8), "pad position " + p);
      }
      // ...and the real positions agree with the unpadded window (up to the GEMMs' summation order).
      assertArrayEquals(bare, Arrays.copyOfRange(padded, 4 * 8, 7 * 8), 1e-6f);
    }
  }

  @Test
  void paddingRowGetsNoGradientFromInputs() {
    Gru4Rec m = new Gru4Rec(new Gru4Rec.Config(20, 8, 12, 0.3f, false, Gru4Rec.Init.RECBOLE, 2));
    m.train(true);
    Tensor out = m.encode(new IntTensor(new int[] {0, 0, 3, 4, 0, 0, 0, 9}, 2, 4));
    out.sum().backward();
    float[] grad = m.itemEmbeddings().grad();
    for (int k = 0; k < 8; k++) {
      assertEquals(0f, grad[k], "pad row, unit " + k);
    }
    assertTrue(Math.abs(grad[3 * 8]) + Math.abs(grad[3 * 8 + 1]) > 0, "a real item's row gets a gradient");
  }

  @Test
  void incrementalStepsEqualTheFullForwardAtEveryPosition() {
    Gru4Rec m = model(50, 16, 24, 0.3f);
    m.train(false);
    Rng rng = new Rng(3);
    double worst = 0;
    for (int trial = 0; trial < 6; trial++) {
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
        int at = (window - length + i) * 16;
        for (int k = 0; k < 16; k++) {
          worst = Math.max(worst, Math.abs(full[at + k] - step[k]));
        }
      }
      assertEquals(length, state.length());
    }
    assertTrue(worst < 1e-4, "max |incremental − full| = " + worst);
  }

  @Test
  void stepsNeedEvalMode() {
    Gru4Rec m = model(10, 8, 8, 0.3f);
    m.train(true);
    assertThrows(IllegalStateException.class, () -> m.step(m.initialState(), 1));
  }

  @Test
  void tinyOverfit() {
    Gru4Rec m = model(12, 16, 32, 0f);
    int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
    float loss = ModelTestSupport.overfit(m, sequences, 8, 150);
    assertTrue(loss < 0.1f, "loss after overfitting: " + loss);
  }

  @Test
  void registryBuildsItWithOptions() {
    SequenceModel m = Models.create("gru4rec", Map.of("hidden", "32", "dropout", "0.5"), 30, 10);
    assertEquals("gru4rec", m.name());
    assertEquals(32, ((Gru4Rec) m).config().hidden());
    assertEquals(64, m.dim());
    assertTrue(Models.names().contains("gru4rec"));
    assertThrows(IllegalArgumentException.class, () -> Models.create("gru4rec", Map.of("heads", "2"), 30, 10));
  }
}
