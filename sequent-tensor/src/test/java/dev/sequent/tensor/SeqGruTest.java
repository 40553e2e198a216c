package dev.sequent.tensor;

import static dev.sequent.tensor.SeqConvTest.assertClose;
import static dev.sequent.tensor.SeqConvTest.assertMessage;
import static dev.sequent.tensor.SeqConvTest.runWithGrads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Seq#gru}: PyTorch gate convention, BPTT gradients, serving steps, determinism. */
class SeqGruTest {

  /** A straightforward per-step, per-unit GRU in double, written from the PyTorch formulas. */
  private static double[] referenceGru(Tensor x, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0) {
    int batch = x.dim(0);
    int len = x.dim(1);
    int in = x.dim(2);
    int hid = wHh.dim(1);
    double[] out = new double[batch * len * hid];
    for (int b = 0; b < batch; b++) {
      double[] h = new double[hid];
      for (int j = 0; j < hid; j++) {
        h[j] = h0 == null ? 0 : h0.at(b, j);
      }
      for (int t = 0; t < len; t++) {
        double[] next = new double[hid];
        for (int j = 0; j < hid; j++) {
          // gate g ∈ {r, z, n} uses row g·H + j of the stacked weights
          double[] ix = new double[3];
          double[] hh = new double[3];
          for (int g = 0; g < 3; g++) {
            int row = g * hid + j;
            ix[g] = bIh == null ? 0 : bIh.at(row);
            for (int i = 0; i < in; i++) {
              ix[g] += (double) wIh.at(row, i) * x.at(b, t, i);
            }
            hh[g] = bHh == null ? 0 : bHh.at(row);
            for (int i = 0; i < hid; i++) {
              hh[g] += wHh.at(row, i) * h[i];
            }
          }
          double r = 1 / (1 + Math.exp(-(ix[0] + hh[0])));
          double z = 1 / (1 + Math.exp(-(ix[1] + hh[1])));
          double n = Math.tanh(ix[2] + r * hh[2]);
          next[j] = (1 - z) * n + z * h[j];
        }
        h = next;
        for (int j = 0; j < hid; j++) {
          out[(b * len + t) * hid + j] = h[j];
        }
      }
    }
    return out;
  }

  private static Tensor param(Rng rng, float std, int... shape) {
    return Tensor.normal(rng, 0f, std, shape).requiresGrad(true);
  }

  @Test
  void matchesReferenceWithAndWithoutBiases() {
    Rng rng = new Rng(21);
    Tensor x = Tensor.normal(rng, 0f, 1f, 3, 6, 4);
    Tensor wIh = Tensor.normal(rng, 0f, 0.5f, 15, 4);
    Tensor wHh = Tensor.normal(rng, 0f, 0.5f, 15, 5);
    Tensor bIh = Tensor.normal(rng, 0f, 0.5f, 15);
    Tensor bHh = Tensor.normal(rng, 0f, 0.5f, 15);
    Tensor h0 = Tensor.normal(rng, 0f, 0.5f, 3, 5);
    assertClose(referenceGru(x, wIh, wHh, bIh, bHh, h0), Seq.gru(x, wIh, wHh, bIh, bHh, h0).toArray(), 1e-5,
        "biases + h0");
    assertClose(referenceGru(x, wIh, wHh, null, null, null), Seq.gru(x, wIh, wHh, null, null, null).toArray(),
        1e-5, "bias-free");
  }

  @Test
  void matchesReferenceOnLargerInput() {
    Rng rng = new Rng(22);
    Tensor x = Tensor.normal(rng, 0f, 1f, 6, 12, 10);
    Tensor wIh = Tensor.normal(rng, 0f, 0.3f, 48, 10);
    Tensor wHh = Tensor.normal(rng, 0f, 0.3f, 48, 16);
    Tensor bIh = Tensor.normal(rng, 0f, 0.3f, 48);
    Tensor bHh = Tensor.normal(rng, 0f, 0.3f, 48);
    assertClose(referenceGru(x, wIh, wHh, bIh, bHh, null), Seq.gru(x, wIh, wHh, bIh, bHh, null).toArray(), 1e-5,
        "larger");
  }

  @Test
  void gradCheckWithBiasesAndInitialState() {
    Rng rng = new Rng(23);
    GradCheck.create().check("gru+biases+h0", in -> Seq.gru(in[0], in[1], in[2], in[3], in[4], in[5]),
        param(rng, 1f, 2, 5, 4), param(rng, 0.5f, 9, 4), param(rng, 0.5f, 9, 3), param(rng, 0.5f, 9),
        param(rng, 0.5f, 9), param(rng, 0.5f, 2, 3));
  }

