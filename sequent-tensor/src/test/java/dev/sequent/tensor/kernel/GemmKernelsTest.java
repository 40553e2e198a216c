package dev.sequent.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.tensor.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GEMM against a double-precision reference, for both implementations, every transpose variant and
 * shapes chosen to hit each path of the blocked kernel: the direct small path, ragged M and N tiles,
 * several KC, MC and NC blocks, row and column thread splits, padded strides and offsets.
 */
class GemmKernelsTest {

  /**
   * m, n, k. Comments say which path the shape is there for (at 512 bit: 6 × 64 register tiles,
   * K blocks of 256, B blocks of 128K floats).
   */
  private static final int[][] SHAPES = {
      {1, 1, 1},        // direct path, single element
      {7, 13, 5},       // direct path, nothing aligned
      {6, 64, 3416},    // one full tile, many K blocks, the last one ragged
      {13, 67, 41},     // blocked: ragged M and N, N edge narrower than a vector
      {100, 130, 70},   // row split, ragged M and N edges together
      {97, 3, 200},     // row split with n far below one tile
      {5, 200, 90},     // column split, m below one tile
      {64, 200, 800},   // dW-like: column split, 64 = 10·6 + 4 edge rows, several K blocks
      {150, 64, 777},   // dX-like: row split, K blocks, exact tile width
      {1, 100, 400},    // a single row (GEMV)
      {23, 700, 400},   // more than one column block of B (512 columns when kc = 256)
      {800, 70, 20},    // one slice of ≥ 384 rows: a plain B is packed too, ragged edge padded
      {200, 32, 200},   // attention's P·V: every tile half-width (32 columns), written in place at 512 bit
      {200, 48, 32},    // a tile between half and full width, over ragged rows
      {44, 96, 64},     // a full tile, then an exact half-width edge tile
  };

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Kernels impl : implementations()) {
      for (int[] s : SHAPES) {
        for (int t = 0; t < 4; t++) {
          out.add(Arguments.of(impl.name(), s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
        }
      }
    }
    return out.stream();
  }

  static List<Kernels> implementations() {
    List<Kernels> list = new ArrayList<>(List.of(Kernels.scalar()));
    if (Kernels.get() != Kernels.scalar()) {
      list.add(Kernels.get());
    }
    return list;
  }

  static Kernels byName(String name) {
    return implementations().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
  }

  /** Row-major operands with padded strides, offsets and sentinel padding, plus the reference. */
  static final class Problem {
    final boolean transA;
    final boolean transB;
    final int m;
    final int n;
    final int k;
    final int lda;
    final int ldb;
    final int ldc;
    final int aOff = 3;
    final int bOff = 5;
    final int cOff = 7;
    final float[] a;
    final float[] b;
    final float[] c;
    private double[] product; // A·B in double, computed on first use
    private double[] magnitude; // Σ|a·b| per element, to scale the tolerance

    Problem(int m, int n, int k, boolean transA, boolean transB, long seed) {
      this.m = m;
      this.n = n;
      this.k = k;
      this.transA = transA;
      this.transB = transB;
      SplittableRandom rnd = new SplittableRandom(seed);
      int aRows = transA ? k : m;
      int aCols = transA ? m : k;
      int bRows = transB ? n : k;
      int bCols = transB ? k : n;
      lda = aCols + 3;
      ldb = bCols + 2;
      ldc = n + 4;
      a = random(rnd, aOff + aRows * lda);
      b = random(rnd, bOff + bRows * ldb);
      c = random(rnd, cOff + m * ldc + 3);
    }

    private static float[] random(SplittableRandom rnd, int size) {
      float[] x = new float[size];
      for (int i = 0; i < size; i++) {
        x[i] = (float) (rnd.nextDouble() * 2 - 1);
      }
      return x;
    }

    double a(int i, int p) {
      return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
    }

    double b(int p, int j) {
      return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
    }

    float[] run(Kernels kernels, float beta, float[] c0) {
      float[] out = c0.clone();
      kernels.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
      return out;
    }

    /** Checks out = A·B + beta·c0 within a bound scaled by Σ|a·b|, and that padding is untouched. */
    void check(String label, float[] out, float beta, float[] c0) {
      for (int idx = 0; idx < out.length; idx++) {
        int rel = idx - cOff;
        boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
        if (!inside) {
          assertEquals(Float.floatToRawIntBits(c0[idx]), Float.floatToRawIntBits(out[idx]),
              label + ": wrote outside C at " + idx);
        }
      }
      if (product == null) {
        product = new double[m * n];
        magnitude = new double[m * n];
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
              double t = a(i, p) * b(p, j);
              product[i * n + j] += t;
              magnitude[i * n + j] += Math.abs(t);
            }
          }
        }
      }
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double prior = beta == 0f ? 0 : beta * (double) c0[cOff + i * ldc + j];
          double want = product[i * n + j] + prior;
          float got = out[cOff + i * ldc + j];
          // fp32 accumulation error grows with k and with the magnitudes summed; a wrong or
          // missing term (|a·b| ~ 0.25 here) is far above this bound.
          double tol = 1e-5 * (magnitude[i * n + j] + Math.abs(prior)) + 1e-6;
          if (!(Math.abs(got - want) <= tol)) {
            throw new AssertionError(label + ": C[" + i + "," + j + "] = " + got + ", want "
                + want + " (tol " + tol + ")");
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}x{2}x{3} transA={4} transB={5}")
  @MethodSource("cases")
  void matchesDoubleReference(String impl, int m, int n, int k, boolean transA, boolean transB) {
    Kernels kernels = byName(impl);
    Problem pr = new Problem(m, n, k, transA, transB, 31L * m + 7L * n + k);
    String label = impl + " " + m + "x" + n + "x" + k + " tA=" + transA + " tB=" + transB;

    float[] nanC = pr.c.clone();
    for (int i = 0; i < pr.m; i++) {
      java.util.Arrays.fill(nanC, pr.cOff + i * pr.ldc, pr.cOff + i * pr.ldc + pr.n, Float.NaN);
    }
    pr.check(label + " beta=0 over NaN", pr.run(kernels, 0f, nanC), 0f, nanC);
    pr.check(label + " beta=1", pr.run(kernels, 1f, pr.c), 1f, pr.c);
    pr.check(label + " beta=0.5", pr.run(kernels, 0.5f, pr.c), 0.5f, pr.c);
  }

  @Test
  void zeroKScalesC() {
    for (Kernels kernels : implementations()) {
      float[] c = {1f, Float.NaN, 3f, 4f};
      kernels.gemm(false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, 0f, c, 0, 2);
      assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, c, kernels.name());
      float[] d = {1f, 2f, 3f, 4f};
      kernels.gemm(true, true, 2, 2, 0, new float[0], 0, 2, new float[0], 0, 0, 2f, d, 0, 2);
      assertArrayEquals(new float[] {2f, 4f, 6f, 8f}, d, kernels.name());
    }
  }

  @Test
  void aColumnOfCDoesNotDependOnHowWideCIs() {
    // Narrow tiles take a half-width kernel; each element must still get the same FMAs in the same order, so
    // a product's first columns are bit-identical whether C is 8, 32, 40 or 96 columns wide.
    SplittableRandom rng = new SplittableRandom(5);
    int m = 50;
    int k = 300;
    int wide = 96;
    float[] a = new float[m * k];
    float[] b = new float[k * wide];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rng.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) rng.nextGaussian();
    }
    Kernels kernels = Kernels.get();
    float[] full = new float[m * wide];
    kernels.gemm(false, false, m, wide, k, a, 0, k, b, 0, wide, 0f, full, 0, wide);
    for (int n : new int[] {8, 32, 40, 64}) {
      float[] part = new float[m * n];
      kernels.gemm(false, false, m, n, k, a, 0, k, b, 0, wide, 0f, part, 0, n);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          assertEquals(full[i * wide + j], part[i * n + j], "n = " + n + ", C[" + i + "," + j + "]");
        }
      }
    }
  }

  @Test
  void vectorAndScalarAgree() {
    Kernels vector = Kernels.get();
    Kernels scalar = Kernels.scalar();
    for (int t = 0; t < 4; t++) {
      Problem pr = new Problem(45, 150, 420, (t & 1) != 0, (t & 2) != 0, t);
      float[] v = pr.run(vector, 1f, pr.c);
      float[] s = pr.run(scalar, 1f, pr.c);
      for (int i = 0; i < v.length; i++) {
        assertTrue(Math.abs(v[i] - s[i]) <= 2e-4f * (1 + Math.abs(s[i])),
            "element " + i + ": " + v[i] + " vs " + s[i]);
      }
    }
  }

  @Test
  void deterministicAcrossCallsAndThreadCounts() {
    int before = Parallel.threads();
    try {
      for (int t = 0; t < 4; t++) {
        // Big enough for the blocked, multi-threaded path in both split directions.
        for (int[] s : new int[][] {{130, 70, 900}, {40, 300, 500}}) {
          Problem pr = new Problem(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 99 + t);
          Parallel.setThreads(2);
          float[] first = pr.run(Kernels.get(), 1f, pr.c);
          float[] second = pr.run(Kernels.get(), 1f, pr.c);
          Parallel.setThreads(1);
          float[] serial = pr.run(Kernels.get(), 1f, pr.c);
          for (int i = 0; i < first.length; i++) {
            int bits = Float.floatToRawIntBits(first[i]);
            assertEquals(bits, Float.floatToRawIntBits(second[i]), "call to call, element " + i);
            assertEquals(bits, Float.floatToRawIntBits(serial[i]), "2 vs 1 thread, element " + i);
          }
        }
      }
    } finally {
      Parallel.setThreads(before);
    }
  }
}
