package dev.sequent.tensor;

import dev.sequent.tensor.kernel.Kernels;

/**
 * Linear attention (LinRec, RecGRELA, GLINT-RU's attention expert): attention without a softmax, so the
 * keys and values of a sequence fold into one d_h × d_v matrix per head.
 *
 * <p>Shapes are heads-last, the layout a projection [B, L, d] already has when viewed per head: φ(Q), φ(K)
 * [B, L, H, dh] and V [B, L, H, dv], already passed through the model's feature map φ (ELU, ELU + 1, L2
 * normalisation, rotary encoding, ...); outputs are [B, L, H, dv], so no head split or merge needs a copy.
 * Key padding masks are [B, L] with a non-zero entry where the key is padding, as in
 * {@link NN#maskedSoftmax}.
 *
 * <ul>
 *   <li>{@link #causal}: out_t = φ(q_t)·S_t with S_t = Σ_{s≤t} φ(k_s) v_sᵀ, by a running sum: O(L·dh·dv)
 *       time and one dh × dv state per (batch, head), never the [B, H, L, dh, dv] tensor of all prefixes.
 *       With V = ones [B, H, L, 1] it gives the normaliser φ(q_t)·Σ_{s≤t} φ(k_s).
 *   <li>{@link #global}: the non-causal form φ(Q)(φ(K)ᵀV) over every position, as two batched products.
 *   <li>{@link #step}: one new position of {@link #causal} for serving, updating S in place.
 *   <li>{@link #l2Normalize}: row-wise L2 normalisation (LinRec's feature map after the ELU).
 * </ul>
 */
public final class LinearAttention {
  private static final Kernels KERNELS = Kernels.get();

  private LinearAttention() {}

  // ---------------------------------------------------------------- causal (prefix-sum) form

