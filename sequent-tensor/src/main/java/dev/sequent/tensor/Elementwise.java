package dev.sequent.tensor;

import dev.sequent.tensor.kernel.Kernels;

/**
 * Fast paths of the broadcasting arithmetic for the two shapes that dominate models: operands of the same
 * shape, and a right operand repeated along every row (a bias or scale vector over the last axes). Add,
 * subtract and multiply run on the vector kernels; divide keeps plain loops (rare in models).
 */
final class Elementwise {
  /** Rows per block of the column-sum reduction; fixed, so results do not depend on the thread count. */
  private static final int ROW_BLOCK = 512;
  private static final int MIN_CHUNK = 1 << 14;

  private Elementwise() {}

  static Tensor sameShape(Tensor a, Tensor b, Tensor.BinaryOp kind, String name) {
    int n = a.size();
    Tensor out = Tensor.empty(a.shape());
    float[] x = a.data();
    float[] y = b.data();
    float[] z = out.data();
    int xo = a.offset();
    int yo = b.offset();
    Kernels kern = Kernels.get();
    Parallel.forRange(n, MIN_CHUNK, (from, to) -> {
      int len = to - from;
      switch (kind) {
        case ADD -> kern.add(x, xo + from, y, yo + from, z, from, len);
        case SUB -> kern.sub(x, xo + from, y, yo + from, z, from, len);
        case MUL -> kern.mul(x, xo + from, y, yo + from, z, from, len);
        default -> {
          for (int i = from; i < to; i++) {
            z[i] = x[xo + i] / y[yo + i];
          }
        }
      }
    });
    return Tensor.record(out, name, o -> {
      float[] g = o.grad();
      // The first gradient written into a fresh buffer overwrites it (no zero fill, no read); a and b may
      // share a buffer, so b is claimed after a and every chunk writes a's part before b's.
      boolean freshA = a.requiresGrad() && a.initGradForOverwrite();
      float[] ga = a.requiresGrad() ? a.grad() : null;
      boolean freshB = b.requiresGrad() && b.initGradForOverwrite();
      float[] gb = b.requiresGrad() ? b.grad() : null;
      Parallel.forRange(n, MIN_CHUNK, (from, to) -> {
        int len = to - from;
        switch (kind) {
          case ADD, SUB -> {
            if (ga != null) {
              if (freshA) {
                System.arraycopy(g, from, ga, xo + from, len);
              } else {
                kern.add(ga, xo + from, g, from, ga, xo + from, len);
              }
            }
            if (gb != null) {
              if (kind == Tensor.BinaryOp.ADD) {
                if (freshB) {
                  System.arraycopy(g, from, gb, yo + from, len);
                } else {
                  kern.add(gb, yo + from, g, from, gb, yo + from, len);
                }
              } else if (freshB) {
                java.util.Arrays.fill(gb, yo + from, yo + to, 0f);
                kern.sub(gb, yo + from, g, from, gb, yo + from, len);
              } else {
                kern.sub(gb, yo + from, g, from, gb, yo + from, len);
              }
            }
          }
          case MUL -> {
            if (ga != null) {
              if (freshA) {
                kern.mul(g, from, y, yo + from, ga, xo + from, len);
              } else {
                kern.addProduct(g, from, y, yo + from, ga, xo + from, len);
              }
            }
            if (gb != null) {
              if (freshB) {
                kern.mul(g, from, x, xo + from, gb, yo + from, len);
              } else {
                kern.addProduct(g, from, x, xo + from, gb, yo + from, len);
              }
            }
          }
          default -> {
            if (ga != null) {
              for (int i = from; i < to; i++) {
                float v = g[i] / y[yo + i];
                ga[xo + i] = freshA ? v : ga[xo + i] + v;
              }
            }
            if (gb != null) {
              for (int i = from; i < to; i++) {
                float yv = y[yo + i];
                float base = freshB ? 0f : gb[yo + i];
                gb[yo + i] = base - g[i] * x[xo + i] / (yv * yv);
              }
            }
          }
        }
      });
    }, a, b);
  }

