package dev.sequent.tensor;

import dev.sequent.tensor.kernel.Kernels;
import java.util.Arrays;

/**
 * Training losses for next-item prediction. Every loss returns a scalar: the mean over the rows whose
 * target is not {@code ignoreIndex} (padding positions), so padding neither counts in the mean nor costs
 * compute. If every target is ignored the loss is 0 and the backward adds nothing, so all gradients stay
 * zero (a batch of pure padding is a no-op rather than a 0/0 NaN).
 *
 * <p>Conventions: {@code hidden} is [..., d] (any leading axes, flattened to N rows); {@code items} is the
 * output embedding [V, d], used transposed (logit of item i = h·items[i] + bias[i]); {@code targets} holds
 * one id per hidden row. The item softmax runs over all V ids including the padding id 0, as RecBole's
 * and LRURec's {@code CrossEntropyLoss(ignore_index=0)} do; only the targets are ignored.
 *
 * <p>{@link #crossEntropy} is the fused full-softmax loss: it never materialises the [N, V] logits (at
 * V = 1M and N = 12,800 they would be 51 GB; see research/engine.md), which is also faster than the
 * unfused form at small V because the logits tile stays in cache.
 */
public final class Losses {
  /** Default number of item columns per logits tile in {@link #crossEntropy}. */
  public static final int DEFAULT_CHUNK = 4096;

  /** Floats in one thread's logits tile (1 MB, about one core's L2): sets the default row block. */
  static final int TILE_FLOATS = 1 << 18;

  private Losses() {}

  // ---------------------------------------------------------------- full softmax, fused and chunked

  /** {@link #crossEntropy(Tensor, Tensor, Tensor, IntTensor, int, int)} with {@link #DEFAULT_CHUNK}. */
  public static Tensor crossEntropy(Tensor hidden, Tensor items, Tensor bias, IntTensor targets, int ignoreIndex) {
    return crossEntropy(hidden, items, bias, targets, ignoreIndex, DEFAULT_CHUNK);
  }

  /**
   * Mean softmax cross-entropy of the logits z = hidden · itemsᵀ + bias, computed without forming them:
   * <pre>
   *   loss = (1/M) Σ_{r : t_r ≠ ignore} ( LSE_r − z[r, t_r] ),   LSE_r = log Σ_{i<V} exp z[r, i]
   * </pre>
   * where M is the number of non-ignored rows.
   *
   * <p>How: the non-ignored rows are compacted (padding rows cost nothing) and split evenly over the
   * threads. Each thread walks its rows in small blocks whose logits tile (block rows × {@code chunk}
   * columns) stays in its own cache, with one single-threaded GEMM per tile. The row's log-sum-exp is
   * folded over the item tiles online (running max and sum). When gradients are needed they are
   * computed in the same forward, while the block is hot: the tile becomes softmax − one-hot, then
   * dHidden_block = G · items and each thread's own dItems += Gᵀ · hidden_block and dBias += column sums.
   * When all items fit one tile (V ≤ chunk) the exponentials are reused, so a training step costs three
   * GEMMs and one exp pass; otherwise the second pass recomputes each tile. The backward only scales by
   * upstream / M and adds the per-thread parts in a fixed order, so results are bit-identical for a given
   * thread count. Memory: O(threads × block × chunk) for tiles plus, when training, one [V, d] gradient
   * part per thread; never O(N × V).
   *
   * @param hidden [..., d] final hidden states, N rows in all
   * @param items [V, d] output item embeddings (often the input embedding table, tied)
   * @param bias [V] output bias, or null
   * @param targets N target ids in [0, V), or {@code ignoreIndex}
   * @param ignoreIndex target value of rows to skip (the padding id, usually 0; −100 to keep all)
   * @param chunk item columns per tile, at least 1 ({@link #DEFAULT_CHUNK} is a good default)
   * @return scalar mean loss; 0 (with zero gradients) when every target is ignored
   */
  public static Tensor crossEntropy(Tensor hidden, Tensor items, Tensor bias, IntTensor targets, int ignoreIndex,
                                    int chunk) {
    return crossEntropy(hidden, items, bias, targets, ignoreIndex, chunk, 0);
  }

