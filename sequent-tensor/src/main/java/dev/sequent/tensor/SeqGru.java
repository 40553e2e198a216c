package dev.sequent.tensor;

import dev.sequent.tensor.kernel.Kernels;
import java.util.Arrays;

/**
 * The fused GRU behind {@link Seq#gru}: forward over time with gates saved, and backpropagation through
 * time. Shapes are checked by {@link Seq}.
 *
 * <p>Layout: the 3H rows of the weights and biases are the gates in PyTorch order (r, z, n). Per step,
 * gi = W_ih x_t (+ b_ih) comes from one GEMM over all steps done up front, and gh = W_hh h_{t−1} (+ b_hh)
 * from one [B, H]×[H, 3H] GEMM.
 */
final class SeqGru {
  private SeqGru() {}

  static Tensor gru(Tensor x, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0) {
    int batch = x.dim(0);
    int len = x.dim(1);
    int in = x.dim(2);
    int h3 = wIh.dim(0);
    int hid = h3 / 3;
    int rows = batch * len;
    Kernels kern = Kernels.get();
    float[] xs = x.data();
    int xo = x.offset();
    float[] wi = wIh.data();
    int wio = wIh.offset();
    float[] wh = wHh.data();
    int who = wHh.offset();
    // Biases as plain length-3H arrays (zeros when absent) keep the gate formulas free of null checks.
    float[] bi = denseOrZeros(bIh, h3);
    float[] bh = denseOrZeros(bHh, h3);

    // Input projections of every step at once: gi [B·L, 3H].
    float[] gi = Arena.take(rows * h3, false);
    kern.gemm(false, true, rows, h3, in, xs, xo, in, wi, wio, in, 0f, gi, 0, h3);

    Tensor out = Tensor.empty(batch, len, hid);
    float[] y = out.data();
    // Saved for BPTT, each [B, L, H]: the gates and hn = W_hn h_{t−1} + b_hn (needed for dr).
    float[] rs = Arena.take(rows * hid, false);
    float[] zs = Arena.take(rows * hid, false);
    float[] ns = Arena.take(rows * hid, false);
    float[] hns = Arena.take(rows * hid, false);
    float[] gh = new float[batch * h3];
    int minBatch = Math.max(1, 4096 / Math.max(1, hid));

    for (int t = 0; t < len; t++) {
      int step = t;
      if (t > 0) {
        // h_{t−1} of sequence b is row (b, t−1) of the output: a strided [B, H] matrix with stride L·H.
        kern.gemm(false, true, batch, h3, hid, y, (t - 1) * hid, len * hid, wh, who, hid, 0f, gh, 0, h3);
      } else if (h0 != null) {
        kern.gemm(false, true, batch, h3, hid, h0.data(), h0.offset(), hid, wh, who, hid, 0f, gh, 0, h3);
      } else {
        Arrays.fill(gh, 0f);
      }
      Parallel.forRange(batch, minBatch, (from, to) -> {
        for (int b = from; b < to; b++) {
          int giRow = (b * len + step) * h3;
          int ghRow = b * h3;
          int sRow = (b * len + step) * hid;
          for (int j = 0; j < hid; j++) {
            float r = Activations.sigmoid(gi[giRow + j] + bi[j] + gh[ghRow + j] + bh[j]);
            float z = Activations.sigmoid(gi[giRow + hid + j] + bi[hid + j] + gh[ghRow + hid + j] + bh[hid + j]);
            float hn = gh[ghRow + 2 * hid + j] + bh[2 * hid + j];
            float n = tanh(gi[giRow + 2 * hid + j] + bi[2 * hid + j] + r * hn);
            float hPrev = previous(y, h0, b, step, j, len, hid);
            y[sRow + j] = (1f - z) * n + z * hPrev;
            rs[sRow + j] = r;
            zs[sRow + j] = z;
            ns[sRow + j] = n;
            hns[sRow + j] = hn;
          }
        }
      });
    }

    return Tensor.record(out, "gru", o -> {
      float[] dy = o.grad();
      // Gradients of the gate pre-activations, [B, L, 3H] each: dgi feeds x and W_ih, dgh feeds h_{t−1} and W_hh.
      // gi is dead after the forward pass; its storage (same size) holds dgi.
      float[] dgi = gi;
      float[] dgh = Arena.take(rows * h3, false);
      // carry = dL/dh_{t} arriving from step t+1 (through W_hh and the z-gate shortcut); zero after the last step.
      float[] carry = new float[batch * hid];
      for (int t = len - 1; t >= 0; t--) {
        int step = t;
        Parallel.forRange(batch, minBatch, (from, to) -> {
          for (int b = from; b < to; b++) {
            int sRow = (b * len + step) * hid;
            int gRow = (b * len + step) * h3;
            int cRow = b * hid;
            for (int j = 0; j < hid; j++) {
              float dh = dy[sRow + j] + carry[cRow + j];
              float r = rs[sRow + j];
              float z = zs[sRow + j];
              float n = ns[sRow + j];
              float hn = hns[sRow + j];
              float hPrev = previous(y, h0, b, step, j, len, hid);
              // h = (1 − z)·n + z·h_prev
              float dn = dh * (1f - z);
              float dz = dh * (hPrev - n);
              // n = tanh(a_n), a_n = gi_n + b_in + r·hn
              float dan = dn * (1f - n * n);
              float dar = dan * hn * r * (1f - r);
              float daz = dz * z * (1f - z);
              dgi[gRow + j] = dar;
              dgi[gRow + hid + j] = daz;
              dgi[gRow + 2 * hid + j] = dan;
              dgh[gRow + j] = dar;
              dgh[gRow + hid + j] = daz;
              dgh[gRow + 2 * hid + j] = dan * r;
              carry[cRow + j] = dh * z;
            }
          }
        });
        if (t > 0 || (h0 != null && h0.requiresGrad())) {
          // dL/dh_{t−1} += dgh_t · W_hh  ([B, 3H] rows strided by L·3H, times [3H, H]).
          kern.gemm(false, false, batch, hid, h3, dgh, t * h3, len * h3, wh, who, hid, 1f, carry, 0, hid);
        }
      }
      if (h0 != null && h0.requiresGrad()) {
        float[] dh0 = h0.grad();
        int ho = h0.offset();
        for (int i = 0; i < batch * hid; i++) {
          dh0[ho + i] += carry[i];
        }
      }
      if (x.requiresGrad()) {
        kern.gemm(false, false, rows, in, h3, dgi, 0, h3, wi, wio, in, 1f, x.grad(), xo, in);
      }
      if (wIh.requiresGrad()) {
        kern.gemm(true, false, h3, in, rows, dgi, 0, h3, xs, xo, in, 1f, wIh.grad(), wio, in);
      }
      if (bIh != null && bIh.requiresGrad()) {
        SeqReduce.addColumnSums(dgi, 0, h3, rows, h3, bIh.grad(), bIh.offset());
      }
      if (wHh.requiresGrad()) {
        // dW_hh = Σ_t dgh_tᵀ·h_{t−1}: one GEMM over all B·L rows against the matrix of previous states.
        float[] prev = Arena.take(rows * hid, false);
        for (int b = 0; b < batch; b++) {
          int row0 = b * len * hid;
          if (h0 != null) {
            System.arraycopy(h0.data(), h0.offset() + b * hid, prev, row0, hid);
          } else {
            Arrays.fill(prev, row0, row0 + hid, 0f);
          }
          System.arraycopy(y, row0, prev, row0 + hid, (len - 1) * hid);
        }
        kern.gemm(true, false, h3, hid, rows, dgh, 0, h3, prev, 0, hid, 1f, wHh.grad(), who, hid);
      }
      if (bHh != null && bHh.requiresGrad()) {
        SeqReduce.addColumnSums(dgh, 0, h3, rows, h3, bHh.grad(), bHh.offset());
      }
    }, x, wIh, wHh, bIh, bHh, h0);
  }

  /**
   * tanh through one exponential, 1 − 2/(e^{2a} + 1), in double: several times faster than Math.tanh (not
   * an intrinsic) and within float rounding of it; saturates cleanly to ±1 for large |a|.
   */
  static float tanh(float a) {
    return (float) (1.0 - 2.0 / (Math.exp(2.0 * a) + 1.0));
  }

  /** h_{t−1}[b, j]: the previous output row, or h0 (zeros when absent) at t = 0. */
  private static float previous(float[] y, Tensor h0, int b, int t, int j, int len, int hid) {
    if (t > 0) {
      return y[(b * len + t - 1) * hid + j];
    }
    return h0 == null ? 0f : h0.data()[h0.offset() + b * hid + j];
  }

  private static float[] denseOrZeros(Tensor v, int n) {
    float[] a = new float[n];
    if (v != null) {
      System.arraycopy(v.data(), v.offset(), a, 0, n);
    }
    return a;
  }
}
