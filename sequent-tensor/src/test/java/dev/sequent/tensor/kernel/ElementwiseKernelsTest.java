package dev.sequent.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * dot, axpy, scale, add, mul, sum, max, expShiftSum, ReLU, ELU, SiLU and the outer-product scan step against double references, for both
 * implementations, over lengths around the vector width (vector loop, unrolled loop, scalar tail)
 * and non-zero offsets.
 */
class ElementwiseKernelsTest {

  private static final int[] LENGTHS = {0, 1, 3, 7, 8, 15, 16, 17, 31, 63, 64, 65, 100, 257, 3416};

  static Stream<Kernels> implementations() {
    return GemmKernelsTest.implementations().stream();
  }

  private static float[] random(SplittableRandom rnd, int size, double scale) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
    }
    return x;
  }

  private static void close(double want, float got, double tol, String what) {
    if (!(Math.abs(got - want) <= tol)) {
      throw new AssertionError(what + ": got " + got + ", want " + want + " (tol " + tol + ")");
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void dotAxpyScaleAddMul(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(1);
    for (int n : LENGTHS) {
      String at = kernels.name() + " n=" + n;
      float[] a = random(rnd, n + 5, 1);
      float[] b = random(rnd, n + 9, 1);

      double dot = 0;
      double mag = 0;
      for (int i = 0; i < n; i++) {
        dot += (double) a[2 + i] * b[9 + i];
        mag += Math.abs((double) a[2 + i] * b[9 + i]);
      }
      close(dot, kernels.dot(a, 2, b, 9, n), 1e-6 * mag + 1e-7, at + " dot");

      float[] y = b.clone();
      kernels.axpy(-0.75f, a, 5, y, 1, n);
      for (int i = 0; i < y.length; i++) {
        boolean inside = i >= 1 && i < 1 + n;
        double want = inside ? b[i] - 0.75 * a[5 + i - 1] : b[i];
        close(want, y[i], 1e-6 * (Math.abs(want) + 1), at + " axpy[" + i + "]");
      }

      // scale, add and mul are single IEEE operations per element: exact agreement expected.
      float[] x = a.clone();
      kernels.scale(3.5f, x, 4, n);
      for (int i = 0; i < x.length; i++) {
        float want = i >= 4 && i < 4 + n ? a[i] * 3.5f : a[i];
        assertEquals(want, x[i], at + " scale[" + i + "]");
      }
      float[] out = new float[n + 6];
      kernels.add(a, 1, b, 3, out, 6, n);
      for (int i = 0; i < n; i++) {
        assertEquals(a[1 + i] + b[3 + i], out[6 + i], at + " add[" + i + "]");
      }
      kernels.mul(a, 1, b, 3, out, 6, n);
      for (int i = 0; i < n; i++) {
        assertEquals(a[1 + i] * b[3 + i], out[6 + i], at + " mul[" + i + "]");
      }
      for (int i = 0; i < 6; i++) {
        assertEquals(0f, out[i], at + " wrote before out");
      }
      // In place (out aliases a) is allowed.
      float[] inPlace = a.clone();
      kernels.mul(inPlace, 0, b, 0, inPlace, 0, n);
      for (int i = 0; i < n; i++) {
        assertEquals(a[i] * b[i], inPlace[i], at + " in-place mul[" + i + "]");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void sumAndMax(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(2);
    for (int n : LENGTHS) {
      String at = kernels.name() + " n=" + n;
      float[] x = random(rnd, n + 3, 100);
      double sum = 0;
      double mag = 0;
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        sum += x[3 + i];
        mag += Math.abs(x[3 + i]);
        max = Math.max(max, x[3 + i]);
      }
      close(sum, kernels.sum(x, 3, n), 1e-6 * mag + 1e-6, at + " sum");
      assertEquals(max, kernels.max(x, 3, n), at + " max");
      if (n > 0) {
        x[3 + n / 2] = Float.NaN;
        assertTrue(Float.isNaN(kernels.max(x, 3, n)), at + " max with NaN");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void expShiftSumMatchesReference(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int n : LENGTHS) {
      String at = kernels.name() + " n=" + n;
      float[] x = random(rnd, n + 2, 30);
      float shift = kernels.max(x, 2, n);
      float[] out = new float[n + 1];
      float s = kernels.expShiftSum(x, 2, out, 1, n, n == 0 ? 0f : shift);
      double sum = 0;
      for (int i = 0; i < n; i++) {
        double want = Math.exp((double) (x[2 + i] - shift));
        sum += want;
        close(want, out[1 + i], 2e-7 * want, at + " exp[" + i + "]");
      }
      assertEquals(0f, out[0], at + " wrote before out");
      // float accumulation: the error of a sum of n positive terms grows like sqrt(n)·eps.
      close(sum, s, 5e-7 * Math.sqrt(n) * sum + 1e-30, at + " sum of exp");
    }
  }

  /** Relative error of exp over a dense grid of [-88, 88], and the special values. */
  @ParameterizedTest
  @MethodSource("implementations")
  void expAccuracyOverFullRange(Kernels kernels) {
    int n = 1 << 20;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = -88f + 176f * i / (n - 1);
    }
    float[] out = new float[n];
    kernels.expShiftSum(x, 0, out, 0, n, 0f);
    double worst = 0;
    float worstAt = 0;
    for (int i = 0; i < n; i++) {
      double want = Math.exp(x[i]);
      double rel = Math.abs(out[i] - want) / want;
      if (rel > worst) {
        worst = rel;
        worstAt = x[i];
      }
    }
    assertTrue(worst <= 2e-7, kernels.name() + ": max relative error " + worst + " at " + worstAt);

    float[] special = {Float.NEGATIVE_INFINITY, -104f, -1e30f, 0f, -0f, 89f, 1e30f,
        Float.POSITIVE_INFINITY, Float.NaN};
    float[] got = new float[special.length];
    kernels.expShiftSum(special, 0, got, 0, special.length, 0f);
    assertEquals(0f, got[0], "exp(-inf)");
    assertEquals(0f, got[1], "exp(-104)");
    assertEquals(0f, got[2], "exp(-1e30)");
    assertEquals(1f, got[3], "exp(0)");
    assertEquals(1f, got[4], "exp(-0)");
    assertEquals(Float.POSITIVE_INFINITY, got[5], "exp(89)");
    assertEquals(Float.POSITIVE_INFINITY, got[6], "exp(1e30)");
    assertEquals(Float.POSITIVE_INFINITY, got[7], "exp(inf)");
    assertTrue(Float.isNaN(got[8]), "exp(NaN)");
  }

  /** A value gives the same bits whether it lands in a vector lane or in the scalar tail. */
  @ParameterizedTest
  @MethodSource("implementations")
  void expSameBitsInLanesAndTail(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(4);
    float[] x = random(rnd, 200, 80);
    float[] bulk = new float[x.length];
    kernels.expShiftSum(x, 0, bulk, 0, x.length, 0.25f);
    float[] one = new float[1];
    for (int i = 0; i < x.length; i++) {
      kernels.expShiftSum(x, i, one, 0, 1, 0.25f);
      assertEquals(Float.floatToRawIntBits(bulk[i]), Float.floatToRawIntBits(one[0]), "x=" + x[i]);
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void reductionsAreDeterministic(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(5);
    float[] x = random(rnd, 5000, 10);
    float[] y = random(rnd, 5000, 10);
    float[] out = new float[5000];
    int sum = Float.floatToRawIntBits(kernels.sum(x, 1, 4999));
    int dot = Float.floatToRawIntBits(kernels.dot(x, 0, y, 0, 5000));
    int exp = Float.floatToRawIntBits(kernels.expShiftSum(x, 0, out, 0, 5000, 10f));
    // Enough repetitions for the JIT to compile the kernels in between.
    for (int r = 0; r < 3000; r++) {
      assertEquals(sum, Float.floatToRawIntBits(kernels.sum(x, 1, 4999)));
      assertEquals(dot, Float.floatToRawIntBits(kernels.dot(x, 0, y, 0, 5000)));
      assertEquals(exp, Float.floatToRawIntBits(kernels.expShiftSum(x, 0, out, 0, 5000, 10f)));
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void vectorAgreesWithScalar(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(6);
    float[] x = random(rnd, 3416, 20);
    float[] y = random(rnd, 3416, 20);
    Kernels ref = Kernels.scalar();
    close(ref.sum(x, 0, 3416), kernels.sum(x, 0, 3416), 1e-3, "sum");
    close(ref.dot(x, 0, y, 0, 3416), kernels.dot(x, 0, y, 0, 3416), 1e-1, "dot");
    assertEquals(ref.max(x, 0, 3416), kernels.max(x, 0, 3416));
    float[] o1 = new float[3416];
    float[] o2 = new float[3416];
    float s1 = ref.expShiftSum(x, 0, o1, 0, 3416, 20f);
    float s2 = kernels.expShiftSum(x, 0, o2, 0, 3416, 20f);
    close(s1, s2, 5e-7 * Math.sqrt(3416) * s1, "expShiftSum");
    for (int i = 0; i < 3416; i++) {
      close(o1[i], o2[i], 3e-7 * o1[i], "exp[" + i + "]");
    }
  }
  @ParameterizedTest
  @MethodSource("implementations")
  void eluMatchesExpm1(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int n : LENGTHS) {
      float[] x = random(rnd, n + 2, 8);
      if (n > 4) {
        x[2] = 0f;
        x[3] = -1e-6f;  // where exp(x) − 1 would lose every digit
        x[4] = -100f;
        x[5] = Float.NaN;
      }
      float[] y = new float[n + 1];
      kernels.elu(x, 2, y, 1, n);
      float[] dy = random(rnd, n, 1);
      float[] dx = random(rnd, n + 3, 1);
      float[] dx0 = dx.clone();
      kernels.eluBackward(x, 2, y, 1, dy, 0, dx, 3, n);
      for (int i = 0; i < n; i++) {
        double v = x[2 + i];
        String at = kernels.name() + " elu(" + v + ")";
        if (Double.isNaN(v)) {
          assertTrue(Float.isNaN(y[1 + i]) && Float.isNaN(dx[3 + i]), at);
          continue;
        }
        double want = v > 0 ? v : Math.expm1(v);
        close(want, y[1 + i], 2.5e-7 * Math.abs(want), at);
        double slope = v > 0 ? 1 : Math.exp(v);
        close(dx0[3 + i] + dy[i] * slope, dx[3 + i], 3e-7 * (Math.abs(dx0[3 + i]) + Math.abs(dy[i])), at + "'");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void reluKeepsPositivesAndPassesTheirGradient(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(10);
    for (int n : LENGTHS) {
      float[] x = random(rnd, n + 1, 3);
      if (n > 2) {
        x[1] = 0f;
        x[2] = Float.NaN;
      }
      float[] y = new float[n];
      kernels.relu(x, 1, y, 0, n);
      float[] dy = random(rnd, n, 1);
      float[] dx = random(rnd, n, 1);
      float[] dx0 = dx.clone();
      kernels.reluBackward(x, 1, dy, 0, dx, 0, n);
      for (int i = 0; i < n; i++) {
        boolean positive = x[1 + i] > 0f;
        String at = kernels.name() + " relu(" + x[1 + i] + ")";
        assertEquals(positive ? x[1 + i] : 0f, y[i], at);
        assertEquals(positive ? dx0[i] + dy[i] : dx0[i], dx[i], at + "'");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void siluMatchesReference(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(9);
    for (int n : LENGTHS) {
      float[] x = random(rnd, n + 1, 12);
      if (n > 3) {
        x[1] = 0f;
        x[2] = -120f;
        x[3] = 120f;
      }
      float[] y = new float[n + 2];
      kernels.silu(x, 1, y, 2, n);
      float[] dy = random(rnd, n, 1);
      float[] dx = random(rnd, n, 1);
      float[] dx0 = dx.clone();
      kernels.siluBackward(x, 1, dy, 0, dx, 0, n);
      for (int i = 0; i < n; i++) {
        double v = x[1 + i];
        double s = 1 / (1 + Math.exp(-v));
        String at = kernels.name() + " silu(" + v + ")";
        close(v * s, y[2 + i], 4e-7 * Math.abs(v * s) + 1e-30, at);
        close(dx0[i] + dy[i] * s * (1 + v * (1 - s)), dx[i], 1e-6 * (Math.abs(dx0[i]) + Math.abs(dy[i])), at + "'");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void outerProductScanStepUpdatesThenReadsOut(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(8);
    for (int n : new int[] {1, 5, 16, 17, 40}) {
      int m = 3;
      for (boolean update : new boolean[] {true, false}) {
        for (boolean read : new boolean[] {true, false}) {
          String at = kernels.name() + " n=" + n + " update=" + update + " read=" + read;
          float[] s = random(rnd, m * n, 1);
          float[] a = random(rnd, m + 1, 1);
          float[] b = random(rnd, n + 2, 1);
          float[] c = random(rnd, m + 3, 1);
          float[] y = random(rnd, n + 4, 1);
          double[] wantS = new double[m * n];
          double[] wantY = new double[n];
          for (int j = 0; j < n; j++) {
            wantY[j] = y[4 + j];
            for (int i = 0; i < m; i++) {
              wantS[i * n + j] = s[i * n + j] + (update ? (double) a[1 + i] * b[2 + j] : 0);
              wantY[j] += read ? c[3 + i] * wantS[i * n + j] : 0;
            }
          }
          float[] y0 = y.clone();
          kernels.outerProductScanStep(s, m, n, update ? a : null, 1, b, 2, c, 3, read ? y : null, 4);
          for (int k = 0; k < m * n; k++) {
            close(wantS[k], s[k], 1e-6, at + " s[" + k + "]");
          }
          for (int j = 0; j < 4; j++) {
            assertEquals(y0[j], y[j], at + " y before the range");
          }
          for (int j = 0; j < n; j++) {
            close(wantY[j], y[4 + j], 1e-5, at + " y[" + j + "]");
          }
        }
      }
    }
  }
}