  /** out[r, j] = a[r, j] op b[j] for a viewed as [rows, n] and b of size n. */
  static Tensor rowBroadcast(Tensor a, Tensor b, Tensor.BinaryOp kind, String name) {
    int n = b.size();
    int rows = n == 0 ? 0 : a.size() / n;
    Tensor out = Tensor.empty(a.shape());
    float[] x = a.data();
    float[] y = b.data();
    float[] z = out.data();
    int xo = a.offset();
    int yo = b.offset();
    Kernels kern = Kernels.get();
    Parallel.forRange(rows, Math.max(1, MIN_CHUNK / Math.max(1, n)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int base = r * n;
        switch (kind) {
          case ADD -> kern.add(x, xo + base, y, yo, z, base, n);
          case SUB -> kern.sub(x, xo + base, y, yo, z, base, n);
          case MUL -> kern.mul(x, xo + base, y, yo, z, base, n);
          default -> {
            for (int j = 0; j < n; j++) {
              z[base + j] = x[xo + base + j] / y[yo + j];
            }
          }
        }
      }
    });
    return Tensor.record(out, name, o -> {
      float[] g = o.grad();
      boolean freshA = a.requiresGrad() && a.initGradForOverwrite();
      float[] ga = a.requiresGrad() ? a.grad() : null;
      int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
      float[][] partial = b.requiresGrad() ? new float[blocks][n] : null;
      Parallel.forRange(blocks, 1, (bFrom, bTo) -> {
        for (int blk = bFrom; blk < bTo; blk++) {
          float[] p = partial == null ? null : partial[blk];
          int rEnd = Math.min(rows, (blk + 1) * ROW_BLOCK);
          for (int r = blk * ROW_BLOCK; r < rEnd; r++) {
            int base = r * n;
            switch (kind) {
              case ADD, SUB -> {
                if (ga != null) {
                  if (freshA) {
                    System.arraycopy(g, base, ga, xo + base, n);
                  } else {
                    kern.add(ga, xo + base, g, base, ga, xo + base, n);
                  }
                }
                if (p != null) {
                  kern.add(p, 0, g, base, p, 0, n);
                }
              }
              case MUL -> {
                if (ga != null) {
                  if (freshA) {
                    kern.mul(g, base, y, yo, ga, xo + base, n);
                  } else {
                    kern.addProduct(g, base, y, yo, ga, xo + base, n);
                  }
                }
                if (p != null) {
                  kern.addProduct(g, base, x, xo + base, p, 0, n);
                }
              }
              default -> {
                for (int j = 0; ga != null && j < n; j++) {
                  float v = g[base + j] / y[yo + j];
                  ga[xo + base + j] = freshA ? v : ga[xo + base + j] + v;
                }
                for (int j = 0; p != null && j < n; j++) {
                  float yv = y[yo + j];
                  p[j] -= g[base + j] * x[xo + base + j] / (yv * yv);
                }
              }
            }
          }
        }
      });
      if (partial != null) {
        addBlockPartials(partial, kind == Tensor.BinaryOp.SUB ? -1f : 1f, b.grad(), yo, n);
      }
    }, a, b);
  }

  /**
   * dst[dstOff + j] += Σ_r g[gOff + r·n + j] over rows [0, rows): partial sums per block of ROW_BLOCK rows,
   * added in block order, so the result does not depend on the thread count (the bias gradient of linear).
   */
  static void columnSums(float[] g, int gOff, int rows, int n, float[] dst, int dstOff) {
    Kernels kern = Kernels.get();
    int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
    float[][] partial = new float[blocks][n];
    Parallel.forRange(blocks, 1, (bFrom, bTo) -> {
      for (int blk = bFrom; blk < bTo; blk++) {
        float[] p = partial[blk];
        int rEnd = Math.min(rows, (blk + 1) * ROW_BLOCK);
        for (int r = blk * ROW_BLOCK; r < rEnd; r++) {
          kern.add(p, 0, g, gOff + r * n, p, 0, n);
        }
      }
    });
    addBlockPartials(partial, 1f, dst, dstOff, n);
  }

  private static void addBlockPartials(float[][] partial, float sign, float[] dst, int dstOff, int n) {
    for (float[] p : partial) {
      for (int j = 0; j < n; j++) {
        dst[dstOff + j] += sign * p[j];
      }
    }
  }

  /** Whether {@code b}, without leading 1s, equals the trailing axes of {@code out}. */
  static boolean isRowVector(int[] b, int[] out) {
    int lead = 0;
    while (lead < b.length && b[lead] == 1) {
      lead++;
    }
    int len = b.length - lead;
    if (len > out.length) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b[lead + i] != out[out.length - len + i]) {
        return false;
      }
    }
    return true;
  }
}
