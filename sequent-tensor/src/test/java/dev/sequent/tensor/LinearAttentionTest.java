package dev.sequent.tensor;

import static dev.sequent.tensor.SeqConvTest.assertClose;
import static dev.sequent.tensor.SeqConvTest.assertMessage;
import static dev.sequent.tensor.SeqConvTest.runWithGrads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link LinearAttention} and the padding_idx form of {@link NN#embedding(Tensor, IntTensor, int)}. */
class LinearAttentionTest {

  /** out[b,t,h] = Σ_{s ≤ t (or all s), s not padded} (q_t·k_s) v_s per head, in double (heads-last). */
  private static double[] naive(Tensor q, Tensor k, Tensor v, int[] pad, boolean causal) {
    int b = q.dim(0);
    int len = q.dim(1);
    int h = q.dim(2);
    int dh = q.dim(3);
    int dv = v.dim(3);
    double[] out = new double[b * h * len * dv];
    for (int bi = 0; bi < b; bi++) {
      for (int hi = 0; hi < h; hi++) {
        for (int t = 0; t < len; t++) {
          for (int s = 0; s < (causal ? t + 1 : len); s++) {
            if (pad != null && pad[bi * len + s] != 0) {
              continue;
            }
            double w = 0;
            for (int i = 0; i < dh; i++) {
              w += (double) q.at(bi, t, hi, i) * k.at(bi, s, hi, i);
            }
            for (int j = 0; j < dv; j++) {
              out[((bi * len + t) * h + hi) * dv + j] += w * v.at(bi, s, hi, j);
            }
          }
        }
      }
    }
    return out;
  }

  @Test
  void causalMatchesTheQuadraticForm() {
    Rng rng = new Rng(1);
    Tensor q = Tensor.normal(rng, 0f, 1f, 2, 7, 3, 4);
    Tensor k = Tensor.normal(rng, 0f, 1f, 2, 7, 3, 4);
    Tensor v = Tensor.normal(rng, 0f, 1f, 2, 7, 3, 5);
    assertClose(naive(q, k, v, null, true), LinearAttention.causal(q, k, v, null).toArray(), 1e-5, "no mask");
    // Right padding on row 0, a leading pad and right padding on row 1.
    int[] pad = {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1};
    IntTensor mask = new IntTensor(pad, 2, 7);
    assertClose(naive(q, k, v, pad, true), LinearAttention.causal(q, k, v, mask).toArray(), 1e-5, "mask");
  }

  @Test
  void causalNeverLooksAheadAndIgnoresPaddedKeys() {
    Rng rng = new Rng(2);
    Tensor q = Tensor.normal(rng, 0f, 1f, 1, 6, 2, 3);
    Tensor k = Tensor.normal(rng, 0f, 1f, 1, 6, 2, 3);
    Tensor v = Tensor.normal(rng, 0f, 1f, 1, 6, 2, 3);
    IntTensor mask = new IntTensor(new int[] {0, 1, 0, 0, 0, 0}, 1, 6);
    float[] before = LinearAttention.causal(q, k, v, mask).toArray();
    // Change position 4's key and value and position 1's (padded) key and value.
    for (int h = 0; h < 2; h++) {
      for (int i = 0; i < 3; i++) {
        k.data()[(4 * 2 + h) * 3 + i] += 1f;
        v.data()[(4 * 2 + h) * 3 + i] -= 2f;
        k.data()[(1 * 2 + h) * 3 + i] += 5f;
        v.data()[(1 * 2 + h) * 3 + i] += 5f;
      }
    }
    float[] after = LinearAttention.causal(q, k, v, mask).toArray();
    for (int h = 0; h < 2; h++) {
      for (int t = 0; t < 6; t++) {
        for (int j = 0; j < 3; j++) {
          int i = (t * 2 + h) * 3 + j;
          if (t < 4) {
            assertEquals(before[i], after[i], 0f, "head " + h + ", position " + t + " must not change");
          } else {
            assertEquals(true, Math.abs(before[i] - after[i]) > 1e-4, "position " + t + " sees position 4");
          }
        }
      }
    }
  }

  @Test
  void onesAsValuesGiveTheNormaliser() {
    Rng rng = new Rng(3);
    Tensor q = Tensor.uniform(rng, 0f, 1f, 1, 5, 2, 4);
    Tensor k = Tensor.uniform(rng, 0f, 1f, 1, 5, 2, 4);
    float[] z = LinearAttention.causal(q, k, Tensor.full(1f, 1, 5, 2, 1), null).toArray();
    for (int h = 0; h < 2; h++) {
      for (int t = 0; t < 5; t++) {
        double expected = 0;
        for (int s = 0; s <= t; s++) {
          for (int i = 0; i < 4; i++) {
            expected += q.at(0, t, h, i) * k.at(0, s, h, i);
          }
        }
        assertEquals(expected, z[t * 2 + h], 1e-5);
      }
    }
  }

  @Test
  void causalGradCheckWithAndWithoutMask() {
    Rng rng = new Rng(4);
    IntTensor mask = new IntTensor(new int[] {1, 0, 0, 1, 0, 0, 0, 0, 0, 1}, 2, 5);
    GradCheck.create().check("causal, mask", in -> LinearAttention.causal(in[0], in[1], in[2], mask),
        GradCheck.param(rng, 2, 5, 2, 3), GradCheck.param(rng, 2, 5, 2, 3), GradCheck.param(rng, 2, 5, 2, 4));
    GradCheck.create().check("causal, no mask", in -> LinearAttention.causal(in[0], in[1], in[2], null),
        GradCheck.param(rng, 1, 6, 3, 2), GradCheck.param(rng, 1, 6, 3, 2), GradCheck.param(rng, 1, 6, 3, 3));
  }

  @Test
  void paddedKeysGetNoGradient() {
    Rng rng = new Rng(5);
    Tensor q = GradCheck.param(rng, 1, 4, 1, 2);
    Tensor k = GradCheck.param(rng, 1, 4, 1, 2);
    Tensor v = GradCheck.param(rng, 1, 4, 1, 2);
    LinearAttention.causal(q, k, v, new IntTensor(new int[] {0, 0, 1, 0}, 1, 4)).sum().backward();
    float[] dk = k.gradTensor().toArray();
    float[] dv = v.gradTensor().toArray();
    assertEquals(0f, dk[4]);
    assertEquals(0f, dk[5]);
    assertEquals(0f, dv[4]);
    assertEquals(0f, dv[5]);
    assertEquals(true, dk[0] != 0f && dv[6] != 0f);
  }

  @Test
  void causalIsDeterministicAcrossThreadCounts() {
    Rng rng = new Rng(6);
    Tensor q = Tensor.normal(rng, 0f, 1f, 4, 50, 4, 8);
    Tensor k = Tensor.normal(rng, 0f, 1f, 4, 50, 4, 8);
    Tensor v = Tensor.normal(rng, 0f, 1f, 4, 50, 4, 8);
    Tensor r = Tensor.normal(rng, 0f, 1f, 4, 50, 4, 8);
    int threads = Parallel.threads();
    try {
      Parallel.setThreads(1);
      float[][] one = runWithGrads(() -> LinearAttention.causal(q, k, v, null), r, q, k, v);
      Parallel.setThreads(3);
      float[][] three = runWithGrads(() -> LinearAttention.causal(q, k, v, null), r, q, k, v);
      for (int i = 0; i < one.length; i++) {
        assertArrayEquals(one[i], three[i], "output/gradient " + i);
      }
    } finally {
      Parallel.setThreads(threads);
    }
  }

  @Test
  void stepsReproduceTheCausalForm() {
    Rng rng = new Rng(7);
    int heads = 3;
    int len = 9;
    Tensor q = Tensor.normal(rng, 0f, 1f, 1, len, heads, 4);
    Tensor k = Tensor.normal(rng, 0f, 1f, 1, len, heads, 4);
    Tensor v = Tensor.normal(rng, 0f, 1f, 1, len, heads, 2);
    float[] full = LinearAttention.causal(q, k, v, null).toArray();
    float[] state = new float[heads * 4 * 2];
    for (int t = 0; t < len; t++) {
      Tensor qt = NN.slice(q, 1, t, t + 1);
      Tensor kt = NN.slice(k, 1, t, t + 1);
      Tensor vt = NN.slice(v, 1, t, t + 1);
      float[] out = LinearAttention.step(state, qt, kt, vt, 1, heads).toArray();
      for (int h = 0; h < heads; h++) {
        for (int j = 0; j < 2; j++) {
          assertEquals(full[(t * heads + h) * 2 + j], out[h * 2 + j], 1e-5, "step " + t);
        }
      }
    }
    assertThrows(ShapeException.class,
        () -> LinearAttention.step(new float[3], NN.slice(q, 1, 0, 1), NN.slice(k, 1, 0, 1), NN.slice(v, 1, 0, 1),
            1, heads));
  }

  @Test
  void globalMatchesTheQuadraticFormAndHasGradients() {
    Rng rng = new Rng(8);
    Tensor q = Tensor.normal(rng, 0f, 1f, 2, 5, 2, 3);
    Tensor k = Tensor.normal(rng, 0f, 1f, 2, 5, 2, 3);
    Tensor v = Tensor.normal(rng, 0f, 1f, 2, 5, 2, 4);
    assertClose(naive(q, k, v, null, false), LinearAttention.global(q, k, v).toArray(), 1e-5, "global");
    GradCheck.create().check("global", in -> LinearAttention.global(in[0], in[1], in[2]),
        GradCheck.param(rng, 1, 4, 2, 3), GradCheck.param(rng, 1, 4, 2, 3), GradCheck.param(rng, 1, 4, 2, 2));
  }

  @Test
  void shapeErrorsNameTheOp() {
    ShapeException e = assertThrows(ShapeException.class,
        () -> LinearAttention.causal(Tensor.zeros(1, 2, 3, 4), Tensor.zeros(1, 2, 3, 5), Tensor.zeros(1, 2, 3, 4),
            null));
    assertMessage(e, "linearAttention.causal", "[1, 2, 3, 4]");
    e = assertThrows(ShapeException.class,
        () -> LinearAttention.causal(Tensor.zeros(1, 2, 3, 4), Tensor.zeros(1, 2, 3, 4), Tensor.zeros(1, 2, 3, 4),
            new IntTensor(new int[4], 1, 4)));
    assertMessage(e, "key padding");
  }

  // ---------------------------------------------------------------- l2Normalize

  @Test
  void l2NormalizeGivesUnitRowsAndCorrectGradients() {
    Rng rng = new Rng(9);
    Tensor x = Tensor.normal(rng, 0f, 1f, 3, 4, 5);
    float[] y = LinearAttention.l2Normalize(x, 1e-12f).toArray();
    for (int r = 0; r < 12; r++) {
      double norm = 0;
      for (int j = 0; j < 5; j++) {
        norm += y[r * 5 + j] * y[r * 5 + j];
        assertEquals(x.get(r * 5 + j) / Math.sqrt(rowSquares(x, r, 5)), y[r * 5 + j], 1e-6);
      }
      assertEquals(1.0, norm, 1e-5);
    }
    GradCheck.create().eps(1e-3f).check("l2Normalize", in -> LinearAttention.l2Normalize(in[0], 1e-12f),
        GradCheck.param(rng, 2, 3, 4));
    // A zero row stays finite.
    float[] zero = LinearAttention.l2Normalize(Tensor.zeros(1, 4), 1e-12f).toArray();
    assertArrayEquals(new float[4], zero);
  }

  private static double rowSquares(Tensor x, int r, int d) {
    double s = 0;
    for (int j = 0; j < d; j++) {
      s += (double) x.get(r * d + j) * x.get(r * d + j);
    }
    return s;
  }

  // ---------------------------------------------------------------- embedding with padding_idx

  @Test
  void paddedEmbeddingLooksUpEveryRowButTrainsOnlyRealIds() {
    Rng rng = new Rng(10);
    Tensor w = GradCheck.param(rng, 4, 3);
    IntTensor ids = new IntTensor(new int[] {0, 2, 2, 0, 3, 0}, 2, 3);
    Tensor out = NN.embedding(w, ids, 0);
    assertArrayEquals(NN.embedding(w, ids).toArray(), out.toArray());
    out.sum().backward();
    float[] g = w.gradTensor().toArray();
    assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 2, 2, 2, 1, 1, 1}, g);
    GradCheck.create().check("paddedEmbedding", in -> NN.embedding(in[0], ids, 1), GradCheck.param(rng, 4, 3));
  }
}
