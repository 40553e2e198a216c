package dev.sequent.tensor.kernel;

import dev.sequent.tensor.Activations;
import dev.sequent.tensor.Parallel;
import dev.sequent.tensor.Rng;

/** Plain-Java kernels: the reference implementation and the fallback without the Vector API. */
final class ScalarKernels implements Kernels {

  static final ScalarKernels INSTANCE = new ScalarKernels();

  private ScalarKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void gemm(boolean transA, boolean transB, int m, int n, int k,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float beta, float[] c, int cOff, int ldc) {
    Parallel.forRange(m, 16, (from, to) -> {
      for (int i = from; i < to; i++) {
        int cRow = cOff + i * ldc;
        if (beta == 0f) {
          java.util.Arrays.fill(c, cRow, cRow + n, 0f);
        } else if (beta != 1f) {
          for (int j = 0; j < n; j++) {
            c[cRow + j] *= beta;
          }
        }
        for (int p = 0; p < k; p++) {
          float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
          if (transB) {
            for (int j = 0; j < n; j++) {
              c[cRow + j] += av * b[bOff + j * ldb + p];
            }
          } else {
            int bRow = bOff + p * ldb;
            for (int j = 0; j < n; j++) {
              c[cRow + j] += av * b[bRow + j];
            }
          }
        }
      }
    });
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  @Override
  public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] += alpha * x[xOff + i];
    }
  }

  @Override
  public void scale(float alpha, float[] x, int off, int n) {
    for (int i = 0; i < n; i++) {
      x[off + i] *= alpha;
    }
  }

  @Override
  public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = a[aOff + i] + b[bOff + i];
    }
  }

  @Override
  public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] = a[aOff + i] - b[bOff + i];
    }
  }

  @Override
  public void addProduct(float[] a, int aOff, float[] b, int bOff, float[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      out[outOff + i] += a[aOff + i] * b[bOff + i];
    }
  }

  @Override
  public void addScaledRows(float[] alphas, int aOff, int rows, float[] x, int xOff, int ldx, float[] out, int outOff,
                            int n) {
    for (int i = 0; i < n; i++) {
      float s = out[outOff + i];
      for (int r = 0; r < rows; r++) {
        s += alphas[aOff + r] * x[xOff + r * ldx + i];
      }
      out[outOff + i] = s;
    }
  }

  @Override
  public void layerNormRow(float[] x, int xOff, float mean, float rstd, float[] gamma, int gOff, float[] beta,
                           int bOff, float[] xhat, int xhOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      float h = (x[xOff + i] - mean) * rstd;
      xhat[xhOff + i] = h;
      y[yOff + i] = h * gamma[gOff + i] + beta[bOff + i];
    }
  }

  @Override
  public float sumSquaredDeviations(float[] x, int off, int n, float mean) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      float c = x[off + i] - mean;
      s += c * c;
    }
    return s;
  }

  @Override
  public void layerNormBackwardRow(float[] dy, int dyOff, float[] xhat, int xhOff, float[] gamma, int gOff,
                                   float[] dGamma, float[] dBeta, int n, float[] sums) {
    float sumDh = 0f;
    float sumDhXhat = 0f;
    for (int i = 0; i < n; i++) {
      float d = dy[dyOff + i];
      float h = xhat[xhOff + i];
      dGamma[i] += d * h;
      dBeta[i] += d;
      float dh = d * gamma[gOff + i];
      sumDh += dh;
      sumDhXhat += dh * h;
    }
    sums[0] = sumDh;
    sums[1] = sumDhXhat;
  }

  @Override
  public void layerNormInputGrad(float[] dy, int dyOff, float[] xhat, int xhOff, float[] gamma, int gOff,
                                 float rstd, float meanDh, float meanDhXhat, float[] dx, int dxOff, int n,
                                 boolean overwrite) {
    for (int i = 0; i < n; i++) {
      float v = rstd * (dy[dyOff + i] * gamma[gOff + i] - meanDh - xhat[xhOff + i] * meanDhXhat);
      dx[dxOff + i] = overwrite ? v : dx[dxOff + i] + v;
    }
  }

  @Override
  public void dropoutMask(long seed, long threshold, float scale, float[] mask, int off, int n) {
    Rng stream = new Rng(seed);
    for (int i = 0; i < n; i += 2) {
      long bits = stream.nextLong();
      mask[off + i] = (bits & 0xFFFFFFFFL) < threshold ? 0f : scale;
      if (i + 1 < n) {
        mask[off + i + 1] = (bits >>> 32) < threshold ? 0f : scale;
      }
    }
  }

  @Override
  public void softmaxBackward(float[] y, int yOff, float[] dy, int dyOff, float dot, float scale, float[] dx,
                              int dxOff, int n, boolean overwrite) {
    for (int i = 0; i < n; i++) {
      float v = scale * y[yOff + i] * (dy[dyOff + i] - dot);
      dx[dxOff + i] = overwrite ? v : dx[dxOff + i] + v;
    }
  }

  @Override
  public float sum(float[] x, int off, int n) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      s += x[off + i];
    }
    return s;
  }

  @Override
  public int firstAbove(float[] x, int from, int to, float threshold) {
    int i = from;
    while (i < to && !(x[i] > threshold)) {
      i++;
    }
    return i;
  }

  @Override
  public float max(float[] x, int off, int n) {
    float m = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, x[off + i]);
    }
    return m;
  }

  @Override
  public float expShiftSum(float[] x, int xOff, float[] out, int outOff, int n, float shift) {
    float s = 0f;
    for (int i = 0; i < n; i++) {
      float e = (float) Math.exp(x[xOff + i] - shift);
      out[outOff + i] = e;
      s += e;
    }
    return s;
  }

  @Override
  public void gelu(float[] x, int xOff, float[] y, int yOff, int n) {
    Activations.geluForward(x, xOff, y, yOff, n);
  }

  @Override
  public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    Activations.geluBackward(x, xOff, dy, dyOff, dx, dxOff, n);
  }
  @Override
  public void relu(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      y[yOff + i] = x[xOff + i] > 0f ? x[xOff + i] : 0f;
    }
  }

  @Override
  public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    for (int i = 0; i < n; i++) {
      dx[dxOff + i] += dy[dyOff + i] * (x[xOff + i] > 0f ? 1f : 0f);
    }
  }

  @Override
  public void elu(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      y[yOff + i] = v > 0f ? v : (float) Math.expm1(v);
    }
  }

  @Override
  public void eluBackward(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                          int n) {
    for (int i = 0; i < n; i++) {
      dx[dxOff + i] += dy[dyOff + i] * (x[xOff + i] > 0f ? 1f : y[yOff + i] + 1f);
    }
  }

  @Override
  public void silu(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      y[yOff + i] = v * Activations.sigmoid(v);
    }
  }

  @Override
  public void siluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      float s = Activations.sigmoid(v);
      dx[dxOff + i] += dy[dyOff + i] * (s * (1f + v * (1f - s)));
    }
  }

  @Override
  public void outerProductScanStep(float[] s, int m, int n, float[] a, int aOff, float[] b, int bOff,
                                   float[] c, int cOff, float[] y, int yOff) {
    for (int i = 0; i < m; i++) {
      int row = i * n;
      if (a != null) {
        axpy(a[aOff + i], b, bOff, s, row, n);
      }
      if (y != null) {
        axpy(c[cOff + i], s, row, y, yOff, n);
      }
    }
  }
}
