package dev.sequent.tensor;

import java.util.Arrays;

/**
 * Sequence ops for the sequential recommenders, all with backward passes: causal depthwise and full 1-D
 * convolutions (RecGRELA, GLINT-RU), a fused GRU (GLINT-RU, GRU4Rec), the diagonal complex linear
 * recurrence (LRURec), a prefix sum (causal linear attention) and rotary position embeddings (RecGRELA).
 *
 * <p>Sequences are batch-first, [B, L, C]: batch, time, channels. Every op is deterministic: reductions
 * over batch and time use fixed chunkings ({@link SeqReduce}) or the GEMM kernel, so the same inputs give
 * the same bits. Shape errors throw {@link ShapeException} naming the op and the shapes involved.
 *
 * <p>Serving (one new item per user) uses the same ops on a length-1 sequence with the carried state
 * passed in: {@link #gru} with {@code h0}, {@link #linearRecurrence} with {@code h0Re}/{@code h0Im},
 * {@link #rope} with {@code positionOffset}, and {@link #causalDepthwiseConv1dStep} for the convolution.
 */
public final class Seq {
  private Seq() {}

  // ---------------------------------------------------------------- convolutions

  /**
   * Causal depthwise 1-D convolution (RecGRELA's local shortcut, kernel 4).
   *
   * <p>Shapes: x [B, L, C], weight [C, K], bias [C] or null → y [B, L, C] with
   * <pre>  y[b,t,c] = bias[c] + Σ_{j=0}^{K−1} weight[c,j] · x[b, t−(K−1)+j, c]</pre>
   * where x at negative times is zero. This is PyTorch {@code Conv1d(C, C, K, groups=C, padding=K−1)} on
   * the channels-first layout, truncated to its first L outputs (weight [C, 1, K] there, squeezed here).
   * Tap K−1 multiplies the current input, tap 0 the oldest.
   *
   * <p>Serving: {@link #causalDepthwiseConv1dStep} gives the output of one new step from the last K−1
   * inputs, bit-identical to this op's output at that position. (Equivalently, run this op on a window of
   * the last K inputs and take its last output.)
   */
  public static Tensor causalDepthwiseConv1d(Tensor x, Tensor weight, Tensor bias) {
    String op = "causalDepthwiseConv1d";
    requireRank(op, x, 3, "x must be [B, L, C]");
    requireRank(op, weight, 2, "weight must be [C, K]");
    int ch = x.dim(2);
    if (weight.dim(0) != ch || weight.dim(1) < 1) {
      throw new ShapeException(op, x.shape(), weight.shape(),
          "weight must be [C, K] with K >= 1 and C = x's last axis");
    }
    if (bias != null && (bias.rank() != 1 || bias.dim(0) != ch)) {
      throw new ShapeException(op, x.shape(), bias.shape(), "bias must be [C]");
    }
    return SeqConv.causalDepthwise(x, weight, bias);
  }

  /**
   * One step of {@link #causalDepthwiseConv1d} for serving, without autodiff.
   *
   * <p>{@code history} holds the previous K−1 inputs of one sequence as (K−1)·C floats, oldest first: row j
   * (0 ≤ j &lt; K−1) is x at time t−(K−1)+j, zeros before the sequence start. {@code input} is x[t] (C
   * floats). Returns y[t] (C floats):
   * <pre>  y[c] = bias[c] + Σ_{j&lt;K−1} weight[c,j]·history[j][c] + weight[c,K−1]·input[c]</pre>
   * Neither array is modified; advance the window with {@link #shiftHistory} afterwards.
   */
  public static float[] causalDepthwiseConv1dStep(float[] history, float[] input, Tensor weight, Tensor bias) {
    String op = "causalDepthwiseConv1dStep";
    requireRank(op, weight, 2, "weight must be [C, K]");
    int ch = weight.dim(0);
    int k = weight.dim(1);
    if (history.length != (k - 1) * ch || input.length != ch) {
      throw new ShapeException(op, weight.shape(), new int[] {history.length, input.length},
          "history must hold (K−1)·C floats and input C floats");
    }
    if (bias != null && (bias.rank() != 1 || bias.dim(0) != ch)) {
      throw new ShapeException(op, weight.shape(), bias.shape(), "bias must be [C]");
    }
    return SeqConv.causalDepthwiseStep(history, input, weight, bias);
  }

