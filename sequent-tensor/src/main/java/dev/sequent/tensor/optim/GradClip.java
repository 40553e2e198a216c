package dev.sequent.tensor.optim;

import dev.sequent.tensor.Parallel;
import dev.sequent.tensor.Tensor;
import java.util.Map;

/** Gradient-norm clipping, as PyTorch's {@code clip_grad_norm_} with the L2 norm. */
public final class GradClip {
  /** Elements per partial sum; fixed, so the norm's bits do not depend on the thread count. */
  private static final int BLOCK = 1 << 16;

  private GradClip() {}

  /**
   * The L2 norm of all gradients taken together, ‖(g_1, …, g_n)‖₂, accumulated in double in a fixed order
   * (parameters in map order, fixed-size blocks summed in sequence). Parameters without a gradient count
   * as zero.
   */
  public static double norm(Map<String, Tensor> params) {
    double sumSq = 0;
    for (Tensor p : params.values()) {
      if (p.hasGrad()) {
        sumSq += sumOfSquares(p.grad(), p.offset(), p.size());
      }
    }
    return Math.sqrt(sumSq);
  }

  /**
   * Scales all gradients by maxNorm / (norm + 1e-6) when that factor is below 1 (i.e. when the norm
   * exceeds maxNorm), exactly as {@code torch.nn.utils.clip_grad_norm_}. Returns the norm before
   * clipping, for logging. If the norm is NaN or infinite the gradients are left unchanged and the
   * non-finite norm is returned, so the caller can stop (see {@code NonFiniteException}) instead of
   * scaling every gradient to NaN or zero.
   */
  public static double clipNorm(Map<String, Tensor> params, double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
    }
    double norm = norm(params);
    if (!Double.isFinite(norm)) {
      return norm;
    }
    double coef = maxNorm / (norm + 1e-6);
    if (coef < 1.0) {
      scale(params, (float) coef);
    }
    return norm;
  }

  /** Multiplies every gradient by {@code factor}. */
  public static void scale(Map<String, Tensor> params, float factor) {
    for (Tensor p : params.values()) {
      if (p.hasGrad()) {
        float[] g = p.grad();
        int off = p.offset();
        Parallel.forRange(p.size(), 1 << 15, (from, to) -> {
          for (int i = off + from; i < off + to; i++) {
            g[i] *= factor;
          }
        });
      }
    }
  }

  private static double sumOfSquares(float[] g, int off, int n) {
    int blocks = (n + BLOCK - 1) / BLOCK;
    if (blocks <= 1) {
      return blockSum(g, off, n);
    }
    double[] partial = new double[blocks];
    Parallel.forRange(blocks, 1, (from, to) -> {
      for (int b = from; b < to; b++) {
        int start = b * BLOCK;
        partial[b] = blockSum(g, off + start, Math.min(BLOCK, n - start));
      }
    });
    double s = 0;
    for (double x : partial) {
      s += x;
    }
    return s;
  }

  private static double blockSum(float[] g, int off, int n) {
    double s = 0;
    for (int i = off; i < off + n; i++) {
      double x = g[i];
      s += x * x;
    }
    return s;
  }
}
