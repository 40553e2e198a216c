package dev.sequent.core.model;

import static dev.sequent.core.model.ModelTestSupport.maxAbsDiff;
import static dev.sequent.core.model.ModelTestSupport.rightPadded;
import static dev.sequent.core.model.ModelTestSupport.row;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.core.data.Padding;
import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LinRecTest {

  static LinRec model(int numItems, int maxLength, boolean causal, int dim, int layers, float dropout,
                              LinRec.KeyNorm norm) {
    return LinRec.create(new LinRec.Config(numItems, maxLength, causal, dim, layers, 2, 2 * dim, dropout, norm, 1e-12f,
        11));
  }

  @Test
  void shapesAndParameterCountMatchTheOfficialModel() {
    for (boolean causal : new boolean[] {false, true}) {
      LinRec m = (LinRec) Models.create("linrec", Map.of("variant", causal ? "causal" : "faithful"), 3416, 200);
      assertEquals(Padding.RIGHT, m.padding());
      Tensor h = m.encode(ModelTestSupport.randomWindows(new Rng(1), 2, 200, 3416, false));
      assertArrayEquals(new int[] {2, 200, 128}, h.shape());
      assertArrayEquals(new int[] {3417, 128}, m.itemEmbeddings().shape());
      // models.md §4.2: 290,816 encoder parameters at d = 128, inner 256, L = 200, plus the item table.
      assertEquals(290_816L + 3417L * 128, m.parameterCount());
    }
    assertThrows(IllegalArgumentException.class,
        () -> model(10, 6, true, 8, 1, 0f, LinRec.KeyNorm.POSITION).encode(new IntTensor(new int[7], 1, 7)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Models.create("linrec", Map.of("variant", "exact"), 10, 6));
    assertTrue(e.getMessage().contains("faithful"), e.getMessage());
  }

  @Test
  void faithfulAttendsToLaterSlotsAndPaddingCausalDoesNot() {
    int[] a = {3, 4, 5, 6, 7};
    int[] b = {3, 4, 5, 9, 7};
    for (LinRec.KeyNorm norm : LinRec.KeyNorm.values()) {
      LinRec faithful = model(20, 8, false, 16, 2, 0f, norm);
      LinRec causal = model(20, 8, true, 16, 2, 0f, norm);
      faithful.train(false);
      causal.train(false);
      try (Grad g = Grad.disabled()) {
        // Position 1 given a different item at position 3.
        assertTrue(maxAbsDiff(row(faithful.encode(rightPadded(a, 8)), 1, 16),
            row(faithful.encode(rightPadded(b, 8)), 1, 16)) > 1e-4, "faithful sees later items, " + norm);
        assertEquals(0.0, maxAbsDiff(row(causal.encode(rightPadded(a, 8)), 1, 16),
            row(causal.encode(rightPadded(b, 8)), 1, 16)), 1e-6, "causal must not see later items, " + norm);
        // The last real position given more trailing padding (longer window).
        assertTrue(maxAbsDiff(row(faithful.encode(rightPadded(a, 6)), 4, 16),
            row(faithful.encode(rightPadded(a, 8)), 4, 16)) > 1e-4, "faithful sums over the padding, " + norm);
        assertEquals(0.0, maxAbsDiff(row(causal.encode(rightPadded(a, 6)), 4, 16),
            row(causal.encode(rightPadded(a, 8)), 4, 16)), 1e-5, "causal ignores trailing padding, " + norm);
      }
    }
  }

  @Test
  void causalLeadingPaddingIsTheSameAsNoSlot() {
    for (LinRec.KeyNorm norm : LinRec.KeyNorm.values()) {
      LinRec m = model(20, 8, true, 16, 2, 0f, norm);
      m.train(false);
      try (Grad g = Grad.disabled()) {
        Tensor shifted = m.encode(new IntTensor(new int[] {0, 3, 4, 5, 0, 0, 0, 0}, 1, 8));
        Tensor plain = m.encode(rightPadded(new int[] {3, 4, 5}, 8));
        for (int i = 0; i < 3; i++) {
          assertEquals(0.0, maxAbsDiff(row(plain, i, 16), row(shifted, i + 1, 16)), 1e-6, norm + " item " + i);
        }
      }
    }
  }

  @Test
  void oneLayerFaithfulAndCausalAgreeAtTheLastSlotOfAFullWindow() {
    // With no padding, the last slot of the non-causal attention sees exactly the causal prefix.
    for (LinRec.KeyNorm norm : LinRec.KeyNorm.values()) {
      LinRec faithful = model(30, 6, false, 16, 1, 0f, norm);
      LinRec causal = model(30, 6, true, 16, 1, 0f, norm);
      faithful.train(false);
      causal.train(false);
      IntTensor full = new IntTensor(new int[] {1, 7, 3, 9, 4, 2}, 1, 6);
      try (Grad g = Grad.disabled()) {
        assertEquals(0.0, maxAbsDiff(row(faithful.encode(full), 5, 16), row(causal.encode(full), 5, 16)), 1e-5,
            norm.toString());
        assertTrue(maxAbsDiff(row(faithful.encode(full), 2, 16), row(causal.encode(full), 2, 16)) > 1e-4);
      }
    }
  }

  @Test
  void keyNormalisationAxesDiffer() {
    LinRec position = model(20, 8, false, 16, 1, 0f, LinRec.KeyNorm.POSITION);
    LinRec sequence = model(20, 8, false, 16, 1, 0f, LinRec.KeyNorm.SEQUENCE);
    IntTensor in = rightPadded(new int[] {3, 4, 5}, 8);
    try (Grad g = Grad.disabled()) {
      assertTrue(maxAbsDiff(position.encode(in).toArray(), sequence.encode(in).toArray()) > 1e-4);
    }
  }

  @Test
  void incrementalStepsEqualTheFullCausalForward() {
    for (LinRec.KeyNorm norm : LinRec.KeyNorm.values()) {
      LinRec.Incremental m = (LinRec.Incremental) model(50, 24, true, 16, 2, 0.3f, norm);
      m.train(false);
      double worst = ModelTestSupport.incrementalMismatch(m, 24, 5, 3);
      assertTrue(worst < 1e-4, norm + ": max |incremental − full| = " + worst);
    }
  }

  @Test
  void faithfulVariantHasNoIncrementalState() {
    LinRec m = model(10, 6, false, 8, 1, 0f, LinRec.KeyNorm.POSITION);
    m.train(false);
    // Serving code checks the interface: the faithful variant must not claim an incremental state.
    assertFalse(m instanceof IncrementalModel);
    assertTrue(model(10, 6, true, 8, 1, 0f, LinRec.KeyNorm.POSITION) instanceof IncrementalModel);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, m::initialState);
    assertTrue(e.getMessage().contains("causal"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> m.step(new RecurrentState(new float[0][]), 1));
  }

  @Test
  void tinyOverfitFaithfulOnPrefixes() {
    LinRec m = model(12, 8, false, 16, 2, 0f, LinRec.KeyNorm.POSITION);
    int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
    float loss = ModelTestSupport.overfitPrefix(m, sequences, 8, 200);
    assertTrue(loss < 0.1f, "loss after overfitting: " + loss);
  }

  @Test
  void tinyOverfitCausalSequenceToSequence() {
    for (LinRec.KeyNorm norm : LinRec.KeyNorm.values()) {
      LinRec m = model(12, 8, true, 16, 2, 0f, norm);
      int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
      float loss = ModelTestSupport.overfit(m, sequences, 8, 200);
      assertTrue(loss < 0.1f, norm + ": loss after overfitting: " + loss);
    }
  }
}