  /** As above with an explicit row block ({@code rowBlock} ≤ 0: as many rows as fill {@link #TILE_FLOATS}). */
  static Tensor crossEntropy(Tensor hidden, Tensor items, Tensor bias, IntTensor targets, int ignoreIndex,
                             int chunk, int rowBlock) {
    String op = "crossEntropy";
    if (chunk < 1) {
      throw new IllegalArgumentException(op + ": chunk must be >= 1, got " + chunk);
    }
    int v = checkItems(op, items, bias);
    int d = items.dim(1);
    int n = rowsOf(op, hidden, d, targets);
    int[] rows = keptRows(op, targets, ignoreIndex, v);
    int m = rows.length;
    if (m == 0) {
      return zeroLoss(op, hidden, items, bias);
    }
    boolean grad = Grad.isEnabled();
    boolean needH = grad && hidden.requiresGrad();
    boolean needW = grad && items.requiresGrad();
    boolean needB = grad && bias != null && bias.requiresGrad();
    KeptRows kept = new KeptRows(hidden, rows, n, d);
    int[] tgt = gather(targets, rows);
    int c = Math.min(chunk, v);
    int rb = Math.min(m, rowBlock > 0 ? rowBlock : Math.max(16, TILE_FLOATS / c));
    int parts = Math.max(1, Math.min(Parallel.threads(), (m + rb - 1) / rb));
    float[] tiles = Arena.take(parts * rb * c, false);
    float[] lse = new float[m];
    float[] picked = new float[m];
    float[] dH = needH ? Arena.take(m * d, false) : null;
    float[] dW = needW ? Arena.take(parts * v * d, true) : null;
    float[] dB = needB ? Arena.take(parts * v, true) : null;
    Kernels kern = Kernels.get();
    float[] w = items.data();
    int wOff = items.offset();

    Parallel.forRange(parts, 1, (pFrom, pTo) -> {
      for (int p = pFrom; p < pTo; p++) {
        int tAt = p * rb * c;
        float[] runMax = new float[rb];
        float[] runSum = new float[rb];
        int to = (int) ((long) m * (p + 1) / parts);
        for (int r0 = (int) ((long) m * p / parts); r0 < to; r0 += rb) {
          int nr = Math.min(rb, to - r0);
          // Pass 1: log-sum-exp, online over the item tiles. The tile keeps exp(z − running max).
          Arrays.fill(runMax, Float.NEGATIVE_INFINITY);
          Arrays.fill(runSum, 0f);
          for (int c0 = 0; c0 < v; c0 += c) {
            int nc = Math.min(c, v - c0);
            logits(kern, kept, r0, nr, w, wOff, c0, nc, bias, tiles, tAt);
            for (int i = 0; i < nr; i++) {
              int at = tAt + i * nc;
              int t = tgt[r0 + i] - c0;
              if (t >= 0 && t < nc) {
                picked[r0 + i] = tiles[at + t];
              }
              float old = runMax[i];
              float mx = Math.max(old, kern.max(tiles, at, nc));
              float s = kern.expShiftSum(tiles, at, tiles, at, nc, mx);
              // Rescale the sum so far to the new max; skipped when the max did not move.
              runSum[i] = (old == mx ? runSum[i] : runSum[i] * (float) Math.exp((double) old - mx)) + s;
              runMax[i] = mx;
            }
          }
          for (int i = 0; i < nr; i++) {
            lse[r0 + i] = (float) (runMax[i] + Math.log(runSum[i]));
          }
          if (!(needH || needW || needB)) {
            continue;
          }
          // Pass 2: G = softmax − one-hot, tile by tile (the last tile is still hot when V ≤ chunk).
          for (int c0 = 0; c0 < v; c0 += c) {
            int nc = Math.min(c, v - c0);
            boolean oneTile = c == v;
            if (!oneTile) {
              logits(kern, kept, r0, nr, w, wOff, c0, nc, bias, tiles, tAt);
            }
            for (int i = 0; i < nr; i++) {
              int at = tAt + i * nc;
              if (oneTile) {
                kern.scale(1f / runSum[i], tiles, at, nc);
              } else {
                kern.expShiftSum(tiles, at, tiles, at, nc, lse[r0 + i]);
              }
              int t = tgt[r0 + i] - c0;
              if (t >= 0 && t < nc) {
                tiles[at + t] -= 1f;
              }
              if (needB) {
                kern.add(dB, p * v + c0, tiles, at, dB, p * v + c0, nc);
              }
            }
            if (needH) {
              // dH[nr, d] (+)= G[nr, nc] · items[c0 : c0+nc]
              kern.gemm(false, false, nr, d, nc, tiles, tAt, nc, w, wOff + c0 * d, d, c0 == 0 ? 0f : 1f,
                  dH, r0 * d, d);
            }
            if (needW) {
              // this thread's dItems[c0 : c0+nc] += Gᵀ · H_block[nr, d]
              kern.gemm(true, false, nc, d, nr, tiles, tAt, nc, kept.data, kept.offset + r0 * d, d, 1f,
                  dW, (p * v + c0) * d, d);
            }
          }
        }
      }
    });
    double total = 0;
    for (int r = 0; r < m; r++) {
      total += (double) lse[r] - picked[r];
    }
    Tensor out = Tensor.newOutput(false);
    out.data()[0] = (float) (total / m);

    return Tensor.record(out, op, o -> {
      float scale = o.grad()[0] / m;
      if (needH) {
        kept.addGrad(kern, hidden, scale, dH);
      }
      // Thread parts in a fixed order: bit-identical for the same thread count.
      for (int p = 0; p < parts; p++) {
        if (needW) {
          kern.axpy(scale, dW, p * v * d, items.grad(), wOff, v * d);
        }
        if (needB) {
          kern.axpy(scale, dB, p * v, bias.grad(), bias.offset(), v);
        }
      }
    }, hidden, items, bias);
  }

