package dev.sequent.tensor.kernel;

import java.util.logging.Logger;

/**
 * Low-level float kernels over plain arrays (offset + leading dimension addressing, row-major).
 *
 * <p>Two implementations: {@code VectorKernels} on {@code jdk.incubator.vector}, and {@link ScalarKernels}
 * used automatically, with one warning line, when the incubator module is not present at run time.
 */
public interface Kernels {

  /** Name of the implementation, for logs and benchmark records. */
  String name();

  /**
   * C = A·B + beta·C for row-major matrices, with C of shape [m, n].
   *
   * <p>Without transpose, A is [m, k] with row stride lda and B is [k, n] with row stride ldb.
   * With transA, A is stored as [k, m] (row stride lda) and its transpose is used; with transB, B is
   * stored as [n, k] (row stride ldb) and its transpose is used. beta is 0 (overwrite: C may hold
   * garbage or NaN) or 1 (accumulate) in practice; other values scale C first. C must not overlap A
   * or B. Parallel over the configured pool; for a given shape the result is bit-identical from call
   * to call and for any thread count.
   */
  void gemm(boolean transA, boolean transB, int m, int n, int k,
            float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb,
            float beta, float[] c, int cOff, int ldc);

  /** Sum of a[aOff + i] * b[bOff + i] for i in [0, n). */
  float dot(float[] a, int aOff, float[] b, int bOff, int n);

  /** y[yOff + i] += alpha * x[xOff + i] for i in [0, n). */
  void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

  /** x[off + i] *= alpha for i in [0, n), in place. */
  void scale(float alpha, float[] x, int off, int n);

