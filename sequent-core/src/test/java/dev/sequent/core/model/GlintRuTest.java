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

class GlintRuTest {

  static GlintRu model(int numItems, boolean causal, int dim, float dropout, LinRec.KeyNorm norm) {
    return GlintRu.create(new GlintRu.Config(numItems, causal, dim, 2, 3, dropout, dropout, dropout, norm, 1e-12f, 17));
  }

  @Test
  void shapesAndParameterCountMatchTheOfficialModel() {
    for (String variant : new String[] {"faithful", "causal"}) {
      GlintRu m = (GlintRu) Models.create("glintru", Map.of("variant", variant), 3416, 200);
      assertEquals(Padding.RIGHT, m.padding());
      Tensor h = m.encode(ModelTestSupport.randomWindows(new Rng(1), 2, 30, 3416, false));
      assertArrayEquals(new int[] {2, 30, 128}, h.shape());
      // models.md §3.1: 395,586 encoder parameters at d = 128, plus the item table.
      assertEquals(395_586L + 3417L * 128, m.parameterCount());
    }
    assertThrows(IllegalArgumentException.class, () -> Models.create("glintru", Map.of("conv_kernel", "4"), 10, 8));
  }

  @Test
  void expertMixingStartsEven() {
    GlintRu m = model(10, false, 8, 0f, LinRec.KeyNorm.POSITION);
    assertArrayEquals(new float[] {0.5f, 0.5f}, m.namedParameters().get("mixing").toArray());
  }

  @Test
  void faithfulLooksOneSlotAheadAndAtPaddingCausalDoesNot() {
    GlintRu faithful = model(20, false, 16, 0f, LinRec.KeyNorm.POSITION);
    GlintRu causal = model(20, true, 16, 0f, LinRec.KeyNorm.POSITION);
    faithful.train(false);
    causal.train(false);
    int[] a = {3, 4, 5, 6, 7};
    int[] b = {3, 4, 9, 6, 7};
    try (Grad g = Grad.disabled()) {
      // Position 1 given a different item at position 2 (the centred convolution's right tap).
      assertTrue(maxAbsDiff(row(faithful.encode(rightPadded(a, 8)), 1, 16),
          row(faithful.encode(rightPadded(b, 8)), 1, 16)) > 1e-4, "faithful sees the next slot");
      assertEquals(0.0, maxAbsDiff(row(causal.encode(rightPadded(a, 8)), 1, 16),
          row(causal.encode(rightPadded(b, 8)), 1, 16)), 1e-6, "causal must not see later items");
      assertTrue(maxAbsDiff(row(faithful.encode(rightPadded(a, 6)), 4, 16),
          row(faithful.encode(rightPadded(a, 8)), 4, 16)) > 1e-4, "faithful attends to the padding");
      assertEquals(0.0, maxAbsDiff(row(causal.encode(rightPadded(a, 6)), 4, 16),
          row(causal.encode(rightPadded(a, 8)), 4, 16)), 1e-5, "causal ignores trailing padding");
    }
  }

  @Test
  void causalLeadingPaddingIsTheSameAsNoSlot() {
    GlintRu m = model(20, true, 16, 0f, LinRec.KeyNorm.POSITION);
    m.train(false);
    try (Grad g = Grad.disabled()) {
      Tensor shifted = m.encode(new IntTensor(new int[] {0, 3, 4, 5, 0, 0, 0, 0}, 1, 8));
      Tensor plain = m.encode(rightPadded(new int[] {3, 4, 5}, 8));
      for (int i = 0; i < 3; i++) {
        assertEquals(0.0, maxAbsDiff(row(plain, i, 16), row(shifted, i + 1, 16)), 1e-6, "item " + i);
      }
    }
  }

  @Test
  void incrementalStepsEqualTheFullCausalForward() {
    for (LinRec.KeyNorm norm : LinRec.KeyNorm.values()) {
      GlintRu.Incremental m = (GlintRu.Incremental) model(50, true, 16, 0.3f, norm);
      m.train(false);
      double worst = ModelTestSupport.incrementalMismatch(m, 24, 5, 5);
      assertTrue(worst < 1e-4, norm + ": max |incremental − full| = " + worst);
    }
  }

  @Test
  void faithfulVariantHasNoIncrementalState() {
    GlintRu m = model(10, false, 8, 0f, LinRec.KeyNorm.POSITION);
    m.train(false);
    // Serving code checks the interface: the faithful variant must not claim an incremental state.
    assertFalse(m instanceof IncrementalModel);
    assertTrue(model(10, true, 8, 0f, LinRec.KeyNorm.POSITION) instanceof IncrementalModel);
    assertThrows(UnsupportedOperationException.class, m::initialState);
    assertThrows(UnsupportedOperationException.class, () -> m.step(new RecurrentState(new float[0][]), 1));
  }

  @Test
  void tinyOverfitFaithfulOnPrefixes() {
    GlintRu m = model(12, false, 16, 0f, LinRec.KeyNorm.POSITION);
    int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
    float loss = ModelTestSupport.overfitPrefix(m, sequences, 8, 200);
    assertTrue(loss < 0.1f, "loss after overfitting: " + loss);
  }

  @Test
  void tinyOverfitCausalSequenceToSequence() {
    GlintRu m = model(12, true, 16, 0f, LinRec.KeyNorm.POSITION);
    int[][] sequences = {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}, {3, 1, 4, 1, 5, 9}};
    float loss = ModelTestSupport.overfit(m, sequences, 8, 200);
    assertTrue(loss < 0.1f, "loss after overfitting: " + loss);
  }
}