  /** tile[nr, nc] = H[r0 : r0+nr] · items[c0 : c0+nc]ᵀ + bias[c0 : c0+nc] (one thread). */
  private static void logits(Kernels kern, KeptRows kept, int r0, int nr, float[] w, int wOff, int c0, int nc,
                             Tensor bias, float[] tile, int tAt) {
    int d = kept.d;
    kern.gemm(false, true, nr, nc, d, kept.data, kept.offset + r0 * d, d, w, wOff + c0 * d, d, 0f, tile, tAt, nc);
    if (bias != null) {
      for (int i = 0; i < nr; i++) {
        kern.add(tile, tAt + i * nc, bias.data(), bias.offset() + c0, tile, tAt + i * nc, nc);
      }
    }
  }

  /** Rows per parallel split: enough that one split does at least ~16k elements of work. */
  private static int rowGrain(int cols) {
    return Math.max(1, (1 << 14) / Math.max(1, cols));
  }

  // ---------------------------------------------------------------- full softmax, reference

  /**
   * Mean softmax cross-entropy of explicit logits (the unfused reference, also usable on its own):
   * <pre>
   *   loss = (1/M) Σ_{r : t_r ≠ ignore} ( log Σ_i exp logits[r, i] − logits[r, t_r] )
   * </pre>
   * computed per row with the max subtracted, in double. Gradient: (softmax − one-hot) · upstream / M.
   *
   * @param logits [..., V], N rows in all
   * @param targets N ids in [0, V) or {@code ignoreIndex}
   * @return scalar mean loss; 0 (with zero gradients) when every target is ignored
   */
  public static Tensor crossEntropyDense(Tensor logits, IntTensor targets, int ignoreIndex) {
    String op = "crossEntropyDense";
    if (logits.rank() < 1) {
      throw new ShapeException(op, logits.shape(), "logits must be [..., V]");
    }
    int v = logits.dim(-1);
    int n = leadingRows(logits);
    if (targets.size() != n) {
      throw new ShapeException(op, logits.shape(), targets.shape(), "needs one target per row of logits");
    }
    int[] rows = keptRows(op, targets, ignoreIndex, v);
    int m = rows.length;
    if (m == 0) {
      return zeroLoss(op, logits);
    }
    int[] tgt = gather(targets, rows);
    float[] x = logits.data();
    int off = logits.offset();
    double[] lse = new double[m];
    double total = 0;
    for (int i = 0; i < m; i++) {
      int at = off + rows[i] * v;
      double mx = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < v; c++) {
        mx = Math.max(mx, x[at + c]);
      }
      double s = 0;
      for (int c = 0; c < v; c++) {
        s += Math.exp(x[at + c] - mx);
      }
      lse[i] = mx + Math.log(s);
      total += lse[i] - x[at + tgt[i]];
    }
    Tensor out = Tensor.newOutput(false);
    out.data()[0] = (float) (total / m);
    return Tensor.record(out, op, o -> {
      double scale = (double) o.grad()[0] / m;
      float[] g = logits.grad();
      Parallel.forRange(m, rowGrain(v), (from, to) -> {
        for (int i = from; i < to; i++) {
          int at = off + rows[i] * v;
          for (int c = 0; c < v; c++) {
            double p = Math.exp(x[at + c] - lse[i]);
            if (c == tgt[i]) {
              p -= 1.0;
            }
            g[at + c] += (float) (scale * p);
          }
        }
      });
    }, logits);
  }

  // ---------------------------------------------------------------- sampled softmax

  /**
   * Sampled softmax with negatives shared by the whole batch, optionally with the logQ correction of
   * Yi et al. (RecSys 2019, "Sampling-bias-corrected neural modeling"). For each non-ignored row r with
   * target t and the K shared negatives n_1..n_K:
   * <pre>
   *   s(i)  = h_r·items[i] + bias[i] − logQ[i]            (− logQ[i] only when logQ is given)
   *   loss_r = log( exp s(t) + Σ_j [n_j ≠ t] exp s(n_j) ) − s(t)
   *   loss   = (1/M) Σ_r loss_r
   * </pre>
   * Accidental hits are masked: a negative equal to the row's target gets logit −∞, so the target never
   * competes against itself. A negative that appears several times counts several times (as sampling
   * with replacement intends). Cost is O(N·K·d) and memory O(N·K).
   *
   * @param hidden [..., d], N rows
   * @param items [V, d] output embeddings
   * @param bias [V] or null
   * @param targets N ids in [0, V) or {@code ignoreIndex}
   * @param negatives K ids in [0, V) shared by all rows (e.g. from {@link NegativeSampler#sample(Rng, int)})
   * @param logQ null (no correction) or log sampling probability per item id, length V (e.g.
   *     {@link NegativeSampler#logQ()}); entries used by a target or a negative must be finite. It is
   *     subtracted from the target's logit and from every negative's, so constant offsets (like log K) cancel
   * @return scalar mean loss; 0 (with zero gradients) when every target is ignored
   */
  public static Tensor sampledSoftmax(Tensor hidden, Tensor items, Tensor bias, IntTensor targets, int ignoreIndex,
                                      int[] negatives, float[] logQ) {
    String op = "sampledSoftmax";
    int v = checkItems(op, items, bias);
    int d = items.dim(1);
    int n = rowsOf(op, hidden, d, targets);
    int k = negatives.length;
    if (logQ != null && logQ.length != v) {
      throw new IllegalArgumentException(op + ": logQ must have one entry per item id (" + v + "), got " + logQ.length);
    }
    for (int j = 0; j < k; j++) {
      checkId(op, "negative", negatives[j], j, v, logQ);
    }
    int[] rows = keptRows(op, targets, ignoreIndex, v);
    int m = rows.length;
    if (m == 0) {
      return zeroLoss(op, hidden, items, bias);
    }
    int[] tgt = gather(targets, rows);
    for (int i = 0; i < m; i++) {
      checkId(op, "target", tgt[i], rows[i], v, logQ);
    }
    KeptRows kept = new KeptRows(hidden, rows, n, d);
    Kernels kern = Kernels.get();
    float[] w = items.data();
    int wOff = items.offset();

    // Every row scores the same K negatives: gather their embeddings once and score them with one GEMM.
    float[] negEmb = Arena.take(k * d, false);
    for (int j = 0; j < k; j++) {
      System.arraycopy(w, wOff + negatives[j] * d, negEmb, j * d, d);
    }
    int width = k + 1; // column 0: the target, columns 1..K: the negatives
    float[] z = Arena.take(m * width, false);
    if (k > 0) {
      kern.gemm(false, true, m, k, d, kept.data, kept.offset, d, negEmb, 0, d, 0f, z, 1, width);
    }
    float[] negShift = new float[k];
    for (int j = 0; j < k; j++) {
      negShift[j] = biasOf(bias, negatives[j]) - (logQ == null ? 0f : logQ[negatives[j]]);
    }
    float[] lse = new float[m];
    Parallel.forRange(m, rowGrain(width + d), (from, to) -> {
      float[] scratch = new float[width];
      for (int i = from; i < to; i++) {
        int at = i * width;
        int t = tgt[i];
        z[at] = kern.dot(kept.data, kept.offset + i * d, w, wOff + t * d, d) + biasOf(bias, t)
            - (logQ == null ? 0f : logQ[t]);
        for (int j = 0; j < k; j++) {
          z[at + 1 + j] = negatives[j] == t ? Float.NEGATIVE_INFINITY : z[at + 1 + j] + negShift[j];
        }
        // The target column is always finite, so the max is finite and the sum is at least 1.
        float mx = kern.max(z, at, width);
        lse[i] = (float) (mx + Math.log(kern.expShiftSum(z, at, scratch, 0, width, mx)));
      }
    });
    double total = 0;
    for (int i = 0; i < m; i++) {
      total += (double) lse[i] - z[i * width];
    }
    Tensor out = Tensor.newOutput(false);
    out.data()[0] = (float) (total / m);

    return Tensor.record(out, op, o -> {
      float scale = o.grad()[0] / m;
      // z becomes dLoss/dLogits in place (the graph runs backward once); masked columns get exp(−∞) = 0.
      Parallel.forRange(m, rowGrain(width), (from, to) -> {
        float[] scratch = new float[width];
        for (int i = from; i < to; i++) {
          int at = i * width;
          kern.expShiftSum(z, at, scratch, 0, width, lse[i]);
          for (int c = 0; c < width; c++) {
            z[at + c] = scratch[c] * scale;
          }
          z[at] -= scale;
        }
      });
      if (hidden.requiresGrad()) {
        float[] gH = Arena.take(m * d, true);
        if (k > 0) {
          kern.gemm(false, false, m, d, k, z, 1, width, negEmb, 0, d, 0f, gH, 0, d);
        }
        for (int i = 0; i < m; i++) {
          kern.axpy(z[i * width], w, wOff + tgt[i] * d, gH, i * d, d);
        }
        kept.addGrad(kern, hidden, 1f, gH);
      }
      if (items.requiresGrad()) {
        float[] gW = items.grad();
        if (k > 0) {
          float[] gNeg = Arena.take(k * d, false);
          kern.gemm(true, false, k, d, m, z, 1, width, kept.data, kept.offset, d, 0f, gNeg, 0, d);
          // Serial scatter: repeated negatives and targets add into the same rows.
          for (int j = 0; j < k; j++) {
            kern.axpy(1f, gNeg, j * d, gW, wOff + negatives[j] * d, d);
          }
        }
        for (int i = 0; i < m; i++) {
          kern.axpy(z[i * width], kept.data, kept.offset + i * d, gW, wOff + tgt[i] * d, d);
        }
      }
      if (bias != null && bias.requiresGrad()) {
        float[] gB = bias.grad();
        int bOff = bias.offset();
        for (int i = 0; i < m; i++) {
          gB[bOff + tgt[i]] += z[i * width];
        }
        for (int j = 0; j < k; j++) {
          double s = 0;
          for (int i = 0; i < m; i++) {
            s += z[i * width + 1 + j];
          }
          gB[bOff + negatives[j]] += (float) s;
        }
      }
    }, hidden, items, bias);
  }

  private static float biasOf(Tensor bias, int id) {
    return bias == null ? 0f : bias.data()[bias.offset() + id];
  }

  private static void checkId(String op, String what, int id, int position, int v, float[] logQ) {
    if (id < 0 || id >= v) {
      throw new IllegalArgumentException(op + ": " + what + " " + id + " at position " + position
          + " is outside [0, " + v + ")");
    }
    if (logQ != null && !Float.isFinite(logQ[id])) {
      throw new IllegalArgumentException(op + ": logQ[" + id + "] = " + logQ[id] + " for " + what + " at position "
          + position + "; the sampler can never draw this item, so its logQ correction is undefined");
    }
  }

  // ---------------------------------------------------------------- binary cross-entropy with negatives

  /**
   * SASRec's original objective: binary cross-entropy with the positive and k sampled negatives per row
   * (k = 1 in the paper). With scores s = h_r·items[i]:
   * <pre>
   *   loss = (1/M) Σ_{r : pos_r ≠ ignore} ( −log σ(s_pos) − Σ_j log(1 − σ(s_neg_j)) )
   *        = (1/M) Σ_r ( softplus(−s_pos) + Σ_j softplus(s_neg_j) )
   * </pre>
   * computed in the softplus form softplus(x) = max(x, 0) + log1p(exp(−|x|)), which is finite for any
   * finite score. Negatives of ignored rows are not read.
   *
   * @param hidden [..., d], N rows
   * @param items [V, d] item embeddings
   * @param positives N ids in [0, V) or {@code ignoreIndex}
   * @param negatives [..., k] with N·k ids in [0, V), row-major (k = negatives.dim(-1))
   * @return scalar mean loss; 0 (with zero gradients) when every positive is ignored
   */
  public static Tensor bceWithNegatives(Tensor hidden, Tensor items, IntTensor positives, IntTensor negatives,
                                        int ignoreIndex) {
    String op = "bceWithNegatives";
    int v = checkItems(op, items, null);
    int d = items.dim(1);
    int n = rowsOf(op, hidden, d, positives);
    if (negatives.rank() < 1) {
      throw new ShapeException(op, negatives.shape(), "negatives must be [..., k]");
    }
    int k = negatives.dim(-1);
    if ((long) n * k != negatives.size()) {
      throw new ShapeException(op, positives.shape(), negatives.shape(),
          "negatives must hold k = negatives.dim(-1) ids for each of the " + n + " rows");
    }
    int[] rows = keptRows(op, positives, ignoreIndex, v);
    int m = rows.length;
    if (m == 0) {
      return zeroLoss(op, hidden, items);
    }
    int[] neg = negatives.data();
    for (int r : rows) {
      for (int j = 0; j < k; j++) {
        int id = neg[r * k + j];
        if (id < 0 || id >= v) {
          throw new IllegalArgumentException(op + ": negative " + id + " at row " + r + ", column " + j
              + " is outside [0, " + v + ")");
        }
      }
    }
    int[] pos = gather(positives, rows);
    Kernels kern = Kernels.get();
    float[] h = hidden.data();
    int hOff = hidden.offset();
    float[] w = items.data();
    int wOff = items.offset();
    int width = k + 1; // column 0: the positive, 1..k: the negatives
    float[] scores = new float[m * width];
    double total = 0;
    for (int i = 0; i < m; i++) {
      int r = rows[i];
      int hAt = hOff + r * d;
      float sp = kern.dot(h, hAt, w, wOff + pos[i] * d, d);
      scores[i * width] = sp;
      total += softplus(-sp);
      for (int j = 0; j < k; j++) {
        float sn = kern.dot(h, hAt, w, wOff + neg[r * k + j] * d, d);
        scores[i * width + 1 + j] = sn;
        total += softplus(sn);
      }
    }
    Tensor out = Tensor.newOutput(false);
    out.data()[0] = (float) (total / m);

    return Tensor.record(out, op, o -> {
      double scale = (double) o.grad()[0] / m;
      boolean needH = hidden.requiresGrad();
      boolean needW = items.requiresGrad();
      float[] gH = needH ? hidden.grad() : null;
      float[] gW = needW ? items.grad() : null;
      // Serial: items repeat across rows, and the work (N·(k+1)·d) is small next to the encoder.
      for (int i = 0; i < m; i++) {
        int r = rows[i];
        int hAt = hOff + r * d;
        for (int c = 0; c < width; c++) {
          int id = c == 0 ? pos[i] : neg[r * k + c - 1];
          float s = scores[i * width + c];
          // d softplus(−s)/ds = −σ(−s) for the positive; d softplus(s)/ds = σ(s) for a negative.
          float coef = (float) (scale * (c == 0 ? -sigmoid(-s) : sigmoid(s)));
          if (needH) {
            kern.axpy(coef, w, wOff + id * d, gH, hAt, d);
          }
          if (needW) {
            kern.axpy(coef, h, hAt, gW, wOff + id * d, d);
          }
        }
      }
    }, hidden, items);
  }

  /** log(1 + eˣ) without overflow. */
  static double softplus(double x) {
    return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /** σ(x) without overflow for either sign. */
  static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  // ---------------------------------------------------------------- guards

  /**
   * Returns {@code loss} if every element is finite; otherwise throws {@link NonFiniteException} naming
   * {@code context} (for example "epoch 3, step 120"). The trainer calls this each step before backward,
   * so a diverging run stops with a clear message instead of silently writing NaN into the parameters.
   */
  public static Tensor requireFinite(Tensor loss, String context) {
    float[] x = loss.data();
    int off = loss.offset();
    for (int i = 0; i < loss.size(); i++) {
      float value = x[off + i];
      if (!Float.isFinite(value)) {
        String what = loss.size() == 1 ? "loss" : "loss element " + i;
        throw new NonFiniteException(context, value, what + " is " + value + " at " + context
            + "; lower the learning rate (or enable gradient clipping) or check the input data"
            + " (ids out of range, non-finite features)");
      }
    }
    return loss;
  }

  // ---------------------------------------------------------------- helpers

  /** A loss of 0 whose backward adds nothing: every target was ignored. */
  private static Tensor zeroLoss(String op, Tensor... inputs) {
    Tensor out = Tensor.newOutput(false);
    out.data()[0] = 0f;
    return Tensor.record(out, op, o -> { }, inputs);
  }

  private static int checkItems(String op, Tensor items, Tensor bias) {
    if (items.rank() != 2) {
      throw new ShapeException(op, items.shape(), "items must be [V, d]");
    }
    int v = items.dim(0);
    if (bias != null && (bias.rank() != 1 || bias.dim(0) != v)) {
      throw new ShapeException(op, bias.shape(), items.shape(), "bias must be [V] to match items [V, d]");
    }
    return v;
  }

  /** Number of rows of hidden [..., d]; checks d and that there is one target per row. */
  private static int rowsOf(String op, Tensor hidden, int d, IntTensor targets) {
    if (hidden.rank() < 1 || hidden.dim(-1) != d) {
      throw new ShapeException(op, hidden.shape(), "hidden must be [..., " + d + "] (d of items)");
    }
    int n = leadingRows(hidden);
    if (targets.size() != n) {
      throw new ShapeException(op, hidden.shape(), targets.shape(), "needs one target per row of hidden");
    }
    return n;
  }

  private static int leadingRows(Tensor t) {
    int n = 1;
    for (int i = 0; i < t.rank() - 1; i++) {
      n *= t.dim(i);
    }
    return n;
  }

  /** Positions whose target is not ignored, in order; checks those targets are valid ids. */
  private static int[] keptRows(String op, IntTensor targets, int ignoreIndex, int v) {
    int[] t = targets.data();
    int count = 0;
    for (int i = 0; i < t.length; i++) {
      if (t[i] != ignoreIndex) {
        if (t[i] < 0 || t[i] >= v) {
          throw new IllegalArgumentException(op + ": target " + t[i] + " at position " + i + " is outside [0, " + v
              + ") and is not the ignore index " + ignoreIndex);
        }
        count++;
      }
    }
    int[] rows = new int[count];
    for (int i = 0, j = 0; i < t.length; i++) {
      if (t[i] != ignoreIndex) {
        rows[j++] = i;
      }
    }
    return rows;
  }

  private static int[] gather(IntTensor ids, int[] rows) {
    int[] out = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      out[i] = ids.get(rows[i]);
    }
    return out;
  }

  /**
   * The hidden rows of the non-ignored positions as one contiguous [count, d] block: the tensor's own
   * storage when nothing is ignored, else a compacted copy (gradients then go through a compact buffer
   * that {@link #addGrad} scatters back).
   */
  private static final class KeptRows {
    final int[] rows;
    final int count;
    final int d;
    final float[] data;
    final int offset;
    final boolean direct;

    KeptRows(Tensor hidden, int[] rows, int n, int d) {
      this.rows = rows;
      this.count = rows.length;
      this.d = d;
      this.direct = count == n;
      if (direct) {
        data = hidden.data();
        offset = hidden.offset();
      } else {
        data = Arena.take(count * d, false);
        offset = 0;
        float[] src = hidden.data();
        int srcOff = hidden.offset();
        for (int i = 0; i < count; i++) {
          System.arraycopy(src, srcOff + rows[i] * d, data, i * d, d);
        }
      }
    }

    /** hidden.grad[kept rows] += scale · buffer (buffer is [count, d]). */
    void addGrad(Kernels kern, Tensor hidden, float scale, float[] buffer) {
      float[] g = hidden.grad();
      int gOff = hidden.offset();
      if (direct) {
        kern.axpy(scale, buffer, 0, g, gOff, count * d);
        return;
      }
      for (int i = 0; i < count; i++) {
        kern.axpy(scale, buffer, i * d, g, gOff + rows[i] * d, d);
      }
    }
  }
}