  @Test
  void gradCheckWithoutBiases() {
    Rng rng = new Rng(24);
    GradCheck.create().check("gru bias-free", in -> Seq.gru(in[0], in[1], in[2], null, null, null),
        param(rng, 1f, 2, 5, 3), param(rng, 0.5f, 12, 3), param(rng, 0.5f, 12, 4));
  }

  @Test
  void gradCheckWithInitialStateOnly() {
    Rng rng = new Rng(25);
    GradCheck.create().check("gru h0", in -> Seq.gru(in[0], in[1], in[2], null, null, in[3]),
        param(rng, 1f, 2, 4, 3), param(rng, 0.5f, 6, 3), param(rng, 0.5f, 6, 2), param(rng, 1f, 2, 2));
  }

  @Test
  void stepsWithCarriedStateEqualFullSequence() {
    Rng rng = new Rng(26);
    int batch = 3;
    int len = 7;
    int in = 4;
    int hid = 5;
    Tensor x = Tensor.normal(rng, 0f, 1f, batch, len, in);
    Tensor wIh = Tensor.normal(rng, 0f, 0.5f, 3 * hid, in);
    Tensor wHh = Tensor.normal(rng, 0f, 0.5f, 3 * hid, hid);
    Tensor bIh = Tensor.normal(rng, 0f, 0.5f, 3 * hid);
    Tensor bHh = Tensor.normal(rng, 0f, 0.5f, 3 * hid);
    Tensor full = Seq.gru(x, wIh, wHh, bIh, bHh, null);
    try (Grad g = Grad.disabled()) {
      Tensor state = null;
      for (int t = 0; t < len; t++) {
        Tensor xt = slice(x, t);
        state = Seq.gru(xt, wIh, wHh, bIh, bHh, state).reshape(batch, hid);
        double[] expected = new double[batch * hid];
        for (int b = 0; b < batch; b++) {
          for (int j = 0; j < hid; j++) {
            expected[b * hid + j] = full.at(b, t, j);
          }
        }
        assertClose(expected, state.toArray(), 1e-5, "step " + t);
      }
    }
  }

  /** x[:, t:t+1, :] as a new [B, 1, In] tensor. */
  private static Tensor slice(Tensor x, int t) {
    int batch = x.dim(0);
    int in = x.dim(2);
    float[] d = new float[batch * in];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < in; i++) {
        d[b * in + i] = x.at(b, t, i);
      }
    }
    return Tensor.of(d, batch, 1, in);
  }

  @Test
  void isDeterministic() {
    Rng rng = new Rng(27);
    Tensor x = Tensor.normal(rng, 0f, 1f, 16, 20, 12);
    Tensor wIh = Tensor.normal(rng, 0f, 0.3f, 48, 12);
    Tensor wHh = Tensor.normal(rng, 0f, 0.3f, 48, 16);
    Tensor bIh = Tensor.normal(rng, 0f, 0.3f, 48);
    Tensor bHh = Tensor.normal(rng, 0f, 0.3f, 48);
    Tensor h0 = Tensor.normal(rng, 0f, 0.5f, 16, 16);
    Tensor r = Tensor.normal(rng, 0f, 1f, 16, 20, 16);
    Tensor[] inputs = {x, wIh, wHh, bIh, bHh, h0};
    float[][] first = runWithGrads(() -> Seq.gru(x, wIh, wHh, bIh, bHh, h0), r, inputs);
    float[][] second = runWithGrads(() -> Seq.gru(x, wIh, wHh, bIh, bHh, h0), r, inputs);
    for (int i = 0; i < first.length; i++) {
      assertArrayEquals(first[i], second[i], "output/gradient " + i);
    }
  }

  @Test
  void shapeErrorsNameTheOpAndShapes() {
    Tensor x = Tensor.zeros(2, 5, 4);
    Tensor wIh = Tensor.zeros(9, 4);
    Tensor wHh = Tensor.zeros(9, 3);
    ShapeException e = assertThrows(ShapeException.class, () -> Seq.gru(x, Tensor.zeros(9, 5), wHh, null, null, null));
    assertMessage(e, "gru", "[2, 5, 4]", "[9, 5]");
    e = assertThrows(ShapeException.class, () -> Seq.gru(x, wIh, Tensor.zeros(9, 4), null, null, null));
    assertMessage(e, "gru", "[9, 4]");
    e = assertThrows(ShapeException.class, () -> Seq.gru(x, wIh, wHh, Tensor.zeros(6), null, null));
    assertMessage(e, "gru", "[6]");
    e = assertThrows(ShapeException.class, () -> Seq.gru(x, wIh, wHh, null, null, Tensor.zeros(3, 3)));
    assertMessage(e, "gru", "[2, 5, 4]", "[3, 3]");
  }
}