  /** out[outOff + i] = a[aOff + i] + b[bOff + i] for i in [0, n); out may alias a or b exactly. */
  void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);

  /** out[outOff + i] = a[aOff + i] * b[bOff + i] for i in [0, n); out may alias a or b exactly. */
  void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);

  /** out[outOff + i] = a[aOff + i] - b[bOff + i] for i in [0, n); out may alias a or b exactly. */
  void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);

  /**
   * out[outOff + i] += a[aOff + i] * b[bOff + i] for i in [0, n): the product is rounded, then the sum
   * (no fused multiply-add), so it matches the plain Java expression and both implementations bit for bit.
   */
  void addProduct(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n);

  /**
   * For each of {@code rows} rows r in order, out[outOff + i] += alphas[aOff + r] * x[xOff + r·ldx + i] for i
   * in [0, n), unfused like {@link #addProduct} (unlike {@link #axpy}, every implementation gives the bits of the
   * plain Java loop), with each output held in a register across the rows instead of being loaded and stored per
   * row.
   */
  void addScaledRows(float[] alphas, int aOff, int rows, float[] x, int xOff, int ldx, float[] out, int outOff,
                     int n);

  /**
   * Sum of x[off + i] for i in [0, n). The summation order depends only on n (not on timing, threads or
   * JIT state), so the same input always gives the same bits; it may differ from left-to-right order.
   */
  float sum(float[] x, int off, int n);

  /** Maximum of x[off + i] for i in [0, n) with {@link Math#max} semantics; -infinity when n is 0. */
  float max(float[] x, int off, int n);

  /** The first index i in [from, to) with x[i] > threshold, or {@code to} when there is none. */
  int firstAbove(float[] x, int from, int to, float threshold);

  /**
   * out[outOff + i] = exp(x[xOff + i] - shift) for i in [0, n), and returns the sum of the written values
   * (in a fixed order, as {@link #sum}). The core of softmax and chunked log-sum-exp: with shift = max(x)
   * every term is in (0, 1]. Relative error of each term is at most about 2e-7; exp(-inf) is 0. out may
   * alias x exactly (in place).
   */
  float expShiftSum(float[] x, int xOff, float[] out, int outOff, int n, float shift);

  /**
   * LayerNorm of one row: xhat[i] = (x[i] − mean)·rstd and y[i] = xhat[i]·gamma[i] + beta[i] (rounded
   * product, then sum) for i in [0, n).
   */
  void layerNormRow(float[] x, int xOff, float mean, float rstd, float[] gamma, int gOff, float[] beta, int bOff,
                    float[] xhat, int xhOff, float[] y, int yOff, int n);

  /** Sum of (x[off + i] − mean)² for i in [0, n), in a fixed order (as {@link #sum}). */
  float sumSquaredDeviations(float[] x, int off, int n, float mean);

  /**
   * The parameter part of LayerNorm's backward for one row, with dh = dy·gamma: dGamma[i] += dy[i]·xhat[i],
   * dBeta[i] += dy[i], and returns Σ dh in sums[0] and Σ dh·xhat in sums[1] (fixed order, as {@link #sum}).
   */
  void layerNormBackwardRow(float[] dy, int dyOff, float[] xhat, int xhOff, float[] gamma, int gOff,
                            float[] dGamma, float[] dBeta, int n, float[] sums);

  /**
   * LayerNorm's input gradient for one row: dx[i] (+)= rstd·(dy[i]·gamma[i] − meanDh − xhat[i]·meanDhXhat);
   * overwritten when {@code overwrite}, else accumulated.
   */
  void layerNormInputGrad(float[] dy, int dyOff, float[] xhat, int xhOff, float[] gamma, int gOff, float rstd,
                          float meanDh, float meanDhXhat, float[] dx, int dxOff, int n, boolean overwrite);

  /**
   * A dropout mask from one SplitMix64 stream ({@code dev.sequent.tensor.Rng} seeded with {@code seed}): draw
   * t decides elements 2t (its low 32 bits) and 2t + 1 (its high 32 bits); an element is 0 when its 32 bits,
   * unsigned, are below {@code threshold} (in [0, 2^32]), else {@code scale}. Writes mask[off .. off + n).
   */
  void dropoutMask(long seed, long threshold, float scale, float[] mask, int off, int n);

  /**
   * Softmax backward for one row: dx[i] (+)= scale·y[i]·(dy[i] − dot) for i in [0, n), with dot = Σ dy·y
   * given; overwritten when {@code overwrite}, else accumulated.
   */
  void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float dot, float scale, float[] dx, int dxOff,
                       int n, boolean overwrite);

  /** y = GELU(x) = x·Φ(x) over a range (erf to float precision, Abramowitz-Stegun 7.1.26). */
  void gelu(float[] x, int xOff, float[] y, int yOff, int n);

  /** dx += dy · GELU'(x) over a range. */
  void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

  /** y = ReLU(x): x for x > 0, else 0 (NaN gives 0). */
  void relu(float[] x, int xOff, float[] y, int yOff, int n);

  /** dx += dy · ReLU'(x) over a range: dy where x > 0, else dy · 0. */
  void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

  /** y = ELU(x) with alpha 1: x for x > 0, e^x − 1 otherwise (relative error about 2e-7). */
  void elu(float[] x, int xOff, float[] y, int yOff, int n);

  /** dx += dy · ELU'(x) over a range, from the input x and the output y: 1 for x > 0, else y + 1. */
  void eluBackward(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

  /** y = SiLU(x) = x·σ(x) over a range (relative error about 3e-7). */
  void silu(float[] x, int xOff, float[] y, int yOff, int n);

  /** dx += dy · SiLU'(x) over a range, with SiLU'(x) = σ(x)·(1 + x·(1 − σ(x))). */
  void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

  /**
   * One step of a running sum of outer products and its read-out, for an m × n row-major s (a
   * linear-attention state): when a is not null, s[i, :] += a[aOff + i] · b[bOff .. bOff + n) for every i;
   * then, when y is not null, y[yOff .. yOff + n) += Σ_i c[cOff + i] · s[i, :], accumulated in order of i.
   */
  void outerProductScanStep(float[] s, int m, int n, float[] a, int aOff, float[] b, int bOff,
                            float[] c, int cOff, float[] y, int yOff);

  /** The kernels for this JVM: vectorised when the incubator module is present, scalar otherwise. */
  static Kernels get() {
    return Holder.INSTANCE;
  }

  /** The scalar kernels, regardless of what is available (for tests and comparisons). */
  static Kernels scalar() {
    return ScalarKernels.INSTANCE;
  }

  /** Lazy, thread-safe selection of the implementation. */
  final class Holder {
    static final Kernels INSTANCE = select();

    private Holder() {}

    private static Kernels select() {
      boolean vectorPresent = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
      if (vectorPresent && !Boolean.getBoolean("sequent.scalar")) {
        try {
          return (Kernels) Class.forName("dev.sequent.tensor.kernel.VectorKernels")
              .getDeclaredField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
          Logger.getLogger(Kernels.class.getName())
              .warning("Vector API kernels failed to load (" + e + "); using scalar kernels");
          return ScalarKernels.INSTANCE;
        }
      }
      if (!vectorPresent) {
        Logger.getLogger(Kernels.class.getName()).warning(
            "jdk.incubator.vector is not available (run java with --add-modules jdk.incubator.vector);"
                + " using scalar kernels, several times slower");
      }
      return ScalarKernels.INSTANCE;
    }
  }
}
