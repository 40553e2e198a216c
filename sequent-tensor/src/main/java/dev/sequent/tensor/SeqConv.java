package dev.sequent.tensor;

import dev.sequent.tensor.kernel.Kernels;
import java.util.Arrays;

/**
 * The convolutions behind {@link Seq#causalDepthwiseConv1d} and {@link Seq#conv1d}. Shapes are checked by
 * {@link Seq}; everything here assumes they fit.
 */
final class SeqConv {
  private SeqConv() {}

  // ---------------------------------------------------------------- causal depthwise

  /** y[b,t,c] = bias[c] + Σ_{j<K} w[c,j]·x[b, t−(K−1)+j, c], terms before the sequence start omitted. */
  static Tensor causalDepthwise(Tensor x, Tensor weight, Tensor bias) {
    int batch = x.dim(0);
    int len = x.dim(1);
    int ch = x.dim(2);
    int k = weight.dim(1);
    float[] xs = x.data();
    int xo = x.offset();
    // Tap-major copy of the weight, wt[j][c], so the inner loop runs over contiguous channels.
    float[] wt = tapMajor(weight, ch, k);
    float[] bs = bias == null ? null : bias.data();
    int bo = bias == null ? 0 : bias.offset();
    Tensor out = Tensor.empty(batch, len, ch);
    float[] y = out.data();
    int rows = batch * len;
    Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, ch * k)), (from, to) -> {
      for (int row = from; row < to; row++) {
        int t = row % len;
        int yRow = row * ch;
        for (int c = 0; c < ch; c++) {
          y[yRow + c] = bs == null ? 0f : bs[bo + c];
        }
        // Tap j reads time t − (K−1) + j, i.e. row − (K−1) + j of the same sequence.
        for (int j = Math.max(0, k - 1 - t); j < k; j++) {
          int xRow = xo + (row - (k - 1) + j) * ch;
          int wRow = j * ch;
          for (int c = 0; c < ch; c++) {
            y[yRow + c] += wt[wRow + c] * xs[xRow + c];
          }
        }
      }
    });
    return Tensor.record(out, "causalDepthwiseConv1d", o -> {
      float[] dy = o.grad();
      if (x.requiresGrad()) {
        // dx[b,s,c] += Σ_j w[c,j]·dy[b, s+(K−1)−j, c] for outputs inside the sequence: rows are independent.
        float[] dx = x.grad();
        Parallel.forRange(rows, Math.max(1, 4096 / Math.max(1, ch * k)), (from, to) -> {
          for (int row = from; row < to; row++) {
            int s = row % len;
            int dxRow = xo + row * ch;
            for (int j = 0; j < k; j++) {
              int shift = k - 1 - j;
              if (s + shift >= len) {
                continue;
              }
              int dyRow = (row + shift) * ch;
              int wRow = j * ch;
              for (int c = 0; c < ch; c++) {
                dx[dxRow + c] += wt[wRow + c] * dy[dyRow + c];
              }
            }
          }
        });
      }
      boolean needW = weight.requiresGrad();
      boolean needB = bias != null && bias.requiresGrad();
      if (needW || needB) {
        // One deterministic reduction over (b, t) for both: partial[j][c] for the taps, partial[K][c] for the bias.
        float[] sums = SeqReduce.rowSums(rows, (k + 1) * ch, (from, to, partial) -> {
          for (int row = from; row < to; row++) {
            int t = row % len;
            int dyRow = row * ch;
            for (int j = Math.max(0, k - 1 - t); j < k; j++) {
              int xRow = xo + (row - (k - 1) + j) * ch;
              int pRow = j * ch;
              for (int c = 0; c < ch; c++) {
                partial[pRow + c] += dy[dyRow + c] * xs[xRow + c];
              }
            }
            int pBias = k * ch;
            for (int c = 0; c < ch; c++) {
              partial[pBias + c] += dy[dyRow + c];
            }
          }
        });
        if (needW) {
          float[] dw = weight.grad();
          int wo = weight.offset();
          for (int c = 0; c < ch; c++) {
            for (int j = 0; j < k; j++) {
              dw[wo + c * k + j] += sums[j * ch + c];
            }
          }
        }
        if (needB) {
          float[] db = bias.grad();
          for (int c = 0; c < ch; c++) {
            db[bo + c] += sums[k * ch + c];
          }
        }
      }
    }, x, weight, bias);
  }

  /** One serving step of the causal depthwise convolution; see {@link Seq#causalDepthwiseConv1dStep}. */
  static float[] causalDepthwiseStep(float[] history, float[] input, Tensor weight, Tensor bias) {
    int ch = weight.dim(0);
    int k = weight.dim(1);
    float[] w = weight.data();
    int wo = weight.offset();
    float[] y = new float[ch];
    for (int c = 0; c < ch; c++) {
      // Same summation order as the full op (bias, then taps j = 0..K−1), so the results are bit-identical.
      float acc = bias == null ? 0f : bias.data()[bias.offset() + c];
      for (int j = 0; j < k - 1; j++) {
        acc += w[wo + c * k + j] * history[j * ch + c];
      }
      acc += w[wo + c * k + k - 1] * input[c];
      y[c] = acc;
    }
    return y;
  }

  /** w [C, K] as a new [K, C] array. */
  private static float[] tapMajor(Tensor weight, int ch, int k) {
    float[] w = weight.data();
    int wo = weight.offset();
    float[] wt = new float[k * ch];
    for (int c = 0; c < ch; c++) {
      for (int j = 0; j < k; j++) {
        wt[j * ch + c] = w[wo + c * k + j];
      }
    }
    return wt;
  }

  // ---------------------------------------------------------------- full conv1d

  /**
   * y[b,t,o] = bias[o] + Σ_{c,j} w[o,c,j]·xpad[b, t+j, c], xpad = x with {@code padding} zero rows on both sides.
   *
   * <p>Formulation: all sequences are laid end to end in one zero-padded matrix xpad [B·P, Cin] with
   * P = L + 2·padding. Then the output row for (b, t) is row r = b·P + t of Y = Σ_j xpad[r + j]·W_jᵀ, where
   * W_j [Cout, Cin] is tap j of the weight: K GEMMs of size (B·P − K + 1) × Cout × Cin over shifted views of
   * the same matrix, without an im2col copy. The K − 1 rows per sequence that straddle two sequences are
   * computed and thrown away (about 1% at L = 200).
   */
  static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int padding) {
    int batch = x.dim(0);
    int len = x.dim(1);
    int cin = x.dim(2);
    int cout = weight.dim(0);
    int k = weight.dim(2);
    int padded = len + 2 * padding;
    int outLen = padded - k + 1;
    // Rows of the shifted-view GEMMs (clamped for an empty batch).
    int m = Math.max(0, batch * padded - (k - 1));
    Kernels kern = Kernels.get();
    float[] xs = x.data();
    int xo = x.offset();

    float[] xpad = Arena.take(batch * padded * cin, true);
    for (int b = 0; b < batch; b++) {
      System.arraycopy(xs, xo + b * len * cin, xpad, (b * padded + padding) * cin, len * cin);
    }
    // Tap-major weight: wk[j] is W_j [Cout, Cin] with W_j[o,c] = w[o,c,j].
    float[] w = weight.data();
    int wo = weight.offset();
    float[] wk = new float[k * cout * cin];
    for (int o = 0; o < cout; o++) {
      for (int c = 0; c < cin; c++) {
        for (int j = 0; j < k; j++) {
          wk[(j * cout + o) * cin + c] = w[wo + (o * cin + c) * k + j];
        }
      }
    }
    float[] ypad = Arena.take(m * cout, false);
    for (int j = 0; j < k; j++) {
      kern.gemm(false, true, m, cout, cin, xpad, j * cin, cin, wk, j * cout * cin, cin, j == 0 ? 0f : 1f,
          ypad, 0, cout);
    }
    Tensor out = Tensor.empty(batch, outLen, cout);
    float[] y = out.data();
    float[] bs = bias == null ? null : bias.data();
    int bo = bias == null ? 0 : bias.offset();
    int rows = batch * outLen;
    Parallel.forRange(rows, Math.max(1, 8192 / Math.max(1, cout)), (from, to) -> {
      for (int row = from; row < to; row++) {
        int src = ((row / outLen) * padded + row % outLen) * cout;
        int dst = row * cout;
        for (int o = 0; o < cout; o++) {
          y[dst + o] = ypad[src + o] + (bs == null ? 0f : bs[bo + o]);
        }
      }
    });

    return Tensor.record(out, "conv1d", res -> {
      float[] dy = res.grad();
      boolean needX = x.requiresGrad();
      boolean needW = weight.requiresGrad();
      if (needX || needW) {
        // dY in the padded row layout, in the (now dead) forward buffer of the same size; the straddling
        // rows are zero so they contribute nothing.
        float[] dypad = ypad;
        Arrays.fill(dypad, 0f);
        for (int b = 0; b < batch; b++) {
          System.arraycopy(dy, b * outLen * cout, dypad, b * padded * cout, outLen * cout);
        }
        if (needX) {
          // dxpad[r + j] += dY[r]·W_j, then keep the rows that are real inputs.
          float[] dxpad = Arena.take(batch * padded * cin, true);
          for (int j = 0; j < k; j++) {
            kern.gemm(false, false, m, cin, cout, dypad, 0, cout, wk, j * cout * cin, cin, 1f, dxpad, j * cin, cin);
          }
          float[] dx = x.grad();
          Parallel.forRange(batch * len, Math.max(1, 8192 / Math.max(1, cin)), (from, to) -> {
            for (int row = from; row < to; row++) {
              int src = ((row / len) * padded + padding + row % len) * cin;
              int dst = xo + row * cin;
              for (int c = 0; c < cin; c++) {
                dx[dst + c] += dxpad[src + c];
              }
            }
          });
        }
        if (needW) {
          // dW_j = dYᵀ·xpad[shifted by j]: one GEMM per tap, reduced over all B·P rows inside the GEMM.
          float[] dwj = new float[cout * cin];
          float[] dw = weight.grad();
          for (int j = 0; j < k; j++) {
            kern.gemm(true, false, cout, cin, m, dypad, 0, cout, xpad, j * cin, cin, 0f, dwj, 0, cin);
            for (int o = 0; o < cout; o++) {
              for (int c = 0; c < cin; c++) {
                dw[wo + (o * cin + c) * k + j] += dwj[o * cin + c];
              }
            }
          }
        }
      }
      if (bias != null && bias.requiresGrad()) {
        SeqReduce.addColumnSums(dy, 0, cout, rows, cout, bias.grad(), bo);
      }
    }, x, weight, bias);
  }
}
