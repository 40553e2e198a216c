package dev.sequent.tensor;

import static dev.sequent.tensor.SeqConvTest.assertClose;
import static dev.sequent.tensor.SeqConvTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Seq#linearRecurrence}: against LRURec's doubling scan, gradients, serving steps, determinism. */
class SeqRecurrenceTest {

  /** λ on LRURec's ring: |λ| in [0.8, 0.99], phase in [0, 2π). Not a leaf requiring gradients. */
  private static Tensor[] ringLambda(Rng rng, int hid) {
    float[] re = new float[hid];
    float[] im = new float[hid];
    for (int j = 0; j < hid; j++) {
      double radius = 0.8 + 0.19 * rng.nextDouble();
      double phase = 2 * Math.PI * rng.nextDouble();
      re[j] = (float) (radius * Math.cos(phase));
      im[j] = (float) (radius * Math.sin(phase));
    }
    return new Tensor[] {Tensor.of(re, hid), Tensor.of(im, hid)};
  }

  /** The direct loop: h_t = (reset ? 0 : λ·h_{t−1}) + u_t in double; returns {re, im}. */
  private static double[][] direct(Tensor uRe, Tensor uIm, Tensor lamRe, Tensor lamIm, int[] reset, Tensor h0Re,
                                   Tensor h0Im) {
    int batch = uRe.dim(0);
    int len = uRe.dim(1);
    int hid = uRe.dim(2);
    double[][] h = new double[2][batch * len * hid];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < hid; j++) {
        double pr = h0Re == null ? 0 : h0Re.at(b, j);
        double pi = h0Im == null ? 0 : h0Im.at(b, j);
        for (int t = 0; t < len; t++) {
          double nr = uRe.at(b, t, j);
          double ni = uIm.at(b, t, j);
          if (reset == null || reset[b * len + t] == 0) {
            nr += lamRe.at(j) * pr - lamIm.at(j) * pi;
            ni += lamRe.at(j) * pi + lamIm.at(j) * pr;
          }
          pr = nr;
          pi = ni;
          h[0][(b * len + t) * hid + j] = nr;
          h[1][(b * len + t) * hid + j] = ni;
        }
      }
    }
    return h;
  }

  /**
   * LRURec's recursive parallelisation (research/models.md §2.3) transcribed level by level, in double:
   * at level i (chunk length l = 2^i) the last state of each chunk's first half, times its mask, is
   * carried into the second half with powers λ^1..λ^(l/2). {@code mask[b·L + t]} is 1 for real items.
   */
  private static double[][] doublingScan(Tensor uRe, Tensor uIm, Tensor lamRe, Tensor lamIm, int[] mask) {
    int batch = uRe.dim(0);
    int len = uRe.dim(1);
    int hid = uRe.dim(2);
    double[] hr = new double[batch * len * hid];
    double[] hi = new double[batch * len * hid];
    for (int i = 0; i < hr.length; i++) {
      hr[i] = uRe.get(i);
      hi[i] = uIm.get(i);
    }
    for (int l = 2; l <= len; l *= 2) {
      int halfLen = l / 2;
      // λ^1..λ^(l/2) per channel
      double[][] powRe = new double[halfLen + 1][hid];
      double[][] powIm = new double[halfLen + 1][hid];
      for (int j = 0; j < hid; j++) {
        powRe[0][j] = 1;
        for (int p = 1; p <= halfLen; p++) {
          powRe[p][j] = powRe[p - 1][j] * lamRe.at(j) - powIm[p - 1][j] * lamIm.at(j);
          powIm[p][j] = powRe[p - 1][j] * lamIm.at(j) + powIm[p - 1][j] * lamRe.at(j);
        }
      }
      for (int b = 0; b < batch; b++) {
        for (int start = 0; start < len; start += l) {
          int lastOfFirst = start + halfLen - 1;
          double m = mask[b * len + lastOfFirst];
          for (int j = 0; j < hid; j++) {
            double cr = hr[(b * len + lastOfFirst) * hid + j] * m;
            double ci = hi[(b * len + lastOfFirst) * hid + j] * m;
            for (int k = 1; k <= halfLen; k++) {
              int idx = (b * len + lastOfFirst + k) * hid + j;
              hr[idx] += powRe[k][j] * cr - powIm[k][j] * ci;
              hi[idx] += powRe[k][j] * ci + powIm[k][j] * cr;
            }
          }
        }
      }
    }
    return new double[][] {hr, hi};
  }

  @Test
  void matchesDoublingScanOnLeftPaddedInputs() {
    Rng rng = new Rng(31);
    int batch = 5;
    int len = 16;
    int hid = 7;
    int[] pads = {0, 1, 5, 8, 15};
    Tensor uRe = Tensor.normal(rng, 0f, 1f, batch, len, hid);
    Tensor uIm = Tensor.normal(rng, 0f, 1f, batch, len, hid);
    Tensor[] lam = ringLambda(rng, hid);
    int[] mask = new int[batch * len];
    int[] ids = new int[batch * len];
    int[] expectedReset = new int[batch * len];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < len; t++) {
        mask[b * len + t] = t >= pads[b] ? 1 : 0;
        ids[b * len + t] = t >= pads[b] ? 1 + rng.nextInt(100) : 0;
        // LRURec's reset: the carry is dropped when the previous position is padding.
        expectedReset[b * len + t] = t > 0 && t - 1 < pads[b] ? 1 : 0;
      }
    }
    IntTensor reset = Seq.resetAfterPadding(new IntTensor(ids, batch, len));
    assertArrayEquals(expectedReset, reset.data(), "reset mask");
    Tensor[] h = Seq.linearRecurrence(uRe, uIm, lam[0], lam[1], reset, null, null);
    double[][] ref = doublingScan(uRe, uIm, lam[0], lam[1], mask);
    assertClose(ref[0], h[0].toArray(), 1e-5, "Re h");
    assertClose(ref[1], h[1].toArray(), 1e-5, "Im h");
    // The first real item's state is its own u (no pad leaks in).
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < hid; j++) {
        assertArrayEquals(new float[] {uRe.at(b, pads[b], j), uIm.at(b, pads[b], j)},
            new float[] {h[0].at(b, pads[b], j), h[1].at(b, pads[b], j)}, "b=" + b);
      }
    }
  }

  @Test
  void matchesDirectLoopWithResetsAndInitialState() {
    Rng rng = new Rng(32);
    int batch = 4;
    int len = 70;
    int hid = 40; // two channel blocks, one partial
    Tensor uRe = Tensor.normal(rng, 0f, 1f, batch, len, hid);
    Tensor uIm = Tensor.normal(rng, 0f, 1f, batch, len, hid);
    Tensor[] lam = ringLambda(rng, hid);
    Tensor h0Re = Tensor.normal(rng, 0f, 1f, batch, hid);
    Tensor h0Im = Tensor.normal(rng, 0f, 1f, batch, hid);
    int[] reset = new int[batch * len];
    for (int i = 0; i < reset.length; i++) {
      reset[i] = rng.nextInt(10) == 0 ? 1 : 0;
    }
    Tensor[] h = Seq.linearRecurrence(uRe, uIm, lam[0], lam[1], new IntTensor(reset, batch, len), h0Re, h0Im);
    double[][] ref = direct(uRe, uIm, lam[0], lam[1], reset, h0Re, h0Im);
    assertClose(ref[0], h[0].toArray(), 1e-5, "Re h");
    assertClose(ref[1], h[1].toArray(), 1e-5, "Im h");
    Tensor[] noReset = Seq.linearRecurrence(uRe, uIm, lam[0], lam[1], null, null, null);
    double[][] ref2 = direct(uRe, uIm, lam[0], lam[1], null, null, null);
    assertClose(ref2[0], noReset[0].toArray(), 1e-5, "Re h, no reset");
    assertClose(ref2[1], noReset[1].toArray(), 1e-5, "Im h, no reset");
  }

  /** Resets in the middle of sequence 0 and at the start of sequence 1 (where h0 must then not matter). */
  private static IntTensor gradReset() {
    return new IntTensor(new int[] {0, 0, 1, 0, 0, 1, 0, 0, 1, 0}, 2, 5);
  }

  private static Tensor[] recurrenceInputs(long seed, boolean withH0) {
    Rng rng = new Rng(seed);
    Tensor uRe = GradCheck.param(rng, 2, 5, 3);
    Tensor uIm = GradCheck.param(rng, 2, 5, 3);
    Tensor lamRe = Tensor.normal(rng, 0f, 0.5f, 3).requiresGrad(true);
    Tensor lamIm = Tensor.normal(rng, 0f, 0.5f, 3).requiresGrad(true);
    if (!withH0) {
      return new Tensor[] {uRe, uIm, lamRe, lamIm};
    }
    return new Tensor[] {uRe, uIm, lamRe, lamIm, GradCheck.param(rng, 2, 3), GradCheck.param(rng, 2, 3)};
  }

  @Test
  void gradCheckUsingBothParts() {
    IntTensor reset = gradReset();
    GradCheck.create().check("linearRecurrence re·im + re", in -> {
      Tensor[] h = Seq.linearRecurrence(in[0], in[1], in[2], in[3], reset, in[4], in[5]);
      return h[0].mul(h[1]).add(h[0]);
    }, recurrenceInputs(33, true));
  }

  @Test
  void gradCheckUsingOnlyRealPart() {
    IntTensor reset = gradReset();
    GradCheck.create().check("linearRecurrence re", in -> Seq.linearRecurrence(in[0], in[1], in[2], in[3], reset,
        in[4], in[5])[0], recurrenceInputs(34, true));
  }

  @Test
  void gradCheckUsingOnlyImaginaryPart() {
    IntTensor reset = gradReset();
    GradCheck.create().check("linearRecurrence im", in -> Seq.linearRecurrence(in[0], in[1], in[2], in[3], reset,
        in[4], in[5])[1], recurrenceInputs(35, true));
  }

  @Test
  void gradCheckWithInputsFromOps() {
    // u as op outputs (their gradient buffers are assigned, not added to), once shared by both parts.
    IntTensor reset = gradReset();
    GradCheck.create().check("linearRecurrence of op outputs", in -> {
      Tensor uRe = in[0].mul(2f);
      Tensor[] h = Seq.linearRecurrence(uRe, in[1].mul(0.5f), in[2], in[3], reset, in[4], in[5]);
      Tensor[] shared = Seq.linearRecurrence(uRe, uRe, in[2], in[3], reset, null, null);
      return h[0].mul(h[1]).add(shared[1]).add(uRe);
    }, recurrenceInputs(37, true));
  }

  @Test
  void gradCheckWithoutResetOrInitialState() {
    GradCheck.create().check("linearRecurrence plain", in -> {
      Tensor[] h = Seq.linearRecurrence(in[0], in[1], in[2], in[3], null, null, null);
      return h[0].sub(h[1].mul(0.5f));
    }, recurrenceInputs(36, false));
  }

  @Test
  void stepsWithCarriedStateEqualFullSequence() {
    Rng rng = new Rng(37);
    int batch = 3;
    int len = 9;
    int hid = 6;
    Tensor uRe = Tensor.normal(rng, 0f, 1f, batch, len, hid);
    Tensor uIm = Tensor.normal(rng, 0f, 1f, batch, len, hid);
    Tensor[] lam = ringLambda(rng, hid);
    int[] reset = new int[batch * len];
    reset[4] = 1;
    reset[len] = 1;
    reset[2 * len + 7] = 1;
    Tensor[] full = Seq.linearRecurrence(uRe, uIm, lam[0], lam[1], new IntTensor(reset, batch, len), null, null);
    Tensor stateRe = null;
    Tensor stateIm = null;
    for (int t = 0; t < len; t++) {
      int[] resetT = new int[batch];
      for (int b = 0; b < batch; b++) {
        resetT[b] = reset[b * len + t];
      }
      Tensor[] h = Seq.linearRecurrence(slice(uRe, t), slice(uIm, t), lam[0], lam[1],
          new IntTensor(resetT, batch, 1), stateRe, stateIm);
      stateRe = h[0].reshape(batch, hid);
      stateIm = h[1].reshape(batch, hid);
      double[][] expected = new double[2][batch * hid];
      for (int b = 0; b < batch; b++) {
        for (int j = 0; j < hid; j++) {
          expected[0][b * hid + j] = full[0].at(b, t, j);
          expected[1][b * hid + j] = full[1].at(b, t, j);
        }
      }
      assertClose(expected[0], stateRe.toArray(), 1e-5, "Re, step " + t);
      assertClose(expected[1], stateIm.toArray(), 1e-5, "Im, step " + t);
    }
  }

  /** u[:, t:t+1, :] as a new [B, 1, H] tensor. */
  private static Tensor slice(Tensor u, int t) {
    int batch = u.dim(0);
    int hid = u.dim(2);
    float[] d = new float[batch * hid];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < hid; j++) {
        d[b * hid + j] = u.at(b, t, j);
      }
    }
    return Tensor.of(d, batch, 1, hid);
  }

  @Test
  void isDeterministic() {
    Rng rng = new Rng(38);
    int batch = 12;
    int len = 64;
    int hid = 48;
    Tensor uRe = Tensor.normal(rng, 0f, 1f, batch, len, hid);
    Tensor uIm = Tensor.normal(rng, 0f, 1f, batch, len, hid);
    Tensor[] lam = ringLambda(rng, hid);
    Tensor h0Re = Tensor.normal(rng, 0f, 1f, batch, hid);
    Tensor h0Im = Tensor.normal(rng, 0f, 1f, batch, hid);
    Tensor r = Tensor.normal(rng, 0f, 1f, batch, len, hid);
    Tensor[] inputs = {uRe, uIm, lam[0], lam[1], h0Re, h0Im};
    java.util.function.Supplier<Tensor> f = () -> {
      Tensor[] h = Seq.linearRecurrence(uRe, uIm, lam[0], lam[1], null, h0Re, h0Im);
      return h[0].add(h[1].mul(r));
    };
    float[][] first = SeqConvTest.runWithGrads(f, r, inputs);
    float[][] second = SeqConvTest.runWithGrads(f, r, inputs);
    for (int i = 0; i < first.length; i++) {
      assertArrayEquals(first[i], second[i], "output/gradient " + i);
    }
  }

  @Test
  void shapeErrorsNameTheOpAndShapes() {
    Tensor u = Tensor.zeros(2, 5, 3);
    Tensor lam = Tensor.zeros(3);
    ShapeException e = assertThrows(ShapeException.class,
        () -> Seq.linearRecurrence(u, Tensor.zeros(2, 5, 4), lam, lam, null, null, null));
    assertMessage(e, "linearRecurrence", "[2, 5, 3]", "[2, 5, 4]");
    e = assertThrows(ShapeException.class, () -> Seq.linearRecurrence(u, u, Tensor.zeros(4), lam, null, null, null));
    assertMessage(e, "linearRecurrence", "[4]");
    e = assertThrows(ShapeException.class,
        () -> Seq.linearRecurrence(u, u, lam, lam, new IntTensor(new int[10], 5, 2), null, null));
    assertMessage(e, "linearRecurrence", "[5, 2]");
    e = assertThrows(ShapeException.class,
        () -> Seq.linearRecurrence(u, u, lam, lam, null, Tensor.zeros(2, 3), null));
    assertMessage(e, "linearRecurrence", "together");
    e = assertThrows(ShapeException.class,
        () -> Seq.linearRecurrence(u, u, lam, lam, null, Tensor.zeros(3, 3), Tensor.zeros(3, 3)));
    assertMessage(e, "linearRecurrence", "[3, 3]");
  }
}
