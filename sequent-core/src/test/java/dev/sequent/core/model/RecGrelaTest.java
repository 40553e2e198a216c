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

class RecGrelaTest {

  static RecGrela model(int numItems, boolean causal, int dim, int blocks, float dropout) {
    return RecGrela.create(new RecGrela.Config(numItems, causal, dim, blocks, 2, dropout, dropout, 4, 10000f, 1e-12f,
        13));
  }

  @Test
  void shapesAndParameterCountMatchTheOfficialLog() {
    for (String variant : new String[] {"faithful", "causal"}) {
      RecGrela m = (RecGrela) Models.create("recgrela", Map.of("variant", variant), 3416, 200);
      assertEquals(Padding.RIGHT, m.padding());
      Tensor h = m.encode(ModelTestSupport.randomWindows(new Rng(1), 2, 50, 3416, false));
      assertArrayEquals(new int[] {2, 50, 64}, h.shape());
      // models.md §5.1: 436,672 parameters on ML-1M (3,417 ids), 54,464 per block.
      assertEquals(436_672L, m.parameterCount());
    }
  }

  @Test
  void faithfulAveragesOverLaterSlotsAndPaddingCausalDoesNot() {
    RecGrela faithful = model(20, false, 16, 2, 0f);
    RecGrela causal = model(20, true, 16, 2, 0f);
    faithful.train(false);
    causal.train(false);
    int[] a = {3, 4, 5, 6, 7};
    int[] b = {3, 4, 5, 9, 7};
    try (Grad g = Grad.disabled()) {
      assertTrue(maxAbsDiff(row(faithful.encode(rightPadded(a, 8)), 1, 16),
          row(faithful.encode(rightPadded(b, 8)), 1, 16)) > 1e-4, "faithful sees later items");
      assertEquals(0.0, maxAbsDiff(row(causal.encode(rightPadded(a, 8)), 1, 16),
          row(causal.encode(rightPadded(b, 8)), 1, 16)), 1e-6, "causal must not see later items");
      assertTrue(maxAbsDiff(row(faithful.encode(rightPadded(a, 6)), 4, 16),
          row(faithful.encode(rightPadded(a, 8)), 4, 16)) > 1e-4, "faithful averages over the padding");
      assertEquals(0.0, maxAbsDiff(row(causal.encode(rightPadded(a, 6)), 4, 16),
          row(causal.encode(rightPadded(a, 8)), 4, 16)), 1e-5, "causal ignores trailing padding");
    }
  }

  @Test
  void causalLeadingPaddingIsTheSameAsNoSlot() {
    RecGrela m = model(20, true, 16, 2, 0f);
    m.train(false);
    try (Grad g = Grad.disabled()) {
      Tensor shifted = m.encode(new IntTensor(new int[] {0, 3, 4, 5, 0, 0, 0, 0}, 1, 8));
      Tensor plain = m.encode(rightPadded(new int[] {3, 4, 5}, 8));
      for (int i = 0; i < 3; i++) {
        // Rotary scores depend on position differences only; rounding of the rotations differs.
        assertEquals(0.0, maxAbsDiff(row(plain, i, 16), row(shifted, i + 1, 16)), 1e-6, "item " + i);
      }
    }
  }

  @Test
  void oneBlockFaithfulAndCausalAgreeAtTheLastSlotOfAFullWindow() {
    // Without padding the last slot's means over N slots are the causal means over c_t = N real keys.
    RecGrela faithful = model(30, false, 16, 1, 0f);
    RecGrela causal = model(30, true, 16, 1, 0f);
    faithful.train(false);
    causal.train(false);
    IntTensor full = new IntTensor(new int[] {1, 7, 3, 9, 4, 2}, 1, 6);
    try (Grad g = Grad.disabled()) {
      assertEquals(0.0, maxAbsDiff(row(faithful.encode(full), 5, 16), row(causal.encode(full), 5, 16)), 1e-5);
      assertTrue(maxAbsDiff(row(faithful.encode(full), 2, 16), row(causal.encode(full), 2, 16)) > 1e-4);
    }
  }

  @Test
  void dropPathDropsWholeRowsOnlyInTraining() {
    Rng rng = new Rng(5);
    Tensor x = Tensor.full(1f, 64, 3, 2);
    float[] y = RecGrela.Block.dropPath(x, 0.5f, rng, true).toArray();
    int dropped = 0;
    for (int b = 0; b < 64; b++) {
      float first = y[b * 6];
      assertTrue(first == 0f || first == 2f, "kept rows are scaled by 1/(1 − p): " + first);
      for (int i = 1; i < 6; i++) {
        assertEquals(first, y[b * 6 + i], 0f, "a whole row is dropped or kept");
      }
      dropped += first == 0f ? 1 : 0;
    }
    assertTrue(dropped > 10 && dropped < 54, "about half the rows dropped: " + dropped);
    assertArrayEquals(x.toArray(), RecGrela.Block.dropPath(x, 0.5f, rng, false).toArray());
  }

  @Test
  void incrementalStepsEqualTheFullCausalForward() {
    RecGrela.Incremental m = (RecGrela.Incremental) model(50, true, 16, 3, 0.3f);
    m.train(false);
    double worst = ModelTestSupport.incrementalMismatch(m, 24, 5, 4);
    assertTrue(worst < 1e-4, "max |incremental − full| = " + worst);
  }

  @Test
  void faithfulVariantHasNoIncrementalState() {
    RecGrela m = model(10, false, 8, 1, 0f);
    m.train(false);
    // Serving code checks the interface: the faithful variant must not claim an incremental state.
    assertFalse(m instanceof IncrementalModel);
    assertTrue(model(10, true, 8, 1, 0f) instanceof IncrementalModel);
    assertThrows(UnsupportedOperationException.class, m::initialState);
    assertThrows(UnsupportedOperationException.class, () -> m.step(new RecurrentState(new float[0][]), 1));
  }

  @Test
  void tinyOverfitFaithfulOnPrefixes() {
    RecGrela m = model(12, false, 16, 2, 0f);
    int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
    float loss = ModelTestSupport.overfitPrefix(m, sequences, 8, 200);
    assertTrue(loss < 0.1f, "loss after overfitting: " + loss);
  }

  @Test
  void tinyOverfitCausalSequenceToSequence() {
    RecGrela m = model(12, true, 16, 2, 0f);
    int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
    float loss = ModelTestSupport.overfit(m, sequences, 8, 200);
    assertTrue(loss < 0.1f, "loss after overfitting: " + loss);
  }
}
