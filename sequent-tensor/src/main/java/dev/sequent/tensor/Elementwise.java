package dev.sequent.tensor;

/**
 * Fast paths of the broadcasting arithmetic for the two shapes that dominate models: operands of the same
 * shape, and a right operand repeated along every row (a bias or scale vector over the last axes). Each
 * op gets its own loop, so the JIT vectorises it.
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
    Parallel.forRange(n, MIN_CHUNK, (from, to) -> {
      switch (kind) {
        case ADD -> {
          for (int i = from; i < to; i++) {
            z[i] = x[xo + i] + y[yo + i];
          }
        }
        case SUB -> {
          for (int i = from; i < to; i++) {
            z[i] = x[xo + i] - y[yo + i];
          }
        }
        case MUL -> {
          for (int i = from; i < to; i++) {
            z[i] = x[xo + i] * y[yo + i];
          }
        }
        default -> {
          for (int i = from; i < to; i++) {
            z[i] = x[xo + i] / y[yo + i];
          }
        }
      }
    });
    return Tensor.record(out, name, o -> {
      float[] g = o.grad();
      float[] ga = a.requiresGrad() ? a.grad() : null;
      float[] gb = b.requiresGrad() ? b.grad() : null;
      Parallel.forRange(n, MIN_CHUNK, (from, to) -> {
        switch (kind) {
          case ADD, SUB -> {
            float sign = kind == Tensor.BinaryOp.ADD ? 1f : -1f;
            for (int i = from; ga != null && i < to; i++) {
              ga[xo + i] += g[i];
            }
            for (int i = from; gb != null && i < to; i++) {
              gb[yo + i] += sign * g[i];
            }
          }
          case MUL -> {
            for (int i = from; ga != null && i < to; i++) {
              ga[xo + i] += g[i] * y[yo + i];
            }
            for (int i = from; gb != null && i < to; i++) {
              gb[yo + i] += g[i] * x[xo + i];
            }
          }
          default -> {
            for (int i = from; ga != null && i < to; i++) {
              ga[xo + i] += g[i] / y[yo + i];
            }
            for (int i = from; gb != null && i < to; i++) {
              float yv = y[yo + i];
              gb[yo + i] -= g[i] * x[xo + i] / (yv * yv);
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
    Parallel.forRange(rows, Math.max(1, MIN_CHUNK / Math.max(1, n)), (from, to) -> {
      for (int r = from; r < to; r++) {
        int base = r * n;
        switch (kind) {
          case ADD -> {
            for (int j = 0; j < n; j++) {
              z[base + j] = x[xo + base + j] + y[yo + j];
            }
          }
          case SUB -> {
            for (int j = 0; j < n; j++) {
              z[base + j] = x[xo + base + j] - y[yo + j];
            }
          }
          case MUL -> {
            for (int j = 0; j < n; j++) {
              z[base + j] = x[xo + base + j] * y[yo + j];
            }
          }
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
                for (int j = 0; ga != null && j < n; j++) {
                  ga[xo + base + j] += g[base + j];
                }
                for (int j = 0; p != null && j < n; j++) {
                  p[j] += g[base + j];
                }
              }
              case MUL -> {
                for (int j = 0; ga != null && j < n; j++) {
                  ga[xo + base + j] += g[base + j] * y[yo + j];
                }
                for (int j = 0; p != null && j < n; j++) {
                  p[j] += g[base + j] * x[xo + base + j];
                }
              }
              default -> {
                for (int j = 0; ga != null && j < n; j++) {
                  ga[xo + base + j] += g[base + j] / y[yo + j];
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
        float[] gb = b.grad();
        float sign = kind == Tensor.BinaryOp.SUB ? -1f : 1f;
        for (float[] p : partial) {
          for (int j = 0; j < n; j++) {
            gb[yo + j] += sign * p[j];
          }
        }
      }
    }, a, b);
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
