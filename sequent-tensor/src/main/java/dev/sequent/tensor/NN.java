package dev.sequent.tensor;

import dev.sequent.tensor.kernel.Kernels;
import java.util.Arrays;

/** Neural-network ops: normalisation, dropout, embeddings, softmax, attention and tensor plumbing. */
public final class NN {

  /** Additive score for masked attention positions: large enough to vanish in the softmax, finite. */
  public static final float MASKED = -1e9f;

  /** Elements per independently seeded block of a dropout mask. */
  private static final int DROPOUT_BLOCK = 1 << 16;

  private NN() {}

  // ---------------------------------------------------------------- normalisation

  /** LayerNorm over the last axis: (x − mean) / sqrt(var + eps) · gamma + beta (biased variance). */
  public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
    int d = x.dim(-1);
    if (gamma.size() != d || beta.size() != d) {
      throw new ShapeException("layerNorm", x.shape(), gamma.shape(), "gamma/beta must have the last axis size");
    }
    int rows = x.size() / d;
    Tensor out = Tensor.empty(x.shape());
    float[] xhat = Arena.take(rows * d, false);
    float[] rstd = new float[rows];
    float[] xs = x.data();
    int xo = x.offset();
    float[] g = gamma.data();
    int go = gamma.offset();
    float[] b = beta.data();
    int bo = beta.offset();
    float[] y = out.data();
    Kernels kern = Kernels.get();
    Parallel.forRange(rows, 64, (from, to) -> {
      for (int r = from; r < to; r++) {
        int base = xo + r * d;
        float mean = kern.sum(xs, base, d) / d;
        float var = kern.sumSquaredDeviations(xs, base, d, mean) / d;
        float rs = (float) (1.0 / Math.sqrt((double) var + eps));
        rstd[r] = rs;
        kern.layerNormRow(xs, base, mean, rs, g, go, b, bo, xhat, r * d, y, r * d, d);
      }
    });
    return Tensor.record(out, "layerNorm", o -> {
      float[] dy = o.grad();
      boolean fresh = x.requiresGrad() && x.initGradForOverwrite();
      float[] dx = x.requiresGrad() ? x.grad() : null;
      int parts = Math.max(1, Math.min(Parallel.threads(), rows / 64));
      float[][] dGamma = new float[parts][d];
      float[][] dBeta = new float[parts][d];
      Parallel.forRange(parts, 1, (pFrom, pTo) -> {
        float[] sums = new float[2];
        for (int p = pFrom; p < pTo; p++) {
          int rFrom = (int) ((long) rows * p / parts);
          int rTo = (int) ((long) rows * (p + 1) / parts);
          for (int r = rFrom; r < rTo; r++) {
            int ob = r * d;
            kern.layerNormBackwardRow(dy, ob, xhat, ob, g, go, dGamma[p], dBeta[p], d, sums);
            if (dx != null) {
              kern.layerNormInputGrad(dy, ob, xhat, ob, g, go, rstd[r], sums[0] / d, sums[1] / d, dx, xo + ob, d,
                  fresh);
            }
          }
        }
      });
      addPartials(gamma, dGamma);
      addPartials(beta, dBeta);
    }, x, gamma, beta);
  }

  /** Adds per-split partial gradients into a parameter's gradient in a fixed order (deterministic). */
  static void addPartials(Tensor t, float[][] partials) {
    if (!t.requiresGrad()) {
      return;
    }
    float[] gt = t.grad();
    int off = t.offset();
    for (float[] p : partials) {
      for (int j = 0; j < p.length; j++) {
        gt[off + j] += p[j];
      }
    }
  }

  // ---------------------------------------------------------------- dropout

  /**
   * Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1 − p). Identity when
   * not training or p = 0. The mask comes from {@code rng}, drawn serially so runs are reproducible.
   */
  public static Tensor dropout(Tensor x, float p, Rng rng, boolean training) {
    if (!training || p == 0f) {
      return x;
    }
    if (p < 0f || p >= 1f) {
      throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    }
    int n = x.size();
    float scale = 1f / (1f - p);
    float[] mask = Arena.take(n, false);
    // One draw from the caller's generator seeds fixed-size blocks, each with its own stream, so the
    // mask is the same whatever the thread count; each 64-bit draw decides two elements.
    long seed = rng.nextLong();
    long threshold = (long) (p * 4294967296.0);
    int blocks = (n + DROPOUT_BLOCK - 1) / DROPOUT_BLOCK;
    Kernels kern = Kernels.get();
    Tensor out = Tensor.empty(x.shape());
    float[] xs = x.data();
    int xo = x.offset();
    float[] y = out.data();
    Parallel.forRange(blocks, 1, (bFrom, bTo) -> {
      for (int blk = bFrom; blk < bTo; blk++) {
        int from = blk * DROPOUT_BLOCK;
        int len = Math.min(n, from + DROPOUT_BLOCK) - from;
        kern.dropoutMask(seed + 0x9E3779B97F4A7C15L * (blk + 1), threshold, scale, mask, from, len);
        kern.mul(xs, xo + from, mask, from, y, from, len);
      }
    });
    return Tensor.record(out, "dropout", o -> {
      float[] dy = o.grad();
      boolean fresh = x.initGradForOverwrite();
      float[] dx = x.grad();
      Parallel.forRange(blocks, 1, (bFrom, bTo) -> {
        int from = bFrom * DROPOUT_BLOCK;
        int len = Math.min(n, bTo * DROPOUT_BLOCK) - from;
        if (fresh) {
          kern.mul(dy, from, mask, from, dx, xo + from, len);
        } else {
          kern.addProduct(dy, from, mask, from, dx, xo + from, len);
        }
      });
    }, x);
  }

  // ---------------------------------------------------------------- embeddings and indexing

  /** Rows of {@code weight} [V, d] for each id: ids [...] → [..., d]. Backward adds into the used rows only. */
  public static Tensor embedding(Tensor weight, IntTensor ids) {
    return embedding(weight, ids, -1);
  }

  /**
   * The same lookup with PyTorch's {@code padding_idx} semantics, which the RecBole models (LinRec,
   * RecGRELA, GLINT-RU) rely on: positions holding {@code paddingIdx} return that row like any other but
   * send no gradient into it. The row can still learn through other uses of the table (a tied output
   * layer scores the padding id like an item), exactly as in PyTorch. A negative index disables it.
   */
  public static Tensor embedding(Tensor weight, IntTensor ids, int paddingIdx) {
    if (weight.rank() != 2) {
      throw new ShapeException("embedding", weight.shape(), "weight must be [V, d]");
    }
    int vocab = weight.dim(0);
    int d = weight.dim(1);
    int[] idx = ids.data();
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= vocab) {
        throw new IndexOutOfBoundsException("embedding: id " + idx[i] + " at position " + i
            + " is outside [0, " + vocab + ")");
      }
    }
    int[] outShape = Arrays.copyOf(ids.shape(), ids.rank() + 1);
    outShape[ids.rank()] = d;
    Tensor out = Tensor.empty(outShape);
    float[] w = weight.data();
    int wo = weight.offset();
    float[] y = out.data();
    Parallel.forRange(idx.length, 256, (from, to) -> {
      for (int i = from; i < to; i++) {
        System.arraycopy(w, wo + idx[i] * d, y, i * d, d);
      }
    });
    return Tensor.record(out, "embedding", o -> {
      float[] dy = o.grad();
      float[] dw = weight.grad();
      for (int i = 0; i < idx.length; i++) {
        if (idx[i] == paddingIdx) {
          continue;
        }
        int row = wo + idx[i] * d;
        int src = i * d;
        for (int j = 0; j < d; j++) {
          dw[row + j] += dy[src + j];
        }
      }
    }, weight);
  }

  /** Picks along the last axis: x [..., n], index [..., k] → [..., k] with out[..., j] = x[..., index[..., j]]. */
  public static Tensor gather(Tensor x, IntTensor index) {
    int n = x.dim(-1);
    int k = index.dim(-1);
    int rows = x.size() / n;
    if (index.size() / k != rows || index.rank() != x.rank()) {
      throw new ShapeException("gather", x.shape(), index.shape(), "leading axes must match");
    }
    int[] outShape = x.shape();
    outShape[outShape.length - 1] = k;
    Tensor out = Tensor.empty(outShape);
    int[] idx = index.data();
    float[] xs = x.data();
    int xo = x.offset();
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < k; j++) {
        int c = idx[r * k + j];
        if (c < 0 || c >= n) {
          throw new IndexOutOfBoundsException("gather: index " + c + " outside [0, " + n + ")");
        }
        out.data()[r * k + j] = xs[xo + r * n + c];
      }
    }
    return Tensor.record(out, "gather", o -> {
      float[] dy = o.grad();
      float[] dx = x.grad();
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < k; j++) {
          dx[xo + r * n + idx[r * k + j]] += dy[r * k + j];
        }
      }
    }, x);
  }

  /** Copy of positions [from, to) along an axis. */
  public static Tensor slice(Tensor x, int axis, int from, int to) {
    int ax = x.axis(axis);
    int[] shape = x.shape();
    if (from < 0 || to > shape[ax] || from > to) {
      throw new ShapeException("slice", shape, "range [" + from + ", " + to + ") out of bounds on axis " + axis);
    }
    int outer = x.leadingSize(ax);
    int inner = x.size() / Math.max(1, outer * shape[ax]);
    int len = to - from;
    int[] outShape = shape.clone();
    outShape[ax] = len;
    Tensor out = Tensor.empty(outShape);
    float[] xs = x.data();
    int xo = x.offset();
    int block = len * inner;
    for (int o = 0; o < outer; o++) {
      System.arraycopy(xs, xo + (o * shape[ax] + from) * inner, out.data(), o * block, block);
    }
    return Tensor.record(out, "slice", res -> {
      float[] dy = res.grad();
      float[] dx = x.grad();
      for (int o = 0; o < outer; o++) {
        int dst = xo + (o * shape[ax] + from) * inner;
        int src = o * block;
        for (int i = 0; i < block; i++) {
          dx[dst + i] += dy[src + i];
        }
      }
    }, x);
  }

  /** Joins tensors along an axis; all other axes must match. */
  public static Tensor concat(int axis, Tensor... parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("concat needs at least one tensor");
    }
    Tensor first = parts[0];
    int ax = first.axis(axis);
    int[] outShape = first.shape();
    int total = 0;
    for (Tensor p : parts) {
      int[] s = p.shape();
      if (s.length != outShape.length) {
        throw new ShapeException("concat", first.shape(), s, "ranks differ");
      }
      for (int i = 0; i < s.length; i++) {
        if (i != ax && s[i] != outShape[i]) {
          throw new ShapeException("concat", first.shape(), s, "axes other than " + axis + " differ");
        }
      }
      total += s[ax];
    }
    outShape[ax] = total;
    int totalLength = total;
    int outer = first.leadingSize(ax);
    int inner = first.size() / Math.max(1, outer * first.dim(ax));
    Tensor out = Tensor.empty(outShape);
    int[] starts = new int[parts.length];
    int start = 0;
    for (int pi = 0; pi < parts.length; pi++) {
      starts[pi] = start;
      Tensor p = parts[pi];
      int block = p.dim(ax) * inner;
      for (int o = 0; o < outer; o++) {
        System.arraycopy(p.data(), p.offset() + o * block, out.data(), (o * total + start) * inner, block);
      }
      start += p.dim(ax);
    }
    return Tensor.record(out, "concat", res -> {
      float[] dy = res.grad();
      for (int pi = 0; pi < parts.length; pi++) {
        Tensor p = parts[pi];
        if (!p.requiresGrad()) {
          continue;
        }
        float[] dp = p.grad();
        int block = p.dim(ax) * inner;
        for (int o = 0; o < outer; o++) {
          int src = (o * totalLength + starts[pi]) * inner;
          int dst = p.offset() + o * block;
          for (int i = 0; i < block; i++) {
            dp[dst + i] += dy[src + i];
          }
        }
      }
    }, parts);
  }

  /** Splits along an axis into consecutive pieces of the given sizes (copies). */
  public static Tensor[] split(Tensor x, int axis, int... sizes) {
    Tensor[] out = new Tensor[sizes.length];
    int from = 0;
    for (int i = 0; i < sizes.length; i++) {
      out[i] = slice(x, axis, from, from + sizes[i]);
      from += sizes[i];
    }
    if (from != x.dim(axis)) {
      throw new ShapeException("split", x.shape(), "sizes " + Arrays.toString(sizes) + " do not add up to the axis");
    }
    return out;
  }

  /**
   * Replaces elements where {@code mask} is non-zero by {@code value}; mask is broadcast against x. No
   * gradient flows to replaced elements.
   */
  public static Tensor maskedFill(Tensor x, IntTensor mask, float value) {
    int[] xs = x.shape();
    int[] outShape = Tensor.broadcastShape("maskedFill", xs, mask.shape());
    if (!Arrays.equals(outShape, xs)) {
      throw new ShapeException("maskedFill", xs, mask.shape(), "mask must broadcast to the tensor's shape");
    }
    int[] ms = Tensor.broadcastStrides(mask.shape(), xs);
    int[] own = Tensor.strides(xs);
    int n = x.size();
    boolean[] fill = new boolean[n];
    int[] m = mask.data();
    Tensor.forEachBroadcastSerial(xs, own, ms, (o, ia, ib, len, stepA, stepB) -> {
      for (int j = 0; j < len; j++) {
        fill[o + j] = m[ib + j * stepB] != 0;
      }
    });
    Tensor out = Tensor.empty(xs);
    float[] src = x.data();
    int xo = x.offset();
    for (int i = 0; i < n; i++) {
      out.data()[i] = fill[i] ? value : src[xo + i];
    }
    return Tensor.record(out, "maskedFill", o -> {
      float[] dy = o.grad();
      float[] dx = x.grad();
      for (int i = 0; i < n; i++) {
        if (!fill[i]) {
          dx[xo + i] += dy[i];
        }
      }
    }, x);
  }

  // ---------------------------------------------------------------- softmax and attention

  /** Softmax over the last axis. */
  public static Tensor softmax(Tensor x) {
    return maskedSoftmax(x, 1f, false, null, "softmax");
  }

  /** Log-softmax over the last axis. */
  public static Tensor logSoftmax(Tensor x) {
    int n = x.dim(-1);
    int rows = x.size() / n;
    Tensor out = Tensor.empty(x.shape());
    float[] xs = x.data();
    int xo = x.offset();
    float[] y = out.data();
    Parallel.forRange(rows, 16, (from, to) -> {
      for (int r = from; r < to; r++) {
        int b = xo + r * n;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
          max = Math.max(max, xs[b + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
          sum += Math.exp(xs[b + j] - max);
        }
        float logSum = (float) Math.log(sum);
        for (int j = 0; j < n; j++) {
          y[r * n + j] = (xs[b + j] - max) - logSum;
        }
      }
    });
    return Tensor.record(out, "logSoftmax", o -> {
      float[] dy = o.grad();
      float[] dx = x.grad();
      Parallel.forRange(rows, 16, (from, to) -> {
        for (int r = from; r < to; r++) {
          double sum = 0;
          for (int j = 0; j < n; j++) {
            sum += dy[r * n + j];
          }
          float s = (float) sum;
          for (int j = 0; j < n; j++) {
            dx[xo + r * n + j] += dy[r * n + j] - (float) Math.exp(y[r * n + j]) * s;
          }
        }
      });
    }, x);
  }

  /**
   * softmax(scale · scores + mask) over the last axis of scores [B, H, Lq, Lk]. The mask hides key j from
   * query i when {@code causal} and j > i + (Lk − Lq), or when keyPadding[b, j] ≠ 0. A query that sees no
   * key gets uniform weights instead of NaN (its output is meaningless and should be masked downstream).
   */
  public static Tensor maskedSoftmax(Tensor scores, float scale, boolean causal, IntTensor keyPadding) {
    return maskedSoftmax(scores, scale, causal, keyPadding, "maskedSoftmax");
  }

  private static Tensor maskedSoftmax(Tensor scores, float scale, boolean causal, IntTensor keyPadding,
                                      String name) {
    int n = scores.dim(-1);
    int rows = scores.size() / n;
    int lq = scores.rank() >= 2 ? scores.dim(-2) : 1;
    int heads = scores.rank() >= 3 ? scores.dim(-3) : 1;
    if (keyPadding != null && (keyPadding.dim(-1) != n || keyPadding.size() * heads * lq != scores.size())) {
      throw new ShapeException(name, scores.shape(), keyPadding.shape(), "key padding must be [B, Lk]");
    }
    int shift = n - lq;
    int batches = rows / (lq * heads);
    int[] pad = keyPadding == null ? null : keyPadding.data();
    // Per batch: the additive key mask (MASKED at padded keys) and how many keys before j are not padded.
    float[] keyAdd = new float[pad == null ? n : batches * n];
    int[] visibleBefore = new int[batches * (n + 1)];
    for (int bt = 0; bt < batches; bt++) {
      for (int j = 0; j < n; j++) {
        boolean padded = pad != null && pad[bt * n + j] != 0;
        if (pad != null) {
          keyAdd[bt * n + j] = padded ? MASKED : 0f;
        }
        visibleBefore[bt * (n + 1) + j + 1] = visibleBefore[bt * (n + 1) + j] + (padded ? 0 : 1);
      }
    }
    Tensor out = Tensor.empty(scores.shape());
    float[] xs = scores.data();
    int xo = scores.offset();
    float[] y = out.data();
    Kernels kern = Kernels.get();
    Parallel.forRange(rows, 16, (from, to) -> {
      for (int r = from; r < to; r++) {
        int i = r % lq;
        int batch = r / (lq * heads);
        int b = xo + r * n;
        int ob = r * n;
        int kb = pad == null ? 0 : batch * n;
        int end = causalEnd(causal, i + shift, n);
        if (visibleBefore[batch * (n + 1) + end] > 0) {
          // Keys from end on are hidden by the causal mask: their weight, exp(MASKED − max), is exactly 0.
          System.arraycopy(keyAdd, kb, y, ob, end);
          kern.axpy(scale, xs, b, y, ob, end);
          float max = kern.max(y, ob, end);
          float sum = kern.expShiftSum(y, ob, y, ob, end, max);
          kern.scale(1f / sum, y, ob, end);
          Arrays.fill(y, ob + end, ob + n, 0f);
        } else {
          // No visible key: every score is masked, which gives (nearly) uniform weights over all keys.
          for (int j = 0; j < n; j++) {
            y[ob + j] = scale * xs[b + j] + MASKED;
          }
          float max = kern.max(y, ob, n);
          float sum = kern.expShiftSum(y, ob, y, ob, n, max);
          kern.scale(1f / sum, y, ob, n);
        }
      }
    });
    return Tensor.record(out, name, o -> {
      float[] dy = o.grad();
      boolean fresh = scores.initGradForOverwrite();
      float[] dx = scores.grad();
      Parallel.forRange(rows, 16, (from, to) -> {
        for (int r = from; r < to; r++) {
          int ob = r * n;
          int i = r % lq;
          int batch = r / (lq * heads);
          int end = causalEnd(causal, i + shift, n);
          // Masked scores are replaced by a constant: no gradient (also for rows that see no key). Below
          // end, padded keys have weight exactly 0, so the update adds nothing there.
          if (visibleBefore[batch * (n + 1) + end] == 0) {
            end = 0;
          }
          float dot = kern.dot(dy, ob, y, ob, end);
          kern.softmaxBackward(y, ob, dy, ob, dot, scale, dx, xo + ob, end, fresh);
          if (fresh) {
            Arrays.fill(dx, xo + ob + end, xo + ob + n, 0f);
          }
        }
      });
    }, scores);
  }

  /** Keys [0, end) are not hidden by the causal mask from a query that may see keys up to {@code last}. */
  private static int causalEnd(boolean causal, int last, int n) {
    return causal ? Math.max(0, Math.min(n, last + 1)) : n;
  }

  /**
   * Scaled dot-product attention: softmax(q·kᵀ/√dh + mask)·v with q [B, H, Lq, dh], k and v [B, H, Lk, dh]
   * (masks as in {@link #maskedSoftmax}); dropout on the attention weights when training.
   */
  public static Tensor attention(Tensor q, Tensor k, Tensor v, boolean causal, IntTensor keyPadding,
                                 float dropout, Rng rng, boolean training) {
    if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4 || q.dim(-1) != k.dim(-1) || k.dim(2) != v.dim(2)) {
      throw new ShapeException("attention", q.shape(), k.shape(), "needs q [B,H,Lq,dh], k and v [B,H,Lk,dh]");
    }
    float scale = (float) (1.0 / Math.sqrt(q.dim(-1)));
    Tensor scores = q.bmm(k, false, true);
    Tensor weights = maskedSoftmax(scores, scale, causal, keyPadding);
    weights = dropout(weights, dropout, rng, training);
    return weights.bmm(v, false, false);
  }
}
