package dev.sequent.core.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sequent.core.model.LruRec;
import dev.sequent.core.model.RecurrentState;
import dev.sequent.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LruRecStepperTest {

  /** A model whose weights are far from their initial values, so every term of the step matters. */
  private static LruRec randomModel(int items, int dim, int blocks, long seed) {
    LruRec.Config c = LruRec.Config.defaults(items);
    LruRec model = new LruRec(new LruRec.Config(items, dim, blocks, c.dropout(), c.lruDropout(), c.rMin(),
        c.rMax(), c.maxPhase(), c.layerNormEps(), seed));
    Random rnd = new Random(seed);
    for (var e : model.namedParameters().entrySet()) {
      if (e.getKey().endsWith("params_log")) {
        continue; // keep |λ| < 1 from the ring initialisation
      }
      Tensor t = e.getValue();
      float[] data = t.data();
      for (int i = 0; i < t.size(); i++) {
        data[t.offset() + i] += (float) (0.3 * rnd.nextGaussian());
      }
    }
    model.train(false);
    return model;
  }

  @Test
  void stepsEqualTheModelsOwnStepOnRandomSequences() {
    for (long seed = 1; seed <= 3; seed++) {
      LruRec model = randomModel(40, 16 * (int) seed, (int) seed, seed);
      LruRecStepper stepper = new LruRecStepper(model);
      Random rnd = new Random(seed * 31);
      RecurrentState reference = model.initialState();
      RecurrentState fast = model.initialState();
      float[] out = new float[model.dim()];
      for (int t = 0; t < 60; t++) {
        int item = 1 + rnd.nextInt(40);
        float[] expected = model.step(reference, item);
        float[] actual = stepper.step(fast, item, out);
        assertArrayEquals(expected, actual, 1e-5f, "seed " + seed + ", step " + t);
        for (int b = 0; b < reference.buffers().length; b++) {
          assertArrayEquals(reference.buffer(b), fast.buffer(b), 1e-5f, "state buffer " + b + ", step " + t);
        }
      }
    }
  }

  @Test
  void statesAreInterchangeableWithTheModelsStep() {
    LruRec model = randomModel(30, 32, 2, 7);
    LruRecStepper stepper = new LruRecStepper(model);
    RecurrentState a = model.initialState();
    RecurrentState b = model.initialState();
    float[] out = new float[32];
    int[] items = {3, 9, 27, 1, 30, 12};
    for (int i = 0; i < items.length; i++) {
      model.step(a, items[i]);
      // Alternate paths on the second state: each path continues from the other's state.
      if (i % 2 == 0) {
        stepper.step(b, items[i], out);
      } else {
        model.step(b, items[i]);
      }
    }
    for (int k = 0; k < a.buffers().length; k++) {
      assertArrayEquals(a.buffer(k), b.buffer(k), 1e-5f);
    }
    assertEquals(items.length, b.length(), "both paths count events");
  }

  @Test
  void bothMatrixVectorPathsComputeTheSameProduct() {
    Random rnd = new Random(9);
    boolean vectorPresent = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    // Output sizes around the vector block sizes: full blocks, single vectors and a scalar tail.
    for (int n : new int[] {1, 7, 16, 64, 72, 128, 200, 256}) {
      int in = 1 + rnd.nextInt(40);
      float[] w = new float[in * n];
      float[] x = new float[in];
      float[] y0 = new float[n];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) rnd.nextGaussian();
      }
      for (int i = 0; i < in; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      for (int i = 0; i < n; i++) {
        y0[i] = (float) rnd.nextGaussian();
      }
      float[] expected = new float[n];
      for (int j = 0; j < n; j++) {
        double acc = y0[j];
        for (int k = 0; k < in; k++) {
          acc += (double) x[k] * w[k * n + j];
        }
        expected[j] = (float) acc;
      }
      for (boolean vector : vectorPresent ? new boolean[] {false, true} : new boolean[] {false}) {
        float[] y = y0.clone();
        LruRecStepper.matvec(w, x, in, y, n, vector);
        assertArrayEquals(expected, y, 1e-4f, "n = " + n + ", vector = " + vector);
      }
    }
  }

  @Test
  void bothGeluPathsFollowTheEnginesGelu() {
    boolean vectorPresent = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    Random rnd = new Random(13);
    int n = 83; // vector blocks and a scalar tail
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (3 * rnd.nextGaussian());
    }
    x[0] = 0f;
    x[1] = -0f;
    x[2] = 9f;
    x[3] = -9f;
    float[] expected = Tensor.of(x.clone(), n).gelu().toArray();
    for (boolean vector : vectorPresent ? new boolean[] {false, true} : new boolean[] {false}) {
      float[] y = x.clone();
      LruRecStepper.gelu(y, n, vector);
      assertArrayEquals(expected, y, 1e-6f, "vector = " + vector);
    }
  }

  @Test
  void rejectsBadItemsAndStates() {
    LruRec model = randomModel(10, 16, 1, 3);
    LruRecStepper stepper = new LruRecStepper(model);
    float[] out = new float[16];
    RecurrentState s = model.initialState();
    assertThrows(IllegalArgumentException.class, () -> stepper.step(s, 0, out));
    assertThrows(IllegalArgumentException.class, () -> stepper.step(s, 11, out));
    RecurrentState wrong = new RecurrentState(new float[][] {new float[32]});
    assertThrows(IllegalArgumentException.class, () -> stepper.step(wrong, 1, out));
    assertEquals(16, stepper.dim());
  }
}
