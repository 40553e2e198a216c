package dev.sequent.core.infer;

import dev.sequent.core.model.LruRec;
import dev.sequent.core.model.RecurrentState;
import dev.sequent.tensor.Activations;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.kernel.Kernels;
import java.util.Map;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * An allocation-free incremental step for {@link LruRec}: the same arithmetic as {@link LruRec#step}, on
 * plain arrays instead of [1, 1, d] tensors, for serving.
 *
 * <p>{@code LruRec.step} builds a tensor (and its op bookkeeping) for every product, which costs tens of
 * microseconds per event although the work is only about 128k multiply-adds for d = 64 and two blocks
 * (ML-1M, 2-core development machine: a median of 44 µs there, 6 µs here; bench/results/server.md).
 * This class copies the weights once, stores every matrix transposed so that each matrix-vector product
 * is a sum of contiguous rows scaled by the input (with the Vector API, a block of outputs stays in
 * registers across the whole sum; no horizontal reductions), and keeps its scratch buffers per thread.
 *
 * <p>States are interchangeable with {@link LruRec#step}: the same buffers (Re h, Im h) per block, and the
 * same event count ({@link RecurrentState#length()}).
 *
 * <p>Results equal {@code LruRec.step} up to float rounding (the products sum in a different order), i.e.
 * to about 1e-6. The weights are a snapshot: build a new stepper after the model's weights change.
 * Thread-safe: any number of threads may step different states concurrently.
 */
public final class LruRecStepper {
  private static final float INV_SQRT2 = (float) 0.7071067811865476;
  private static final Kernels KERNELS = Kernels.get();
  /** Whether the incubating Vector API is present (and not switched off like the engine's kernels). */
  private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && !Boolean.getBoolean("sequent.scalar");

  private final int dim;
  private final int hidden;
  private final int numItems;
  private final float eps;
  private final float[] embedding;
  private final float[] embeddingGamma;
  private final float[] embeddingBeta;
  private final Block[] blocks;
  private final ThreadLocal<Scratch> scratch;

  /** The weights of one block, laid out for the step (transposed: row k holds input k's weights). */
  private static final class Block {
    float[] inT;        // [d][2H]: columns 0..H are B_re·x's weights, H..2H are B_im's
    float[] inBias;     // [2H]: b_re then b_im
    float[] gamma;      // [H]
    float[] lambdaRe;   // [H]
    float[] lambdaIm;   // [H]
    float[] outT;       // [2H][d]: rows 0..H are C_re's columns, rows H..2H are −C_im's
    float[] outBias;    // [d], Re(b_C)
    float[] lruGamma;
    float[] lruBeta;
    float[] w1T;        // [d][4d]
    float[] b1;         // [4d]
    float[] w2T;        // [4d][d]
    float[] b2;         // [d]
    float[] ffnGamma;
    float[] ffnBeta;
  }

  /** Per-thread working buffers. */
  private static final class Scratch {
    final float[] x;
    final float[] u;
    final float[] hCat;
    final float[] y;
    final float[] f;

    Scratch(int d, int h) {
      x = new float[d];
      u = new float[2 * h];
      hCat = new float[2 * h];
      y = new float[d];
      f = new float[4 * d];
    }
  }

  /** Copies the weights of {@code model} (its named parameters). */
  public LruRecStepper(LruRec model) {
    LruRec.Config config = model.config();
    this.dim = config.dim();
    this.hidden = 2 * dim;
    this.numItems = model.numItems();
    this.eps = config.layerNormEps();
    Map<String, Tensor> p = model.namedParameters();
    this.embedding = get(p, "embedding", (numItems + 1) * dim);
    this.embeddingGamma = get(p, "embedding_layer_norm.weight", dim);
    this.embeddingBeta = get(p, "embedding_layer_norm.bias", dim);
    this.blocks = new Block[config.blocks()];
    int d = dim;
    int h = hidden;
    for (int i = 0; i < blocks.length; i++) {
      String lru = "block_" + i + ".lru.";
      String ffn = "block_" + i + ".ffn.";
      Block b = new Block();
      float[] inRe = get(p, lru + "in_proj_weight_re", h * d);
      float[] inIm = get(p, lru + "in_proj_weight_im", h * d);
      b.inT = new float[d * 2 * h];
      for (int j = 0; j < h; j++) {
        for (int k = 0; k < d; k++) {
          b.inT[k * 2 * h + j] = inRe[j * d + k];
          b.inT[k * 2 * h + h + j] = inIm[j * d + k];
        }
      }
      b.inBias = new float[2 * h];
      System.arraycopy(get(p, lru + "in_proj_bias_re", h), 0, b.inBias, 0, h);
      System.arraycopy(get(p, lru + "in_proj_bias_im", h), 0, b.inBias, h, h);
      // λ = exp(−exp(ν_log) + i·exp(θ_log)), γ = exp(γ_log), evaluated with the same float steps as the
      // model's forward (exp, negate, exp; cos and sin of θ).
      float[] logs = get(p, lru + "params_log", 3 * h);
      b.gamma = new float[h];
      b.lambdaRe = new float[h];
      b.lambdaIm = new float[h];
      for (int j = 0; j < h; j++) {
        float magnitude = (float) Math.exp(-(float) Math.exp(logs[j]));
        float theta = (float) Math.exp(logs[h + j]);
        b.lambdaRe[j] = magnitude * (float) Math.cos(theta);
        b.lambdaIm[j] = magnitude * (float) Math.sin(theta);
        b.gamma[j] = (float) Math.exp(logs[2 * h + j]);
      }
      float[] outRe = get(p, lru + "out_proj_weight_re", d * h);
      float[] outIm = get(p, lru + "out_proj_weight_im", d * h);
      b.outT = new float[2 * h * d];
      for (int r = 0; r < d; r++) {
        for (int j = 0; j < h; j++) {
          b.outT[j * d + r] = outRe[r * h + j];
          // Re(C·h) = C_re·Re(h) − C_im·Im(h): store −C_im so both halves are plain accumulations.
          b.outT[(h + j) * d + r] = -outIm[r * h + j];
        }
      }
      b.outBias = get(p, lru + "out_proj_bias_re", d);
      b.lruGamma = get(p, lru + "layer_norm.weight", d);
      b.lruBeta = get(p, lru + "layer_norm.bias", d);
      b.w1T = transpose(get(p, ffn + "w_1_weight", 4 * d * d), 4 * d, d);
      b.b1 = get(p, ffn + "w_1_bias", 4 * d);
      b.w2T = transpose(get(p, ffn + "w_2_weight", d * 4 * d), d, 4 * d);
      b.b2 = get(p, ffn + "w_2_bias", d);
      b.ffnGamma = get(p, ffn + "layer_norm.weight", d);
      b.ffnBeta = get(p, ffn + "layer_norm.bias", d);
      blocks[i] = b;
    }
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(dim, hidden));
  }

  private static float[] get(Map<String, Tensor> parameters, String name, int size) {
    Tensor t = parameters.get(name);
    if (t == null) {
      throw new IllegalArgumentException("LruRec parameter '" + name + "' is missing");
    }
    if (t.size() != size) {
      throw new IllegalArgumentException("LruRec parameter '" + name + "' has " + t.size() + " values, expected "
          + size);
    }
    return t.toArray();
  }

  /** [rows × cols] row-major to [cols × rows]. */
  private static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }

  public int dim() {
    return dim;
  }

  /**
   * Advances {@code state} in place by one item and writes the hidden vector for the next prediction into
   * {@code out} (length d), which is returned. The state must have {@link LruRec}'s layout
   * ({@link LruRec#initialState()}).
   */
  public float[] step(RecurrentState state, int item, float[] out) {
    if (item < 1 || item > numItems) {
      throw new IllegalArgumentException("item index " + item + " is outside 1.." + numItems);
    }
    if (state.buffers().length != 2 * blocks.length) {
      throw new IllegalArgumentException("state has " + state.buffers().length + " buffers; LruRec with "
          + blocks.length + " blocks needs " + 2 * blocks.length);
    }
    if (out.length < dim) {
      throw new IllegalArgumentException("output buffer has " + out.length + " floats, needs " + dim);
    }
    Scratch s = scratch.get();
    int d = dim;
    int h = hidden;
    float[] x = s.x;
    layerNorm(embedding, item * d, embeddingGamma, embeddingBeta, x, d);
    for (int i = 0; i < blocks.length; i++) {
      Block b = blocks[i];
      float[] hRe = state.buffer(2 * i);
      float[] hIm = state.buffer(2 * i + 1);
      // u = γ ⊙ (B·x + b_B), real and imaginary halves side by side.
      float[] u = s.u;
      System.arraycopy(b.inBias, 0, u, 0, 2 * h);
      matvec(b.inT, x, d, u, 2 * h);
      // h ← λ ⊙ h + u (complex, element-wise).
      for (int j = 0; j < h; j++) {
        float ar = b.lambdaRe[j];
        float ai = b.lambdaIm[j];
        float pr = hRe[j];
        float pi = hIm[j];
        hRe[j] = ar * pr - ai * pi + u[j] * b.gamma[j];
        hIm[j] = ar * pi + ai * pr + u[h + j] * b.gamma[j];
      }
      // y = LayerNorm(Re(C·h) + Re(b_C) + x).
      float[] y = s.y;
      System.arraycopy(b.outBias, 0, y, 0, d);
      System.arraycopy(hRe, 0, s.hCat, 0, h);
      System.arraycopy(hIm, 0, s.hCat, h, h);
      matvec(b.outT, s.hCat, 2 * h, y, d);
      for (int k = 0; k < d; k++) {
        y[k] += x[k];
      }
      layerNorm(y, 0, b.lruGamma, b.lruBeta, x, d);
      // z = LayerNorm(W2·GELU(W1·y + b1) + b2 + y); x holds y now.
      float[] f = s.f;
      System.arraycopy(b.b1, 0, f, 0, 4 * d);
      matvec(b.w1T, x, d, f, 4 * d);
      gelu(f, 4 * d, VECTOR);
      System.arraycopy(b.b2, 0, y, 0, d);
      matvec(b.w2T, f, 4 * d, y, d);
      for (int k = 0; k < d; k++) {
        y[k] += x[k];
      }
      layerNorm(y, 0, b.ffnGamma, b.ffnBeta, x, d);
    }
    System.arraycopy(x, 0, out, 0, d);
    state.advance();
    return out;
  }

  /**
   * y[0..n) += Σ_k x[k] · wT[k·n .. k·n + n) for k in [0, in): a matrix-vector product with the matrix
   * stored transposed. With the Vector API, blocks of y stay in registers across all k (one load and one
   * FMA per weight vector); otherwise each k is an axpy on the engine's kernels. (A plain Java loop is
   * not vectorised by the JDK 17 JIT here, and made the step about 50 µs.)
   */
  private static void matvec(float[] wT, float[] x, int in, float[] y, int n) {
    matvec(wT, x, in, y, n, VECTOR);
  }

  /** {@link #matvec} with the implementation chosen by the caller (tests run both). */
  static void matvec(float[] wT, float[] x, int in, float[] y, int n, boolean vector) {
    if (vector) {
      VectorOps.matvec(wT, x, in, y, n);
      return;
    }
    for (int k = 0; k < in; k++) {
      KERNELS.axpy(x[k], wT, k * n, y, 0, n);
    }
  }

  /**
   * f ← GELU(f) with the engine's erf approximation ({@code Tensor.gelu} uses {@link Activations#erfFast}),
   * so results match the model's. Scalar, the exp of each element made this a third of the step's time;
   * the Vector API computes the same formula a vector at a time.
   */
  static void gelu(float[] f, int n, boolean vector) {
    int j = vector ? VectorOps.gelu(f, n) : 0;
    for (; j < n; j++) {
      float v = f[j];
      f[j] = 0.5f * v * (1f + Activations.erfFast(v * INV_SQRT2));
    }
  }

  /** LayerNorm of in[off..off+d) into out[0..d), as the engine computes it (mean and variance in double). */
  private void layerNorm(float[] in, int off, float[] gamma, float[] beta, float[] out, int d) {
    double mean = 0;
    for (int j = 0; j < d; j++) {
      mean += in[off + j];
    }
    mean /= d;
    double var = 0;
    for (int j = 0; j < d; j++) {
      double c = in[off + j] - mean;
      var += c * c;
    }
    var /= d;
    float rs = (float) (1.0 / Math.sqrt(var + eps));
    float m = (float) mean;
    for (int j = 0; j < d; j++) {
      out[j] = (in[off + j] - m) * rs * gamma[j] + beta[j];
    }
  }

  /**
   * The Vector API kernels: a separate class, referenced only behind {@link #VECTOR}, so JVMs without the
   * incubator module never load it.
   */
  private static final class VectorOps {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    static void matvec(float[] wT, float[] x, int in, float[] y, int n) {
      int j = 0;
      for (; j + 4 * L <= n; j += 4 * L) {
        FloatVector a0 = FloatVector.fromArray(S, y, j);
        FloatVector a1 = FloatVector.fromArray(S, y, j + L);
        FloatVector a2 = FloatVector.fromArray(S, y, j + 2 * L);
        FloatVector a3 = FloatVector.fromArray(S, y, j + 3 * L);
        for (int k = 0, row = j; k < in; k++, row += n) {
          FloatVector xk = FloatVector.broadcast(S, x[k]);
          a0 = FloatVector.fromArray(S, wT, row).fma(xk, a0);
          a1 = FloatVector.fromArray(S, wT, row + L).fma(xk, a1);
          a2 = FloatVector.fromArray(S, wT, row + 2 * L).fma(xk, a2);
          a3 = FloatVector.fromArray(S, wT, row + 3 * L).fma(xk, a3);
        }
        a0.intoArray(y, j);
        a1.intoArray(y, j + L);
        a2.intoArray(y, j + 2 * L);
        a3.intoArray(y, j + 3 * L);
      }
      for (; j + L <= n; j += L) {
        FloatVector a = FloatVector.fromArray(S, y, j);
        for (int k = 0, row = j; k < in; k++, row += n) {
          a = FloatVector.fromArray(S, wT, row).fma(FloatVector.broadcast(S, x[k]), a);
        }
        a.intoArray(y, j);
      }
      for (; j < n; j++) {
        float acc = y[j];
        for (int k = 0; k < in; k++) {
          acc = Math.fma(x[k], wT[k * n + j], acc);
        }
        y[j] = acc;
      }
    }

    /**
     * GELU with {@link Activations#erfFast}'s formula (Abramowitz-Stegun 7.1.26) a vector at a time;
     * returns how many leading elements were done (the caller finishes the tail).
     */
    static int gelu(float[] f, int n) {
      FloatVector one = FloatVector.broadcast(S, 1f);
      int j = 0;
      for (; j + L <= n; j += L) {
        FloatVector v = FloatVector.fromArray(S, f, j);
        FloatVector x = v.mul(INV_SQRT2);
        FloatVector z = x.abs();
        FloatVector t = one.div(z.mul(0.3275911f).add(1f));
        FloatVector poly = t.mul(1.061405429f).add(-1.453152027f).mul(t).add(1.421413741f).mul(t)
            .add(-0.284496736f).mul(t).add(0.254829592f).mul(t);
        FloatVector e = one.sub(poly.mul(z.mul(z).neg().lanewise(VectorOperators.EXP)));
        FloatVector erf = e.blend(e.neg(), x.lt(0f));
        v.mul(0.5f).mul(erf.add(1f)).intoArray(f, j);
      }
      return j;
    }
  }
}
