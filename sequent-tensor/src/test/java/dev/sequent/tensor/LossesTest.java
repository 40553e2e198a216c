package dev.sequent.tensor;

import static dev.sequent.tensor.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossesTest {
  private final Rng rng = new Rng(11);
  private final GradCheck check = GradCheck.create();

  // ---------------------------------------------------------------- cross-entropy: hand-computed

  /**
   * items = I₃, so the logits are the hidden rows: z₀ = [1, 2, 3] with target 2, z₁ = [0, 0, 0] with
   * target 1.
   *   loss₀ = log(e¹ + e² + e³) − 3 = log(1 + e⁻¹ + e⁻²) = log(1.50321472) = 0.40760596
   *   loss₁ = log 3 = 1.09861229
   *   loss  = (0.40760596 + 1.09861229) / 2 = 0.75310913
   * softmax(z₀) = [e⁻², e⁻¹, 1] / 1.50321472 = [0.09003057, 0.24472847, 0.66524096]; softmax(z₁) = ⅓.
   * dZ = (softmax − one-hot) / 2:
   *   row 0: [0.04501529, 0.12236424, −0.16737952]
   *   row 1: [0.16666667, −0.33333333, 0.16666667]
   * dH = dZ · I = dZ;  dItems[i] = Σ_r dZ[r, i]·h_r = dZ[0, i]·[1, 2, 3] (h₁ = 0);  dBias = Σ_r dZ[r, :].
   */
  @Test
  void crossEntropyTwoByThreeByHand() {
    for (int chunk : new int[] {1, 2, 3, 4096}) {
      Tensor h = Tensor.of(new float[] {1, 2, 3, 0, 0, 0}, 2, 3).requiresGrad(true);
      Tensor w = Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3).requiresGrad(true);
      Tensor b = Tensor.zeros(3).requiresGrad(true);
      IntTensor t = new IntTensor(new int[] {2, 1}, 2);
      Tensor loss = Losses.crossEntropy(h, w, b, t, -100, chunk);
      assertEquals(0.75310913f, loss.item(), 1e-6f, "chunk " + chunk);
      loss.backward();
      float[] dz = {0.04501529f, 0.12236424f, -0.16737952f, 0.16666667f, -0.33333333f, 0.16666667f};
      assertArrayEquals(dz, h.gradTensor().toArray(), 1e-6f);
      assertArrayEquals(new float[] {
          0.04501529f, 0.09003057f, 0.13504586f,
          0.12236424f, 0.24472847f, 0.36709271f,
          -0.16737952f, -0.33475904f, -0.50213856f}, w.gradTensor().toArray(), 1e-6f);
      assertArrayEquals(new float[] {0.21168196f, -0.21096909f, -0.00071285f}, b.gradTensor().toArray(), 1e-6f);
    }
    Tensor logits = Tensor.of(new float[] {1, 2, 3, 0, 0, 0}, 2, 3).requiresGrad(true);
    Tensor dense = Losses.crossEntropyDense(logits, new IntTensor(new int[] {2, 1}, 2), -100);
    assertEquals(0.75310913f, dense.item(), 1e-6f);
    dense.backward();
    assertArrayEquals(new float[] {0.04501529f, 0.12236424f, -0.16737952f, 0.16666667f, -0.33333333f, 0.16666667f},
        logits.gradTensor().toArray(), 1e-6f);
  }

  @Test
  void ignoredRowsDoNotCountInTheMean() {
    // The 2×3 case plus a padding row (target 0 = ignoreIndex) with wild values: same loss.
    Tensor h = Tensor.of(new float[] {1, 2, 3, 50, -40, 7, 0, 0, 0}, 3, 3).requiresGrad(true);
    Tensor w = Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);
    Tensor loss = Losses.crossEntropy(h, w, null, new IntTensor(new int[] {2, 0, 1}, 3), 0, 2);
    assertEquals(0.75310913f, loss.item(), 1e-6f);
    loss.backward();
    float[] g = h.gradTensor().toArray();
    assertArrayEquals(new float[] {0, 0, 0}, new float[] {g[3], g[4], g[5]});
  }

  // ---------------------------------------------------------------- cross-entropy: chunked vs dense

  @Test
  void chunkedMatchesDense() {
    int v = 11;
    for (int chunk : new int[] {1, 3, 4, 10, 11, 64}) {
      for (boolean withBias : new boolean[] {true, false}) {
        compareWithDense(7, 5, v, chunk, 0, -100, 0.0, withBias);  // nothing ignored: direct path
        compareWithDense(9, 5, v, chunk, 0, 0, 0.4, withBias);     // compacted rows
      }
    }
    // Row blocks smaller than the row count, not dividing it.
    compareWithDense(23, 6, 17, 5, 4, 0, 0.3, true);
    compareWithDense(23, 6, 17, 5, 1, -1, 0.0, true);
    // Enough work per tile for the row passes to split across threads (bias partials per part).
    compareWithDense(260, 4, 130, 128, 0, -100, 0.0, true);
  }

  @Test
  void chunkedIsBitReproducible() {
    // 260 rows × 128 columns: the row passes split into parts when there are 2+ threads.
    Tensor h = Tensor.normal(rng, 0f, 1f, 260, 4);
    Tensor w = Tensor.normal(rng, 0f, 1f, 130, 4);
    Tensor b = Tensor.normal(rng, 0f, 1f, 130);
    int[] t = new int[260];
    for (int i = 0; i < t.length; i++) {
      t[i] = rng.nextInt(130);
    }
    IntTensor targets = new IntTensor(t, 260);
    float[][] first = null;
    for (int run = 0; run < 2; run++) {
      Tensor h1 = h.copy().requiresGrad(true);
      Tensor w1 = w.copy().requiresGrad(true);
      Tensor b1 = b.copy().requiresGrad(true);
      Tensor loss = Losses.crossEntropy(h1, w1, b1, targets, 0, 128);
      loss.backward();
      float[][] got = {{loss.item()}, h1.gradTensor().toArray(), w1.gradTensor().toArray(), b1.gradTensor().toArray()};
      if (first == null) {
        first = got;
      } else {
        for (int i = 0; i < got.length; i++) {
          assertArrayEquals(first[i], got[i]);
        }
      }
    }
  }

  private void compareWithDense(int n, int d, int v, int chunk, int rowBlock, int ignoreIndex, double ignoreRate,
                                boolean withBias) {
    Tensor h = Tensor.normal(rng, 0f, 1f, n, d);
    Tensor w = Tensor.normal(rng, 0f, 1f, v, d);
    Tensor b = withBias ? Tensor.normal(rng, 0f, 1f, v) : null;
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = rng.nextDouble() < ignoreRate ? ignoreIndex : rng.nextInt(v);
    }
    IntTensor targets = new IntTensor(t, n);

    Tensor h1 = h.copy().requiresGrad(true);
    Tensor w1 = w.copy().requiresGrad(true);
    Tensor b1 = withBias ? b.copy().requiresGrad(true) : null;
    Tensor fused = Losses.crossEntropy(h1, w1, b1, targets, ignoreIndex, chunk, rowBlock);
    fused.backward();

    Tensor h2 = h.copy().requiresGrad(true);
    Tensor w2 = w.copy().requiresGrad(true);
    Tensor b2 = withBias ? b.copy().requiresGrad(true) : null;
    Tensor logits = h2.matmul(w2, true);
    if (withBias) {
      logits = logits.add(b2);
    }
    Tensor dense = Losses.crossEntropyDense(logits, targets, ignoreIndex);
    dense.backward();

    String what = "n=" + n + " v=" + v + " chunk=" + chunk + " rowBlock=" + rowBlock + " bias=" + withBias;
    assertEquals(dense.item(), fused.item(), 1e-5f * Math.max(1f, Math.abs(dense.item())), what);
    assertClose(h2.gradTensor().toArray(), h1.gradTensor().toArray(), what + " dHidden");
    assertClose(w2.gradTensor().toArray(), w1.gradTensor().toArray(), what + " dItems");
    if (withBias) {
      assertClose(b2.gradTensor().toArray(), b1.gradTensor().toArray(), what + " dBias");
    }
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      float tol = 1e-6f + 1e-4f * Math.abs(expected[i]);
      assertEquals(expected[i], actual[i], tol, what + " at " + i);
    }
  }

  @Test
  void allRowsIgnoredGivesZeroLossAndZeroGradients() {
    Tensor h = param(rng, 4, 3);
    Tensor w = param(rng, 5, 3);
    Tensor b = param(rng, 5);
    IntTensor pad = new IntTensor(new int[] {0, 0, 0, 0}, 4);
    Tensor loss = Losses.crossEntropy(h, w, b, pad, 0, 2);
    assertEquals(0f, loss.item());
    loss.backward();
    assertArrayEquals(new float[12], h.gradTensor().toArray());
    assertArrayEquals(new float[15], w.gradTensor().toArray());
    assertArrayEquals(new float[5], b.gradTensor().toArray());

    Tensor logits = param(rng, 4, 5);
    Tensor dense = Losses.crossEntropyDense(logits, pad, 0);
    assertEquals(0f, dense.item());
    dense.backward();
    assertArrayEquals(new float[20], logits.gradTensor().toArray());

    assertEquals(0f, Losses.sampledSoftmax(h, w, b, pad, 0, new int[] {1, 2}, null).item());
    IntTensor negs = new IntTensor(new int[] {1, 2, 3, 4}, 4, 1);
    assertEquals(0f, Losses.bceWithNegatives(h, w, pad, negs, 0).item());
  }

  @Test
  void crossEntropyGradCheck() {
    Tensor h = param(rng, 6, 4);
    Tensor w = param(rng, 7, 4);
    Tensor b = param(rng, 7);
    IntTensor t = new IntTensor(new int[] {3, 0, 6, 1, 0, 2}, 6);
    check.check("crossEntropy chunk 3", in -> Losses.crossEntropy(in[0], in[1], in[2], t, 0, 3), h, w, b);
    check.check("crossEntropy chunk 3, row block 2",
        in -> Losses.crossEntropy(in[0], in[1], in[2], t, 0, 3, 2), h, w, b);
    check.check("crossEntropy no ignore, no bias", in -> Losses.crossEntropy(in[0], in[1], null, t, -100, 4), h, w);
    // A view with an offset and extra leading axes: [1..7) of a larger tensor, reshaped to [2, 3, 4].
    Tensor big = param(rng, 8, 4);
    IntTensor t23 = new IntTensor(new int[] {3, 0, 6, 1, 5, 2}, 2, 3);
    check.check("crossEntropy view", in -> Losses.crossEntropy(in[0].narrow0(1, 7).reshape(2, 3, 4), in[1], in[2],
        t23, 0, 5), big, w, b);
    Tensor logits = param(rng, 6, 7);
    check.check("crossEntropyDense", in -> Losses.crossEntropyDense(in[0], t, 0), logits);
  }

  @Test
  void crossEntropyRejectsBadInput() {
    Tensor h = param(rng, 2, 3);
    Tensor w = param(rng, 4, 3);
    assertThrows(IllegalArgumentException.class,
        () -> Losses.crossEntropy(h, w, null, new IntTensor(new int[] {1, 4}, 2), 0));
    assertThrows(ShapeException.class,
        () -> Losses.crossEntropy(h, w, null, new IntTensor(new int[] {1, 2, 3}, 3), 0));
    assertThrows(ShapeException.class,
        () -> Losses.crossEntropy(h, param(rng, 4, 2), null, new IntTensor(new int[] {1, 2}, 2), 0));
    assertThrows(ShapeException.class,
        () -> Losses.crossEntropy(h, w, param(rng, 3), new IntTensor(new int[] {1, 2}, 2), 0));
    assertThrows(IllegalArgumentException.class,
        () -> Losses.crossEntropy(h, w, null, new IntTensor(new int[] {1, 2}, 2), 0, 0));
  }

  // ---------------------------------------------------------------- sampled softmax

  /** items: e₀ = 0 (pad), e₁, e₂, e₃ = unit vectors; so h·e_i = h[i − 1]. Negatives [2, 3]. */
  private static Tensor unitItems() {
    return Tensor.of(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}, 4, 3);
  }

  /**
   * Row 0: h = [1, 2, 0], target 1: s(t) = 1, s(2) = 2, s(3) = 0.
   *   loss₀ = log(e¹ + e² + e⁰) − 1 = log(11.10733793) − 1 = 1.40760596
   * Row 1: h = [0, 3, 1], target 2 = negative 2, which is an accidental hit and masked: s(t) = 3, s(3) = 1.
   *   loss₁ = log(e³ + e¹) − 3 = log(1 + e⁻²) = 0.12692801
   * Row 2: target 0 = ignoreIndex.
   *   loss = (1.40760596 + 0.12692801) / 2 = 0.76726699
   */
  @Test
  void sampledSoftmaxByHand() {
    Tensor h = Tensor.of(new float[] {1, 2, 0, 0, 3, 1, 9, 9, 9}, 3, 3);
    IntTensor t = new IntTensor(new int[] {1, 2, 0}, 3);
    Tensor loss = Losses.sampledSoftmax(h, unitItems(), null, t, 0, new int[] {2, 3}, null);
    assertEquals(0.76726699f, loss.item(), 1e-6f);
  }

  /**
   * logQ = [−∞ (pad, never used), ln ½, ln ¼, ln ¼]; each logit gets − logQ:
   * Row 0: s(t) = 1 − ln ½ = 1.69314718, s(2) = 2 − ln ¼ = 3.38629436, s(3) = 0 − ln ¼ = 1.38629436.
   *   loss₀ = log(e^1.69314718 + e^3.38629436 + e^1.38629436) − 1.69314718
   *         = log(5.43656366 + 29.55622440 + 4) − 1.69314718 = log(38.99278806) − 1.69314718 = 1.97022953
   * Row 1: both remaining logits shift by the same ln 4, so loss₁ = 0.12692801 as without correction.
   *   loss = (1.97022953 + 0.12692801) / 2 = 1.04857877
   */
  @Test
  void sampledSoftmaxWithLogQByHand() {
    Tensor h = Tensor.of(new float[] {1, 2, 0, 0, 3, 1, 9, 9, 9}, 3, 3);
    IntTensor t = new IntTensor(new int[] {1, 2, 0}, 3);
    float[] logQ = {Float.NEGATIVE_INFINITY, (float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.25)};
    Tensor loss = Losses.sampledSoftmax(h, unitItems(), null, t, 0, new int[] {2, 3}, logQ);
    assertEquals(1.04857877f, loss.item(), 1e-6f);
    // A non-finite logQ for an id in use is rejected.
    float[] bad = {0f, Float.NEGATIVE_INFINITY, 0f, 0f};
    assertThrows(IllegalArgumentException.class,
        () -> Losses.sampledSoftmax(h, unitItems(), null, t, 0, new int[] {2, 3}, bad));
  }

  @Test
  void sampledSoftmaxOverAllItemsEqualsFullSoftmax() {
    // With every id as a negative, masking the accidental hit leaves exactly the full softmax.
    int n = 6;
    int d = 4;
    int v = 9;
    Tensor h = Tensor.normal(rng, 0f, 1f, n, d);
    Tensor w = Tensor.normal(rng, 0f, 1f, v, d);
    Tensor b = Tensor.normal(rng, 0f, 1f, v);
    IntTensor t = new IntTensor(new int[] {3, 0, 8, 1, 0, 2}, n);
    int[] all = new int[v];
    for (int i = 0; i < v; i++) {
      all[i] = i;
    }
    Tensor h1 = h.copy().requiresGrad(true);
    Tensor w1 = w.copy().requiresGrad(true);
    Tensor b1 = b.copy().requiresGrad(true);
    Tensor sampled = Losses.sampledSoftmax(h1, w1, b1, t, 0, all, null);
    sampled.backward();
    Tensor h2 = h.copy().requiresGrad(true);
    Tensor w2 = w.copy().requiresGrad(true);
    Tensor b2 = b.copy().requiresGrad(true);
    Tensor full = Losses.crossEntropy(h2, w2, b2, t, 0, 4);
    full.backward();
    assertEquals(full.item(), sampled.item(), 1e-5f);
    assertClose(h2.gradTensor().toArray(), h1.gradTensor().toArray(), "dHidden");
    assertClose(w2.gradTensor().toArray(), w1.gradTensor().toArray(), "dItems");
    assertClose(b2.gradTensor().toArray(), b1.gradTensor().toArray(), "dBias");
  }

  @Test
  void sampledSoftmaxGradCheck() {
    Tensor h = param(rng, 5, 4);
    Tensor w = param(rng, 8, 4);
    Tensor b = param(rng, 8);
    IntTensor t = new IntTensor(new int[] {3, 0, 5, 2, 7}, 5);
    int[] negs = {2, 6, 6, 1, 7}; // a repeat and accidental hits (2 and 7 are targets too)
    float[] logQ = NegativeSampler.popularity(new long[] {0, 5, 1, 3, 2, 2, 8, 4}, 1.0).logQ();
    check.check("sampledSoftmax", in -> Losses.sampledSoftmax(in[0], in[1], in[2], t, 0, negs, null), h, w, b);
    check.check("sampledSoftmax logQ", in -> Losses.sampledSoftmax(in[0], in[1], in[2], t, 0, negs, logQ), h, w, b);
    check.check("sampledSoftmax no bias", in -> Losses.sampledSoftmax(in[0], in[1], null, t, -1, negs, null), h, w);
  }

  // ---------------------------------------------------------------- BCE with negatives

  /**
   * items e₀ = 0, e₁ = [2, 0], e₂ = [−1, 0], e₃ = [0, 1]. Row 0: h = [1, 0], positive 1, negatives [2, 3]:
   * s_pos = 2, s_neg = −1 and 0.
   *   loss₀ = softplus(−2) + softplus(−1) + softplus(0) = 0.12692801 + 0.31326169 + 0.69314718 = 1.13333688
   * Row 1 is ignored (positive 0). dH₀ = −σ(−2)·e₁ + σ(−1)·e₂ + σ(0)·e₃
   *   = −0.11920292·[2, 0] + 0.26894142·[−1, 0] + 0.5·[0, 1] = [−0.50734727, 0.5].
   */
  @Test
  void bceByHand() {
    Tensor h = Tensor.of(new float[] {1, 0, 5, 5}, 2, 2).requiresGrad(true);
    Tensor w = Tensor.of(new float[] {0, 0, 2, 0, -1, 0, 0, 1}, 4, 2).requiresGrad(true);
    IntTensor pos = new IntTensor(new int[] {1, 0}, 2);
    IntTensor neg = new IntTensor(new int[] {2, 3, 1, 1}, 2, 2);
    Tensor loss = Losses.bceWithNegatives(h, w, pos, neg, 0);
    assertEquals(1.13333688f, loss.item(), 1e-6f);
    loss.backward();
    assertArrayEquals(new float[] {-0.50734727f, 0.5f, 0f, 0f}, h.gradTensor().toArray(), 1e-6f);
    // dItems: e₁ gets −σ(−2)·h₀, e₂ gets σ(−1)·h₀, e₃ gets σ(0)·h₀; the ignored row adds nothing.
    assertArrayEquals(new float[] {0, 0, -0.11920292f, 0, 0.26894142f, 0, 0.5f, 0}, w.gradTensor().toArray(), 1e-6f);
  }

  @Test
  void bceIsStableForLargeScores() {
    // s_pos = −200 and s_neg = +200: each term is softplus(200) = 200; the naive form would give ∞.
    Tensor h = Tensor.of(new float[] {100, 0}, 1, 2).requiresGrad(true);
    Tensor w = Tensor.of(new float[] {0, 0, -2, 0, 2, 0}, 3, 2);
    Tensor loss = Losses.bceWithNegatives(h, w, new IntTensor(new int[] {1}, 1), new IntTensor(new int[] {2}, 1, 1),
        0);
    assertEquals(400f, loss.item(), 1e-3f);
    loss.backward();
    // Gradient: −σ(−s_pos)·e₁ + σ(s_neg)·e₂ = −1·[−2, 0] + 1·[2, 0] = [4, 0].
    assertArrayEquals(new float[] {4f, 0f}, h.gradTensor().toArray(), 1e-5f);
  }

  @Test
  void bceGradCheck() {
    Tensor h = param(rng, 2, 3, 4);
    Tensor w = param(rng, 6, 4);
    IntTensor pos = new IntTensor(new int[] {1, 0, 5, 2, 2, 3}, 2, 3);
    IntTensor neg = new IntTensor(new int[] {4, 5, 3, 3, 1, 2, 5, 1, 0, 4, 4, 4}, 2, 3, 2);
    check.check("bceWithNegatives", in -> Losses.bceWithNegatives(in[0], in[1], pos, neg, 0), h, w);
    assertThrows(ShapeException.class,
        () -> Losses.bceWithNegatives(h, w, pos, new IntTensor(new int[] {1, 2, 3, 4, 5, 1}, 6), 0));
  }

  // ---------------------------------------------------------------- negative sampler

  @Test
  void samplerNeverReturnsPadding() {
    NegativeSampler uniform = NegativeSampler.uniform(5);
    // Popularity with a huge (ignored) pad count and zero-count items.
    NegativeSampler pop = NegativeSampler.popularity(new long[] {1_000_000, 0, 3, 0, 1}, 1.0);
    Rng r = new Rng(3);
    for (int i = 0; i < 20_000; i++) {
      int u = uniform.sample(r);
      assertTrue(u >= 1 && u <= 4, "uniform drew " + u);
      int p = pop.sample(r);
      assertTrue(p == 2 || p == 4, "popularity drew " + p);
    }
  }

  @Test
  void popularityFrequenciesMatch() {
    // counts 1, 2, 3, 4 → Q = 0.1, 0.2, 0.3, 0.4 (alpha 1); alpha ½ → √c / Σ√c.
    long[] counts = {50, 1, 2, 3, 4};
    double sumSqrt = 1 + Math.sqrt(2) + Math.sqrt(3) + 2;
    double[][] expected = {
        {0, 0.1, 0.2, 0.3, 0.4},
        {0, 1 / sumSqrt, Math.sqrt(2) / sumSqrt, Math.sqrt(3) / sumSqrt, 2 / sumSqrt}};
    double[] alphas = {1.0, 0.5};
    int draws = 200_000;
    for (int a = 0; a < alphas.length; a++) {
      NegativeSampler s = NegativeSampler.popularity(counts, alphas[a]);
      int[] hist = new int[5];
      Rng r = new Rng(100 + a);
      for (int i = 0; i < draws; i++) {
        hist[s.sample(r)]++;
      }
      for (int id = 0; id < 5; id++) {
        assertEquals(expected[a][id], s.probability(id), 1e-12);
        // Standard error is at most 0.0011 here; 0.006 is more than 5 of them.
        assertEquals(expected[a][id], hist[id] / (double) draws, 0.006, "alpha " + alphas[a] + " id " + id);
        assertEquals((float) Math.log(expected[a][id]), s.logQ()[id], 1e-6f);
      }
    }
    NegativeSampler u = NegativeSampler.uniform(5);
    assertEquals(0.25, u.probability(3), 1e-15);
    assertEquals(Float.NEGATIVE_INFINITY, u.logQ()[0]);
  }

  @Test
  void samplerIsDeterministicPerSeed() {
    NegativeSampler s = NegativeSampler.popularity(new long[] {0, 7, 1, 1, 9, 30, 2}, 0.75);
    assertArrayEquals(s.sample(new Rng(42), 500), s.sample(new Rng(42), 500));
    assertNotEquals(java.util.Arrays.toString(s.sample(new Rng(42), 50)),
        java.util.Arrays.toString(s.sample(new Rng(43), 50)));
    NegativeSampler u = NegativeSampler.uniform(1000);
    assertArrayEquals(u.sample(new Rng(5), 100), u.sample(new Rng(5), 100));
  }

  // ---------------------------------------------------------------- requireFinite

  @Test
  void requireFiniteThrowsOnNanAndInfinity() {
    Tensor ok = Tensor.scalar(1.5f);
    assertEquals(ok, Losses.requireFinite(ok, "epoch 1, step 2"));
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      NonFiniteException e = assertThrows(NonFiniteException.class,
          () -> Losses.requireFinite(Tensor.scalar(bad), "epoch 3, step 120"));
      assertTrue(e.getMessage().contains("epoch 3, step 120"), e.getMessage());
      assertTrue(e.getMessage().contains("loss is " + bad), e.getMessage());
      assertTrue(e.getMessage().contains("learning rate"), e.getMessage());
      assertEquals("epoch 3, step 120", e.context());
    }
  }
}
