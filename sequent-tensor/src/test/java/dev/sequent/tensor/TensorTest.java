package dev.sequent.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Forward values on hand-computed cases, autodiff mechanics and error messages. */
class TensorTest {

  private static Tensor t(float[] v, int... shape) {
    return Tensor.of(v, shape);
  }

  @Test
  void broadcastValues() {
    Tensor a = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor row = t(new float[] {10, 20, 30}, 3);
    Tensor col = t(new float[] {2, 4}, 2, 1);
    assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, a.add(row).toArray());
    assertArrayEquals(new float[] {2, 4, 6, 16, 20, 24}, a.mul(col).toArray());
    assertArrayEquals(new float[] {-1, 0, 1, 0, 1, 2}, a.sub(col).toArray());
    assertArrayEquals(new float[] {0.5f, 1, 1.5f, 1, 1.25f, 1.5f}, a.div(col).toArray());
    assertArrayEquals(new int[] {2, 3}, col.add(row).shape());
  }

  @Test
  void reductionsAndProducts() {
    Tensor a = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertEquals(21f, a.sum().item());
    assertArrayEquals(new float[] {5, 7, 9}, a.sum(0, false).toArray());
    assertArrayEquals(new float[] {2, 5}, a.mean(1, false).toArray());
    Tensor w = t(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
    assertArrayEquals(new float[] {4, 5, 10, 11}, a.matmul(w).toArray());
    // a·aᵀ through the transposed-weight path.
    assertArrayEquals(new float[] {14, 32, 32, 77}, a.matmul(a, true).toArray());
    Tensor batch = t(new float[] {1, 2, 3, 4, 1, 0, 0, 1}, 2, 2, 2);
    assertArrayEquals(new float[] {7, 10, 15, 22, 1, 0, 0, 1}, batch.bmm(batch, false, false).toArray());
  }

  @Test
  void activationsMatchReferenceValues() {
    Tensor x = t(new float[] {-1f, 0f, 2f}, 3);
    assertArrayEquals(new float[] {-0.15865525f, 0f, 1.9544997f}, x.gelu().toArray(), 1e-6f);
    assertArrayEquals(new float[] {-0.26894142f, 0f, 1.7615942f}, x.silu().toArray(), 1e-6f);
    assertArrayEquals(new float[] {-0.63212055f, 0f, 2f}, x.elu().toArray(), 1e-6f);
    assertEquals(0.8427007929497149, Activations.erf(1.0), 1e-12);
    assertEquals(-0.9953222650189527, Activations.erf(-2.0), 1e-12);
  }

  @Test
  void layerNormAndSoftmaxValues() {
    Tensor x = t(new float[] {1, 2, 3, 4}, 1, 4);
    Tensor y = NN.layerNorm(x, Tensor.full(1f, 4), Tensor.zeros(4), 0f);
    float s = (float) Math.sqrt(1.25);
    assertArrayEquals(new float[] {-1.5f / s, -0.5f / s, 0.5f / s, 1.5f / s}, y.toArray(), 1e-6f);
    Tensor p = NN.softmax(t(new float[] {0, (float) Math.log(3)}, 2));
    assertArrayEquals(new float[] {0.25f, 0.75f}, p.toArray(), 1e-6f);
    Tensor lp = NN.logSoftmax(t(new float[] {1000, 1000}, 2));
    assertArrayEquals(new float[] {(float) -Math.log(2), (float) -Math.log(2)}, lp.toArray(), 1e-6f);
  }

  @Test
  void attentionMasksHideKeys() {
    // One head, two positions; with the causal mask the first query sees only the first key.
    Tensor q = Tensor.zeros(1, 1, 2, 1);
    Tensor k = Tensor.zeros(1, 1, 2, 1);
    Tensor v = t(new float[] {1, 3}, 1, 1, 2, 1);
    assertArrayEquals(new float[] {1, 2}, NN.attention(q, k, v, true, null, 0f, null, false).toArray(), 1e-6f);
    IntTensor pad = new IntTensor(new int[] {1, 0}, 1, 2);
    assertArrayEquals(new float[] {3, 3}, NN.attention(q, k, v, false, pad, 0f, null, false).toArray(), 1e-6f);
  }

  @Test
  void permuteValues() {
    Tensor a = t(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, a.transpose(0, 1).toArray());
    Tensor b = t(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2);
    assertArrayEquals(new float[] {0, 4, 1, 5, 2, 6, 3, 7}, b.permute(1, 2, 0).toArray());
  }

  @Test
  void viewsShareStorageAndGradient() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
    Tensor row = x.narrow0(1, 2);
    assertArrayEquals(new float[] {3, 4}, row.toArray());
    row.mul(t(new float[] {10, 100}, 2)).sum().backward();
    assertArrayEquals(new float[] {0, 0, 10, 100, 0, 0}, x.gradTensor().toArray());
    assertArrayEquals(new int[] {2, 3}, x.reshape(-1, 3).shape());
  }

  @Test
  void gradientsAccumulateUntilZeroed() {
    Tensor w = Tensor.of(new float[] {2f}, 1).requiresGrad(true);
    w.mul(3f).sum().backward();
    w.mul(3f).sum().backward();
    assertEquals(6f, w.gradTensor().get(0));
    w.zeroGrad();
    assertEquals(0f, w.gradTensor().get(0));
  }

  @Test
  void noGradModeRecordsNothing() {
    Tensor w = Tensor.of(new float[] {2f}, 1).requiresGrad(true);
    try (Grad g = Grad.disabled()) {
      Tensor y = w.mul(3f);
      assertFalse(y.requiresGrad());
      assertNull(y.op() == null ? null : (y.isLeaf() ? null : y));
    }
    assertTrue(Grad.isEnabled());
    assertTrue(w.mul(3f).requiresGrad());
  }

  @Test
  void shapeErrorsNameTheOpAndShapes() {
    Tensor a = Tensor.zeros(2, 3);
    Tensor b = Tensor.zeros(4, 5);
    ShapeException e = assertThrows(ShapeException.class, () -> a.add(b));
    assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"),
        e.getMessage());
    e = assertThrows(ShapeException.class, () -> a.matmul(b));
    assertTrue(e.getMessage().startsWith("matmul"), e.getMessage());
    assertThrows(ShapeException.class, () -> a.reshape(4, 2));
    assertThrows(IndexOutOfBoundsException.class,
        () -> NN.embedding(Tensor.zeros(3, 2), new IntTensor(new int[] {3}, 1)));
  }

  @Test
  void sameSeedSameBits() {
    float[] first = randomComputation();
    float[] second = randomComputation();
    assertArrayEquals(first, second);
  }

  private static float[] randomComputation() {
    Rng rng = new Rng(11);
    Tensor x = Tensor.normal(rng, 0f, 1f, 64, 32).requiresGrad(true);
    Tensor w = Tensor.normal(rng, 0f, 1f, 32, 48).requiresGrad(true);
    Tensor y = NN.dropout(x.matmul(w).gelu(), 0.2f, rng, true);
    NN.logSoftmax(y).sum().backward();
    float[] out = new float[x.size() + w.size()];
    System.arraycopy(x.gradTensor().toArray(), 0, out, 0, x.size());
    System.arraycopy(w.gradTensor().toArray(), 0, out, x.size(), w.size());
    return out;
  }

  @Test
  void dropoutDropsTheRightShareAndIgnoresTheThreadCount() {
    Tensor x = Tensor.full(1f, 300_000);
    float[] two = NN.dropout(x, 0.3f, new Rng(4), true).toArray();
    int before = Parallel.threads();
    Parallel.setThreads(1);
    float[] one;
    try {
      one = NN.dropout(x, 0.3f, new Rng(4), true).toArray();
    } finally {
      Parallel.setThreads(before);
    }
    assertArrayEquals(two, one);
    int zeros = 0;
    for (float v : two) {
      if (v == 0f) {
        zeros++;
      } else {
        assertEquals(1f / 0.7f, v, 1e-6f);
      }
    }
    assertEquals(0.3, zeros / 300_000.0, 0.005);
    assertTrue(NN.dropout(x, 0.3f, new Rng(4), false) == x, "no dropout in eval mode");
  }

  @Test
  void linearMatchesMatmulPlusBiasBitForBit() {
    Rng rng = new Rng(5);
    for (int[] shape : new int[][] {{3, 5, 7, 9}, {1200, 64, 256, 0}, {700, 256, 64, 0}}) {
      int m = shape[0];
      int k = shape[1];
      int n = shape[2];
      Tensor x1 = Tensor.normal(rng, 0f, 1f, m, k).requiresGrad(true);
      Tensor w1 = Tensor.normal(rng, 0f, 1f, n, k).requiresGrad(true);
      Tensor b1 = Tensor.normal(rng, 0f, 1f, n).requiresGrad(true);
      Tensor x2 = x1.copy().requiresGrad(true);
      Tensor w2 = w1.copy().requiresGrad(true);
      Tensor b2 = b1.copy().requiresGrad(true);
      Tensor r = Tensor.normal(rng, 0f, 1f, m, n);
      Tensor fused = x1.mul(1f).linear(w1, b1);
      Tensor plain = x2.mul(1f).matmul(w2, true).add(b2);
      assertArrayEquals(plain.toArray(), fused.toArray());
      fused.mul(r).sum().backward();
      plain.mul(r).sum().backward();
      assertArrayEquals(x2.gradTensor().toArray(), x1.gradTensor().toArray());
      assertArrayEquals(w2.gradTensor().toArray(), w1.gradTensor().toArray());
      assertArrayEquals(b2.gradTensor().toArray(), b1.gradTensor().toArray());
    }
  }

  @Test
  void maskedSoftmaxMatchesADoubleReference() {
    Rng rng = new Rng(8);
    int batch = 3;
    int heads = 2;
    int lq = 5;
    int lk = 7;
    Tensor scores = Tensor.normal(rng, 0f, 3f, batch, heads, lq, lk);
    // Batch 0 is left-padded (its first queries see no key), batch 1 has a hole, batch 2 is all padding.
    int[] pad = {1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1};
    IntTensor keyPadding = new IntTensor(pad, batch, lk);
    for (boolean causal : new boolean[] {false, true}) {
      for (IntTensor kp : new IntTensor[] {null, keyPadding}) {
        float[] got = NN.maskedSoftmax(scores, 0.5f, causal, kp).toArray();
        for (int r = 0; r < batch * heads * lq; r++) {
          int i = r % lq;
          int b = r / (lq * heads);
          double[] e = new double[lk];
          boolean any = false;
          for (int j = 0; j < lk; j++) {
            any |= !((causal && j > i + lk - lq) || (kp != null && pad[b * lk + j] != 0));
          }
          double sum = 0;
          for (int j = 0; j < lk; j++) {
            boolean masked = (causal && j > i + lk - lq) || (kp != null && pad[b * lk + j] != 0);
            // A row that sees no key gets uniform weights.
            e[j] = !any ? 1 : masked ? 0 : Math.exp(0.5 * scores.get(r * lk + j));
            sum += e[j];
          }
          for (int j = 0; j < lk; j++) {
            assertEquals(e[j] / sum, got[r * lk + j], 1e-6, "causal " + causal + " row " + r + " key " + j);
          }
        }
      }
    }
  }

  @Test
  void arenaReusesBuffersAcrossSteps() {
    Arena arena = new Arena();
    float[] firstData;
    try (Arena a = arena.open()) {
      firstData = Tensor.zeros(64, 64).add(1f).data();
    }
    try (Arena a = arena.open()) {
      Tensor again = Tensor.zeros(64, 64).add(2f);
      assertTrue(again.data() == firstData, "the second step should reuse the first step's buffer");
      assertEquals(2f, again.get(0));
    }
  }

  @Test
  void batchedProductsAreTheSameWhetherSplitOverTheBatchOrInsideEachProduct() {
    // 16 products of 120 x 120 x 120: one thread runs each product whole; three threads split the batch.
    Rng rng = new Rng(11);
    Tensor a = Tensor.normal(rng, 0f, 1f, 16, 120, 120).requiresGrad(true);
    Tensor b = Tensor.normal(rng, 0f, 1f, 16, 120, 120).requiresGrad(true);
    int threads = Parallel.threads();
    try {
      float[][] results = new float[2][];
      float[][] gradients = new float[2][];
      for (int run = 0; run < 2; run++) {
        Parallel.setThreads(run == 0 ? 1 : 3);
        Tensor c = a.bmm(b, false, true);
        results[run] = c.toArray();
        c.sum().backward();
        gradients[run] = a.gradTensor().toArray();
        a.zeroGrad();
        b.zeroGrad();
      }
      assertArrayEquals(results[0], results[1]);
      assertArrayEquals(gradients[0], gradients[1]);
    } finally {
      Parallel.setThreads(threads);
    }
  }
}
