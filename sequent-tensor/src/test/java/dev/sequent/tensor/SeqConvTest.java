package dev.sequent.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Seq#causalDepthwiseConv1d} and {@link Seq#conv1d}: values, gradients, serving steps, determinism. */
class SeqConvTest {

  // ---------------------------------------------------------------- causal depthwise

  /** Direct transcription of y[b,t,c] = bias[c] + Σ_j w[c,j]·x[b, t−(K−1)+j, c], in double. */
  private static double[] naiveDepthwise(Tensor x, Tensor w, Tensor bias) {
    int batch = x.dim(0);
    int len = x.dim(1);
    int ch = x.dim(2);
    int k = w.dim(1);
    double[] y = new double[batch * len * ch];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < len; t++) {
        for (int c = 0; c < ch; c++) {
          double acc = bias == null ? 0 : bias.at(c);
          for (int j = 0; j < k; j++) {
            int s = t - (k - 1) + j;
            if (s >= 0) {
              acc += (double) w.at(c, j) * x.at(b, s, c);
            }
          }
          y[(b * len + t) * ch + c] = acc;
        }
      }
    }
    return y;
  }

  @Test
  void depthwiseMatchesNaiveLoop() {
    Rng rng = new Rng(1);
    for (int k : new int[] {1, 2, 4}) {
      Tensor x = Tensor.normal(rng, 0f, 1f, 3, 7, 5);
      Tensor w = Tensor.normal(rng, 0f, 1f, 5, k);
      Tensor bias = Tensor.normal(rng, 0f, 1f, 5);
      assertClose(naiveDepthwise(x, w, bias), Seq.causalDepthwiseConv1d(x, w, bias).toArray(), 1e-5, "K=" + k);
      assertClose(naiveDepthwise(x, w, null), Seq.causalDepthwiseConv1d(x, w, null).toArray(), 1e-5, "no bias");
    }
  }

  @Test
  void depthwiseGradientsMatchNaiveOnLargerInput() {
    // 4·64 rows spread over several reduction chunks and threads.
    Rng rng = new Rng(2);
    int batch = 4;
    int len = 64;
    int ch = 24;
    int k = 4;
    Tensor x = Tensor.normal(rng, 0f, 1f, batch, len, ch).requiresGrad(true);
    Tensor w = Tensor.normal(rng, 0f, 1f, ch, k).requiresGrad(true);
    Tensor bias = Tensor.normal(rng, 0f, 1f, ch).requiresGrad(true);
    Tensor r = Tensor.normal(rng, 0f, 1f, batch, len, ch);
    Tensor y = Seq.causalDepthwiseConv1d(x, w, bias);
    assertClose(naiveDepthwise(x, w, bias), y.toArray(), 1e-5, "forward");
    y.mul(r).sum().backward();
    double[] dx = new double[x.size()];
    double[] dw = new double[w.size()];
    double[] db = new double[ch];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < len; t++) {
        for (int c = 0; c < ch; c++) {
          double g = r.at(b, t, c);
          db[c] += g;
          for (int j = 0; j < k; j++) {
            int s = t - (k - 1) + j;
            if (s >= 0) {
              dw[c * k + j] += g * x.at(b, s, c);
              dx[(b * len + s) * ch + c] += g * w.at(c, j);
            }
          }
        }
      }
    }
    assertClose(dx, x.gradTensor().toArray(), 1e-4, "dx");
    assertClose(dw, w.gradTensor().toArray(), 1e-4, "dw");
    assertClose(db, bias.gradTensor().toArray(), 1e-4, "dbias");
  }

  @Test
  void depthwiseGradCheckWithBias() {
    Rng rng = new Rng(3);
    GradCheck.create().check("causalDepthwiseConv1d+bias", in -> Seq.causalDepthwiseConv1d(in[0], in[1], in[2]),
        GradCheck.param(rng, 2, 5, 3), GradCheck.param(rng, 3, 4), GradCheck.param(rng, 3));
  }

  @Test
  void depthwiseGradCheckWithoutBias() {
    Rng rng = new Rng(4);
    GradCheck.create().check("causalDepthwiseConv1d", in -> Seq.causalDepthwiseConv1d(in[0], in[1], null),
        GradCheck.param(rng, 2, 5, 4), GradCheck.param(rng, 4, 2));
  }

  @Test
  void depthwiseStepsEqualFullSequence() {
    Rng rng = new Rng(5);
    int batch = 2;
    int len = 9;
    int ch = 6;
    int k = 4;
    Tensor x = Tensor.normal(rng, 0f, 1f, batch, len, ch);
    Tensor w = Tensor.normal(rng, 0f, 1f, ch, k);
    Tensor bias = Tensor.normal(rng, 0f, 1f, ch);
    Tensor full = Seq.causalDepthwiseConv1d(x, w, bias);
    for (int b = 0; b < batch; b++) {
      float[] history = new float[(k - 1) * ch];
      for (int t = 0; t < len; t++) {
        float[] input = new float[ch];
        float[] expected = new float[ch];
        for (int c = 0; c < ch; c++) {
          input[c] = x.at(b, t, c);
          expected[c] = full.at(b, t, c);
        }
        float[] step = Seq.causalDepthwiseConv1dStep(history, input, w, bias);
        // Same summation order as the full op: identical bits, not just within tolerance.
        assertArrayEquals(expected, step, "b=" + b + " t=" + t);
        Seq.shiftHistory(history, input);
      }
    }
  }

  @Test
  void depthwiseIsDeterministic() {
    Rng rng = new Rng(6);
    Tensor x = Tensor.normal(rng, 0f, 1f, 8, 50, 16);
    Tensor w = Tensor.normal(rng, 0f, 1f, 16, 4);
    Tensor bias = Tensor.normal(rng, 0f, 1f, 16);
    Tensor r = Tensor.normal(rng, 0f, 1f, 8, 50, 16);
    float[][] first = runWithGrads(() -> Seq.causalDepthwiseConv1d(x, w, bias), r, x, w, bias);
    float[][] second = runWithGrads(() -> Seq.causalDepthwiseConv1d(x, w, bias), r, x, w, bias);
    for (int i = 0; i < first.length; i++) {
      assertArrayEquals(first[i], second[i], "output/gradient " + i);
    }
  }

  @Test
  void depthwiseShapeErrorsNameTheOpAndShapes() {
    Tensor x = Tensor.zeros(2, 5, 3);
    ShapeException e = assertThrows(ShapeException.class,
        () -> Seq.causalDepthwiseConv1d(x, Tensor.zeros(4, 4), null));
    assertMessage(e, "causalDepthwiseConv1d", "[2, 5, 3]", "[4, 4]");
    e = assertThrows(ShapeException.class, () -> Seq.causalDepthwiseConv1d(x, Tensor.zeros(3, 4), Tensor.zeros(2)));
    assertMessage(e, "causalDepthwiseConv1d", "[2]");
    e = assertThrows(ShapeException.class, () -> Seq.causalDepthwiseConv1d(Tensor.zeros(5, 3), Tensor.zeros(3, 4), null));
    assertMessage(e, "causalDepthwiseConv1d", "[5, 3]");
    e = assertThrows(ShapeException.class,
        () -> Seq.causalDepthwiseConv1dStep(new float[5], new float[3], Tensor.zeros(3, 4), null));
    assertMessage(e, "causalDepthwiseConv1dStep", "[3, 4]");
  }

  // ---------------------------------------------------------------- full conv1d

  /** Direct transcription of y[b,t,o] = bias[o] + Σ_{c,j} w[o,c,j]·x[b, t−p+j, c], in double. */
  private static double[] naiveConv(Tensor x, Tensor w, Tensor bias, int padding) {
    int batch = x.dim(0);
    int len = x.dim(1);
    int cin = x.dim(2);
    int cout = w.dim(0);
    int k = w.dim(2);
    int outLen = len + 2 * padding - k + 1;
    double[] y = new double[batch * outLen * cout];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < outLen; t++) {
        for (int o = 0; o < cout; o++) {
          double acc = bias == null ? 0 : bias.at(o);
          for (int c = 0; c < cin; c++) {
            for (int j = 0; j < k; j++) {
              int s = t - padding + j;
              if (s >= 0 && s < len) {
                acc += (double) w.at(o, c, j) * x.at(b, s, c);
              }
            }
          }
          y[(b * outLen + t) * cout + o] = acc;
        }
      }
    }
    return y;
  }

  @Test
  void conv1dMatchesNaiveLoop() {
    Rng rng = new Rng(7);
    int[][] cases = {{3, 1}, {3, 0}, {3, 2}, {1, 0}, {2, 1}, {5, 2}};
    for (int[] kp : cases) {
      int k = kp[0];
      int padding = kp[1];
      Tensor x = Tensor.normal(rng, 0f, 1f, 3, 6, 4);
      Tensor w = Tensor.normal(rng, 0f, 1f, 5, 4, k);
      Tensor bias = Tensor.normal(rng, 0f, 1f, 5);
      Tensor y = Seq.conv1d(x, w, bias, padding);
      assertArrayEquals(new int[] {3, 6 + 2 * padding - k + 1, 5}, y.shape(), "shape K=" + k + " p=" + padding);
      assertClose(naiveConv(x, w, bias, padding), y.toArray(), 1e-5, "K=" + k + " p=" + padding);
      assertClose(naiveConv(x, w, null, padding), Seq.conv1d(x, w, null, padding).toArray(), 1e-5, "no bias");
    }
  }

  @Test
  void conv1dGradientsMatchNaiveOnLargerInput() {
    Rng rng = new Rng(8);
    int batch = 3;
    int len = 40;
    int cin = 16;
    int cout = 12;
    int k = 3;
    int padding = 1;
    Tensor x = Tensor.normal(rng, 0f, 1f, batch, len, cin).requiresGrad(true);
    Tensor w = Tensor.normal(rng, 0f, 0.3f, cout, cin, k).requiresGrad(true);
    Tensor bias = Tensor.normal(rng, 0f, 1f, cout).requiresGrad(true);
    Tensor r = Tensor.normal(rng, 0f, 1f, batch, len, cout);
    Tensor y = Seq.conv1d(x, w, bias, padding);
    assertClose(naiveConv(x, w, bias, padding), y.toArray(), 1e-5, "forward");
    y.mul(r).sum().backward();
    double[] dx = new double[x.size()];
    double[] dw = new double[w.size()];
    double[] db = new double[cout];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < len; t++) {
        for (int o = 0; o < cout; o++) {
          double g = r.at(b, t, o);
          db[o] += g;
          for (int c = 0; c < cin; c++) {
            for (int j = 0; j < k; j++) {
              int s = t - padding + j;
              if (s >= 0 && s < len) {
                dw[(o * cin + c) * k + j] += g * x.at(b, s, c);
                dx[(b * len + s) * cin + c] += g * w.at(o, c, j);
              }
            }
          }
        }
      }
    }
    assertClose(dx, x.gradTensor().toArray(), 1e-4, "dx");
    assertClose(dw, w.gradTensor().toArray(), 1e-4, "dw");
    assertClose(db, bias.gradTensor().toArray(), 1e-4, "dbias");
  }

  @Test
  void conv1dGradCheckCentredWithBias() {
    Rng rng = new Rng(9);
    GradCheck.create().check("conv1d k3 p1 +bias", in -> Seq.conv1d(in[0], in[1], in[2], 1),
        GradCheck.param(rng, 2, 5, 3), GradCheck.param(rng, 4, 3, 3), GradCheck.param(rng, 4));
  }

  @Test
  void conv1dGradCheckWithoutBias() {
    Rng rng = new Rng(10);
    GradCheck.create().check("conv1d k3 p0", in -> Seq.conv1d(in[0], in[1], null, 0),
        GradCheck.param(rng, 2, 5, 3), GradCheck.param(rng, 2, 3, 3));
    GradCheck.create().check("conv1d k2 p2", in -> Seq.conv1d(in[0], in[1], null, 2),
        GradCheck.param(rng, 2, 4, 3), GradCheck.param(rng, 3, 3, 2));
  }

  @Test
  void conv1dIsDeterministic() {
    Rng rng = new Rng(11);
    Tensor x = Tensor.normal(rng, 0f, 1f, 4, 50, 32);
    Tensor w = Tensor.normal(rng, 0f, 0.2f, 32, 32, 3);
    Tensor bias = Tensor.normal(rng, 0f, 1f, 32);
    Tensor r = Tensor.normal(rng, 0f, 1f, 4, 50, 32);
    float[][] first = runWithGrads(() -> Seq.conv1d(x, w, bias, 1), r, x, w, bias);
    float[][] second = runWithGrads(() -> Seq.conv1d(x, w, bias, 1), r, x, w, bias);
    for (int i = 0; i < first.length; i++) {
      assertArrayEquals(first[i], second[i], "output/gradient " + i);
    }
  }

  @Test
  void conv1dShapeErrorsNameTheOpAndShapes() {
    Tensor x = Tensor.zeros(2, 5, 3);
    ShapeException e = assertThrows(ShapeException.class, () -> Seq.conv1d(x, Tensor.zeros(4, 2, 3), null, 1));
    assertMessage(e, "conv1d", "[2, 5, 3]", "[4, 2, 3]");
    e = assertThrows(ShapeException.class, () -> Seq.conv1d(x, Tensor.zeros(4, 3, 9), null, 1));
    assertMessage(e, "conv1d", "[2, 5, 3]", "[4, 3, 9]");
    e = assertThrows(ShapeException.class, () -> Seq.conv1d(x, Tensor.zeros(4, 3, 3), Tensor.zeros(3), 1));
    assertMessage(e, "conv1d", "[4, 3, 3]", "[3]");
    e = assertThrows(ShapeException.class, () -> Seq.conv1d(x, Tensor.zeros(4, 3, 3), null, -1));
    assertMessage(e, "conv1d", "padding");
  }

  // ---------------------------------------------------------------- helpers

  /** Forward, then backward of Σ y ⊙ r; returns the output and the inputs' gradients (cleared first). */
  static float[][] runWithGrads(java.util.function.Supplier<Tensor> f, Tensor r, Tensor... inputs) {
    for (Tensor in : inputs) {
      in.requiresGrad(true);
      in.zeroGrad();
    }
    Tensor y = f.get();
    float[] out = y.toArray();
    y.mul(r).sum().backward();
    float[][] res = new float[inputs.length + 1][];
    res[0] = out;
    for (int i = 0; i < inputs.length; i++) {
      res[i + 1] = inputs[i].gradTensor().toArray();
    }
    return res;
  }

  static void assertClose(double[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(expected[i] - actual[i]);
      if (err > tol * Math.max(1.0, Math.abs(expected[i]))) {
        assertEquals(expected[i], actual[i], tol, what + " at " + i);
      }
    }
  }

  static void assertMessage(ShapeException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention " + p);
    }
  }
}