  /**
   * Advances a convolution history in place: drops its oldest row and appends {@code input}, so that after
   * serving step t it holds x[t−K+2 .. t] for step t+1. {@code history} has (K−1)·C floats, input C.
   */
  public static void shiftHistory(float[] history, float[] input) {
    int ch = input.length;
    if (ch == 0 || history.length % ch != 0) {
      throw new ShapeException("shiftHistory", new int[] {history.length}, new int[] {ch},
          "history length must be a multiple of the channel count");
    }
    if (history.length == 0) {
      return;
    }
    System.arraycopy(history, ch, history, 0, history.length - ch);
    System.arraycopy(input, 0, history, history.length - ch, ch);
  }

  /**
   * Full (all-channels) 1-D convolution with PyTorch cross-correlation semantics (GLINT-RU: K = 3,
   * padding 1, a centred, non-causal kernel).
   *
   * <p>Shapes: x [B, L, Cin], weight [Cout, Cin, K] (PyTorch layout), bias [Cout] or null, padding ≥ 0 →
   * y [B, L + 2·padding − K + 1, Cout] with
   * <pre>  y[b,t,o] = bias[o] + Σ_{c&lt;Cin} Σ_{j&lt;K} weight[o,c,j] · x[b, t − padding + j, c]</pre>
   * where x outside [0, L) is zero. Computed as K GEMMs over shifted views of one zero-padded copy of x.
   */
  public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int padding) {
    String op = "conv1d";
    requireRank(op, x, 3, "x must be [B, L, Cin]");
    requireRank(op, weight, 3, "weight must be [Cout, Cin, K]");
    if (weight.dim(1) != x.dim(2) || weight.dim(2) < 1) {
      throw new ShapeException(op, x.shape(), weight.shape(), "weight must be [Cout, Cin, K] with Cin = x's last axis");
    }
    if (padding < 0) {
      throw new ShapeException(op, x.shape(), weight.shape(), "padding must be >= 0, got " + padding);
    }
    if (x.dim(1) + 2 * padding - weight.dim(2) + 1 < 1) {
      throw new ShapeException(op, x.shape(), weight.shape(),
          "sequence too short for the kernel (padding " + padding + ")");
    }
    if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0))) {
      throw new ShapeException(op, weight.shape(), bias.shape(), "bias must be [Cout]");
    }
    return SeqConv.conv1d(x, weight, bias, padding);
  }

  // ---------------------------------------------------------------- recurrences

  /**
   * Single-layer GRU, batch-first, returning the hidden state after every step, with PyTorch's gate order
   * (r, z, n) and convention:
   * <pre>
   *   r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)
   *   z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
   *   n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))
   *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
   * </pre>
   * Shapes: x [B, L, In], wIh [3H, In] (rows W_ir; W_iz; W_in), wHh [3H, H], bIh and bHh [3H] or null
   * (GLINT-RU's bias-free GRU), h0 [B, H] or null (zeros) → [B, L, H], row t being h_t.
   *
   * <p>Fused: the input projections of all steps are one GEMM, each step one [B, H]×[H, 3H] GEMM; the gates
   * are saved and the backward pass runs BPTT with one GEMM per step, then the weight gradients as single
   * GEMMs over all B·L rows. Gradients reach x, the weights, the biases and h0.
   *
   * <p>Serving: call with L = 1 and h0 = the user's previous state (the last row of the previous output);
   * the result is the new state, equal to the full-sequence op at that position.
   */
  public static Tensor gru(Tensor x, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0) {
    String op = "gru";
    requireRank(op, x, 3, "x must be [B, L, In]");
    requireRank(op, wIh, 2, "wIh must be [3H, In]");
    requireRank(op, wHh, 2, "wHh must be [3H, H]");
    int h3 = wHh.dim(0);
    int hid = h3 / 3;
    if (h3 % 3 != 0 || hid < 1 || wHh.dim(1) != hid) {
      throw new ShapeException(op, wIh.shape(), wHh.shape(), "wHh must be [3H, H]");
    }
    if (wIh.dim(0) != h3 || wIh.dim(1) != x.dim(2)) {
      throw new ShapeException(op, x.shape(), wIh.shape(),
          "wIh must be [3H, In] with In = x's last axis and H from wHh");
    }
    if (x.dim(1) < 1) {
      throw new ShapeException(op, x.shape(), "needs at least one step");
    }
    for (Tensor b : new Tensor[] {bIh, bHh}) {
      if (b != null && (b.rank() != 1 || b.dim(0) != h3)) {
        throw new ShapeException(op, wHh.shape(), b.shape(), "biases must be [3H]");
      }
    }
    if (h0 != null && (h0.rank() != 2 || h0.dim(0) != x.dim(0) || h0.dim(1) != hid)) {
      throw new ShapeException(op, x.shape(), h0.shape(), "h0 must be [B, H] with H = " + hid);
    }
    return SeqGru.gru(x, wIh, wHh, bIh, bHh, h0);
  }

  /**
   * Diagonal complex linear recurrence (LRURec's LRU layer), computed exactly by a sequential scan:
   * <pre>
   *   h_t = λ ⊙ h_{t−1} + u_t      (complex, element-wise over the H channels)
   *   h_t = u_t                    where reset[b,t] ≠ 0
   *   h_{−1} = h0 (zeros if null)
   * </pre>
   * with (a + ib)(c + id) = (ac − bd) + i(ad + bc). Shapes: uRe, uIm [B, L, H]; lamRe, lamIm [H];
   * reset [B, L] or null (no resets); h0Re, h0Im [B, H], both or neither. Returns {hRe, hIm}, each
   * [B, L, H]; both carry the graph (they are views of one [2, B, L, H] op output, so using either or
   * both gives correct gradients). Gradients reach u (both parts), λ (both parts, summed over the batch
   * in a fixed order) and h0.
   *
   * <p>LRURec (left-padded inputs, research/models.md §2.3): pass reset[b,t] = 1 when position t−1 is
   * padding (and t &gt; 0), as built by {@link #resetAfterPadding}. Then pads never carry state into real items
   * and the first real item's state is its u, exactly as in the official doubling scan, which masks the carry
   * at every pad.
   *
   * <p>Serving (§2.4): call with L = 1, h0 = the user's previous state and no reset; the result equals
   * the full-sequence op at that position. Work is O(L) per (b, channel), parallel over b × channel blocks.
   */
  public static Tensor[] linearRecurrence(Tensor uRe, Tensor uIm, Tensor lamRe, Tensor lamIm, IntTensor reset,
                                          Tensor h0Re, Tensor h0Im) {
    String op = "linearRecurrence";
    requireRank(op, uRe, 3, "u must be [B, L, H]");
    if (!Arrays.equals(uRe.shape(), uIm.shape())) {
      throw new ShapeException(op, uRe.shape(), uIm.shape(), "uRe and uIm must have the same shape");
    }
    int batch = uRe.dim(0);
    int len = uRe.dim(1);
    int hid = uRe.dim(2);
    for (Tensor lam : new Tensor[] {lamRe, lamIm}) {
      if (lam.rank() != 1 || lam.dim(0) != hid) {
        throw new ShapeException(op, uRe.shape(), lam.shape(), "lambda must be [H]");
      }
    }
    if (reset != null && (reset.rank() != 2 || reset.dim(0) != batch || reset.dim(1) != len)) {
      throw new ShapeException(op, uRe.shape(), reset.shape(), "reset must be [B, L]");
    }
    if ((h0Re == null) != (h0Im == null)) {
      throw new ShapeException(op, uRe.shape(), (h0Re == null ? h0Im : h0Re).shape(),
          "h0Re and h0Im must be given together");
    }
    if (h0Re != null) {
      for (Tensor h : new Tensor[] {h0Re, h0Im}) {
        if (h.rank() != 2 || h.dim(0) != batch || h.dim(1) != hid) {
          throw new ShapeException(op, uRe.shape(), h.shape(), "h0 must be [B, H]");
        }
      }
    }
    return SeqRecurrence.run(uRe, uIm, lamRe, lamIm, reset, h0Re, h0Im);
  }

  /**
   * LRURec's reset mask for {@link #linearRecurrence} from left-padded item ids [B, L] (id 0 = padding):
   * reset[b,t] = 1 when t &gt; 0 and ids[b, t−1] = 0, else 0.
   */
  public static IntTensor resetAfterPadding(IntTensor itemIds) {
    if (itemIds.rank() != 2) {
      throw new ShapeException("resetAfterPadding", itemIds.shape(), "item ids must be [B, L]");
    }
    int batch = itemIds.dim(0);
    int len = itemIds.dim(1);
    int[] ids = itemIds.data();
    int[] reset = new int[batch * len];
    for (int b = 0; b < batch; b++) {
      for (int t = 1; t < len; t++) {
        reset[b * len + t] = ids[b * len + t - 1] == 0 ? 1 : 0;
      }
    }
    return new IntTensor(reset, batch, len);
  }

  // ---------------------------------------------------------------- prefix sum

  /**
   * Inclusive prefix sum along {@code axis} (negative counts from the end): y[..., i, ...] = Σ_{s≤i}
   * x[..., s, ...], same shape as x, accumulated in float in index order. Backward is the reverse
   * cumulative sum: dx[..., i, ...] += Σ_{s≥i} dy[..., s, ...]. For causal linear attention.
   */
  public static Tensor cumsum(Tensor x, int axis) {
    if (axis < -x.rank() || axis >= x.rank()) {
      throw new ShapeException("cumsum", x.shape(), "axis " + axis + " out of range");
    }
    int ax = x.axis(axis);
    int[] shape = x.shape();
    int n = shape[ax];
    int outer = x.leadingSize(ax);
    int inner = outer == 0 || n == 0 ? 0 : x.size() / (outer * n);
    Tensor out = Tensor.empty(shape);
    scan(x.data(), x.offset(), out.data(), 0, outer, n, inner, false);
    return Tensor.record(out, "cumsum", o -> scan(o.grad(), 0, x.grad(), x.offset(), outer, n, inner, true), x);
  }

  /**
   * Prefix sums along the middle axis of [outer, n, inner]. Forward writes dst = Σ_{s≤i} src; reverse adds
   * Σ_{s≥i} src into dst. Tasks are (outer index, block of inner columns), independent of each other.
   */
  private static void scan(float[] src, int srcOff, float[] dst, int dstOff, int outer, int n, int inner,
                           boolean reverse) {
    int block = 64;
    int blocks = (inner + block - 1) / block;
    int tasks = outer * blocks;
    Parallel.forRange(tasks, Math.max(1, 16384 / Math.max(1, n * block)), (from, to) -> {
      float[] acc = new float[block];
      for (int task = from; task < to; task++) {
        int o = task / blocks;
        int i0 = (task % blocks) * block;
        int w = Math.min(block, inner - i0);
        Arrays.fill(acc, 0f);
        for (int s = 0; s < n; s++) {
          int step = reverse ? n - 1 - s : s;
          int base = (o * n + step) * inner + i0;
          if (reverse) {
            for (int k = 0; k < w; k++) {
              acc[k] += src[srcOff + base + k];
              dst[dstOff + base + k] += acc[k];
            }
          } else {
            for (int k = 0; k < w; k++) {
              acc[k] += src[srcOff + base + k];
              dst[dstOff + base + k] = acc[k];
            }
          }
        }
      }
    });
  }

  // ---------------------------------------------------------------- rotary position embedding

  /**
   * Rotary position embedding over the last axis. Shapes: x [..., L, D] with D even → same shape.
   *
   * <p>Row t of the second-to-last axis is at position p = positionOffset + t; pair i (0 ≤ i &lt; D/2),
   * made of coordinates (a, b), is rotated by the angle θ = p · base^(−2i/D):
   * <pre>  y_a = x_a·cos θ − x_b·sin θ,   y_b = x_a·sin θ + x_b·cos θ</pre>
   * {@link RopeStyle#INTERLEAVED}: (a, b) = (2i, 2i+1); {@link RopeStyle#HALF}: (a, b) = (i, i + D/2).
   *
   * <p>RecGRELA's official code (research/models.md §5.1) treats dims (2i, 2i+1) as one complex number and
   * multiplies by e^{i·p·θ_i} with θ_i = 10000^(−i/(D/2)), over the full width before splitting heads: that
   * is {@code rope(x, 0, 10000f, RopeStyle.INTERLEAVED)}, the recommended default. Serving rotates one new
   * item (L = 1) with positionOffset = its absolute position. Angles are computed in double.
   */
  public static Tensor rope(Tensor x, int positionOffset, float base, RopeStyle style) {
    String op = "rope";
    if (x.rank() < 2 || x.dim(-1) % 2 != 0) {
      throw new ShapeException(op, x.shape(), "needs [..., L, D] with D even");
    }
    if (!(base > 0f)) {
      throw new IllegalArgumentException("rope: base must be positive, got " + base);
    }
    int len = x.dim(-2);
    int d = x.dim(-1);
    int half = d / 2;
    int rows = d == 0 ? 0 : x.size() / d;
    double[] frequency = new double[half];
    for (int i = 0; i < half; i++) {
      frequency[i] = Math.pow(base, -2.0 * i / d);
    }
    float[] cos = new float[len * half];
    float[] sin = new float[len * half];
    for (int t = 0; t < len; t++) {
      double p = (double) positionOffset + t;
      for (int i = 0; i < half; i++) {
        double angle = p * frequency[i];
        cos[t * half + i] = (float) Math.cos(angle);
        sin[t * half + i] = (float) Math.sin(angle);
      }
    }
    // Coordinate of the first / second member of pair i within a row.
    boolean interleaved = style == RopeStyle.INTERLEAVED;
    int stepA = interleaved ? 2 : 1;
    int offB = interleaved ? 1 : half;
    float[] xs = x.data();
    int xo = x.offset();
    Tensor out = Tensor.empty(x.shape());
    float[] y = out.data();
    Parallel.forRange(rows, Math.max(1, 8192 / Math.max(1, d)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int row = r * d;
        int tab = (r % len) * half;
        for (int i = 0; i < half; i++) {
          int a = row + i * stepA;
          int b = a + offB;
          float xa = xs[xo + a];
          float xb = xs[xo + b];
          float c = cos[tab + i];
          float s = sin[tab + i];
          y[a] = xa * c - xb * s;
          y[b] = xa * s + xb * c;
        }
      }
    });
    return Tensor.record(out, "rope", o -> {
      // The rotation is orthogonal: its backward rotates the gradient by −θ.
      float[] g = o.grad();
      float[] gx = x.grad();
      Parallel.forRange(rows, Math.max(1, 8192 / Math.max(1, d)), (from, to) -> {
        for (int r = from; r < to; r++) {
          int row = r * d;
          int tab = (r % len) * half;
          for (int i = 0; i < half; i++) {
            int a = row + i * stepA;
            int b = a + offB;
            float ga = g[a];
            float gb = g[b];
            float c = cos[tab + i];
            float s = sin[tab + i];
            gx[xo + a] += ga * c + gb * s;
            gx[xo + b] += gb * c - ga * s;
          }
        }
      });
    }, x);
  }

  // ---------------------------------------------------------------- helpers

  private static void requireRank(String op, Tensor t, int rank, String why) {
    if (t.rank() != rank) {
      throw new ShapeException(op, t.shape(), why);
    }
  }
}