  /**
   * Causal linear attention with a key padding mask:
   * <pre>  out[b,t,h,:] = Σ_{s ≤ t, keyPadding[b,s] = 0} (q[b,t,h,:] · k[b,s,h,:]) v[b,s,h,:]</pre>
   * Padded keys contribute nothing (their k and v get no gradient); queries at padded positions still get
   * an output (zero if no real key precedes them). {@code keyPadding} may be null (no padding).
   *
   * <p>Forward: per (b, h) a running S = Σ k_s v_sᵀ, updated and applied at every step. Backward: a
   * forward re-scan gives dq_t = S_t·dO_t; a reverse scan with G_t = Σ_{s≥t} q_s dO_sᵀ gives
   * dk_t = G_t·v_t and dv_t = G_tᵀ·k_t. Extra memory is three dh × dv matrices per worker. Parallel over
   * (b, h) with each task writing its own slices, so results are deterministic for any thread count.
   */
  public static Tensor causal(Tensor q, Tensor k, Tensor v, IntTensor keyPadding) {
    String op = "linearAttention.causal";
    if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4) {
      throw new ShapeException(op, q.shape(), k.shape(), "needs q and k [B, L, H, dh] and v [B, L, H, dv]");
    }
    int batch = q.dim(0);
    int len = q.dim(1);
    int heads = q.dim(2);
    int dh = q.dim(3);
    int dv = v.dim(3);
    if (!java.util.Arrays.equals(q.shape(), k.shape())) {
      throw new ShapeException(op, q.shape(), k.shape(), "q and k must have the same shape [B, L, H, dh]");
    }
    if (v.dim(0) != batch || v.dim(1) != len || v.dim(2) != heads) {
      throw new ShapeException(op, q.shape(), v.shape(), "v must be [B, L, H, dv] with B, L, H of q");
    }
    if (keyPadding != null && (keyPadding.rank() != 2 || keyPadding.dim(0) != batch || keyPadding.dim(1) != len)) {
      throw new ShapeException(op, q.shape(), keyPadding.shape(), "key padding must be [B, L]");
    }
    int[] pad = keyPadding == null ? null : keyPadding.data();
    float[] qs = q.data();
    float[] ks = k.data();
    float[] vs = v.data();
    int qo = q.offset();
    int ko = k.offset();
    int vo = v.offset();
    Tensor out = Tensor.emptyZeroed(batch, len, heads, dv);
    float[] y = out.data();
    int tasks = batch * heads;
    // Task (b, h) walks positions t of its head: q_t and k_t at ((b·L + t)·H + h)·dh, v_t at the same row
    // times dv, each one contiguous run.
    Parallel.forRange(tasks, 1, (from, to) -> {
      float[] s = new float[dh * dv];
      for (int task = from; task < to; task++) {
        int b = task / heads;
        int h = task % heads;
        java.util.Arrays.fill(s, 0f);
        for (int t = 0; t < len; t++) {
          int row = (b * len + t) * heads + h;
          int qt = row * dh;
          int vt = row * dv;
          boolean real = pad == null || pad[b * len + t] == 0;
          // S_t = S_{t-1} + k_t v_tᵀ (real keys only), out_t = q_tᵀ S_t.
          KERNELS.outerProductScanStep(s, dh, dv, real ? ks : null, ko + qt, vs, vo + vt, qs, qo + qt, y, vt);
        }
      }
    });
    return Tensor.record(out, "linearAttentionCausal", o -> {
      float[] dy = o.grad();
      float[] dq = q.requiresGrad() ? q.grad() : null;
      float[] dk = k.requiresGrad() ? k.grad() : null;
      float[] dvs = v.requiresGrad() ? v.grad() : null;
      // Each sum is kept in the layout whose read-out runs along the rows of the gradient it feeds.
      Parallel.forRange(tasks, 1, (from, to) -> {
        float[] st = new float[dv * dh];  // Sᵀ_t = Σ_{s≤t} v_s k_sᵀ   [dv, dh]
        float[] g = new float[dh * dv];   // G_t = Σ_{s≥t} q_s dO_sᵀ   [dh, dv]
        float[] gt = new float[dv * dh];  // G_tᵀ                      [dv, dh]
        for (int task = from; task < to; task++) {
          int b = task / heads;
          int h = task % heads;
          if (dq != null) {
            // dq_t = S_t·dO_t = Σ_j dO_t[j]·Sᵀ_t[j, :], re-scanning the sums forwards.
            java.util.Arrays.fill(st, 0f);
            for (int t = 0; t < len; t++) {
              int row = (b * len + t) * heads + h;
              int qt = row * dh;
              int vt = row * dv;
              boolean real = pad == null || pad[b * len + t] == 0;
              KERNELS.outerProductScanStep(st, dv, dh, real ? vs : null, vo + vt, ks, ko + qt, dy, vt, dq, qo + qt);
            }
          }
          if (dk != null || dvs != null) {
            // Reverse scan: dk_t = G_t·v_t = Σ_j v_t[j]·Gᵀ_t[j, :] and dv_t = G_tᵀ·k_t = Σ_i k_t[i]·G_t[i, :],
            // for real keys only.
            java.util.Arrays.fill(g, 0f);
            java.util.Arrays.fill(gt, 0f);
            for (int t = len - 1; t >= 0; t--) {
              int row = (b * len + t) * heads + h;
              int qt = row * dh;
              int vt = row * dv;
              boolean real = pad == null || pad[b * len + t] == 0;
              if (dvs != null) {
                KERNELS.outerProductScanStep(g, dh, dv, qs, qo + qt, dy, vt, ks, ko + qt, real ? dvs : null, vo + vt);
              }
              if (dk != null) {
                KERNELS.outerProductScanStep(gt, dv, dh, dy, vt, qs, qo + qt, vs, vo + vt, real ? dk : null, ko + qt);
              }
            }
          }
        }
      });
    }, q, k, v);
  }

  /**
   * One new position of {@link #causal} for serving, without autodiff: S ← S + k vᵀ, then out = qᵀ S.
   *
   * <p>Shapes: q and k [R, 1, H, dh] (or any shape with R·H·dh elements in that order), v [R, 1, H, dv];
   * {@code state} holds R·H·dh·dv floats, the [R, H, dh, dv] running sums (zeros for an empty history),
   * and is updated in place. Returns out [R, 1, H, dv], equal to {@link #causal} at that position up to
   * float rounding. Cost O(R·H·dh·dv).
   */
  public static Tensor step(float[] state, Tensor q, Tensor k, Tensor v, int rows, int heads) {
    int dh = rows * heads == 0 ? 0 : q.size() / (rows * heads);
    int dv = rows * heads == 0 ? 0 : v.size() / (rows * heads);
    if (q.size() != k.size() || q.size() != rows * heads * dh || v.size() != rows * heads * dv
        || state.length != rows * heads * dh * dv) {
      throw new ShapeException("linearAttention.step", q.shape(), v.shape(),
          "needs q, k with R·H·dh and v with R·H·dv elements and a state of R·H·dh·dv floats (R = " + rows
              + ", H = " + heads + ", state " + state.length + ")");
    }
    float[] out = new float[rows * heads * dv];
    float[] qs = q.data();
    float[] ks = k.data();
    float[] vs = v.data();
    for (int task = 0; task < rows * heads; task++) {
      int sOff = task * dh * dv;
      for (int i = 0; i < dh; i++) {
        float ki = ks[k.offset() + task * dh + i];
        int row = sOff + i * dv;
        for (int j = 0; j < dv; j++) {
          state[row + j] += ki * vs[v.offset() + task * dv + j];
        }
      }
      for (int i = 0; i < dh; i++) {
        float qi = qs[q.offset() + task * dh + i];
        int row = sOff + i * dv;
        for (int j = 0; j < dv; j++) {
          out[task * dv + j] += qi * state[row + j];
        }
      }
    }
    return Tensor.of(out, rows, 1, heads, dv);
  }

  // ---------------------------------------------------------------- non-causal form

  /**
   * Non-causal linear attention over every position: out = φ(Q)(φ(K)ᵀV) per (batch, head), with q and k
   * [B, L, H, dh] and v [B, L, H, dv] → [B, L, H, dv]. Two batched products per head (dh × dv
   * intermediate), so O(L·dh·dv); padding is included like any other position (LinRec's and GLINT-RU's
   * official code).
   */
  public static Tensor global(Tensor q, Tensor k, Tensor v) {
    if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4 || !java.util.Arrays.equals(q.shape(), k.shape())
        || v.dim(0) != k.dim(0) || v.dim(1) != k.dim(1) || v.dim(2) != k.dim(2)) {
      throw new ShapeException("linearAttention.global", q.shape(), v.shape(),
          "needs q and k [B, L, H, dh] and v [B, L, H, dv]");
    }
    // The batched products want [B, H, L, ·]: the non-causal (faithful) variants pay for these copies.
    Tensor qh = q.permute(0, 2, 1, 3);
    Tensor kh = k.permute(0, 2, 1, 3);
    Tensor vh = v.permute(0, 2, 1, 3);
    return qh.bmm(kh.bmm(vh, true, false), false, false).permute(0, 2, 1, 3);
  }

  // ---------------------------------------------------------------- feature maps

  /**
   * Row-wise L2 normalisation over the last axis: y = x / sqrt(Σ x² + eps). With eps ≪ ‖x‖² this is
   * x / ‖x‖ (LinRec divides by the plain norm; eps only keeps an all-zero row finite). Backward:
   * dx = (dy − y (y·dy)) / r with r = sqrt(Σ x² + eps).
   */
  public static Tensor l2Normalize(Tensor x, float eps) {
    if (x.rank() < 1) {
      throw new ShapeException("l2Normalize", x.shape(), "needs at least one axis");
    }
    int d = x.dim(-1);
    int rows = d == 0 ? 0 : x.size() / d;
    float[] xs = x.data();
    int xo = x.offset();
    Tensor out = Tensor.empty(x.shape());
    float[] y = out.data();
    float[] inv = new float[rows];
    Parallel.forRange(rows, 256, (from, to) -> {
      for (int r = from; r < to; r++) {
        int base = r * d;
        double ss = 0;
        for (int j = 0; j < d; j++) {
          float v = xs[xo + base + j];
          ss += (double) v * v;
        }
        float ir = (float) (1.0 / Math.sqrt(ss + eps));
        inv[r] = ir;
        for (int j = 0; j < d; j++) {
          y[base + j] = xs[xo + base + j] * ir;
        }
      }
    });
    return Tensor.record(out, "l2Normalize", o -> {
      float[] dy = o.grad();
      float[] dx = x.grad();
      Parallel.forRange(rows, 256, (from, to) -> {
        for (int r = from; r < to; r++) {
          int base = r * d;
          float dot = 0f;
          for (int j = 0; j < d; j++) {
            dot += y[base + j] * dy[base + j];
          }
          float ir = inv[r];
          for (int j = 0; j < d; j++) {
            dx[xo + base + j] += (dy[base + j] - y[base + j] * dot) * ir;
          }
        }
      });
    }, x);
  }
}
