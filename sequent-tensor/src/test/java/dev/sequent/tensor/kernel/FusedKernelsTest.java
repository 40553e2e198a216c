package dev.sequent.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.tensor.Rng;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sub, addProduct, addScaledRows, the LayerNorm row kernels and the dropout mask, for both implementations: exact
 * where the kernel is one IEEE operation per element (or integer work), against a double reference otherwise.
 */
class FusedKernelsTest {

  private static final int[] LENGTHS = {0, 1, 3, 7, 8, 15, 16, 17, 31, 63, 64, 65, 100, 257};

  static Stream<Kernels> implementations() {
    return GemmKernelsTest.implementations().stream();
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void addScaledRowsHasTheBitsOfThePlainLoop(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(4);
    int rows = 7;
    for (int n : new int[] {0, 1, 15, 16, 17, 63, 64, 65, 200}) {
      int ldx = n + 3;
      float[] x = random(rnd, 2 + rows * ldx);
      float[] alphas = random(rnd, rows + 1);
      float[] out = random(rnd, n + 4);
      float[] want = out.clone();
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < n; i++) {
          want[4 + i] += alphas[1 + r] * x[2 + r * ldx + i];
        }
      }
      kernels.addScaledRows(alphas, 1, rows, x, 2, ldx, out, 4, n);
      assertArrayEquals(want, out, kernels.name() + " n=" + n);
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void subAndAddProductAreExact(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int n : LENGTHS) {
      float[] a = random(rnd, n + 2);
      float[] b = random(rnd, n + 5);
      float[] out = random(rnd, n + 4);
      float[] want = out.clone();
      for (int i = 0; i < n; i++) {
        want[4 + i] += a[2 + i] * b[5 + i];
      }
      kernels.addProduct(a, 2, b, 5, out, 4, n);
      assertArrayEquals(want, out, kernels.name() + " addProduct n=" + n);
      for (int i = 0; i < n; i++) {
        want[4 + i] = a[2 + i] - b[5 + i];
      }
      kernels.sub(a, 2, b, 5, out, 4, n);
      assertArrayEquals(want, out, kernels.name() + " sub n=" + n);
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void layerNormRowKernels(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int n : LENGTHS) {
      String at = kernels.name() + " n=" + n;
      float[] x = random(rnd, n + 3);
      float[] gamma = random(rnd, n + 1);
      float[] beta = random(rnd, n + 2);
      float mean = 0.1f;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        sq += ((double) x[3 + i] - mean) * ((double) x[3 + i] - mean);
      }
      assertEquals(sq, kernels.sumSquaredDeviations(x, 3, n, mean), 1e-5 * (sq + 1), at + " sumSq");

      float[] xhat = new float[n + 1];
      float[] y = new float[n + 2];
      kernels.layerNormRow(x, 3, mean, 1.5f, gamma, 1, beta, 2, xhat, 1, y, 2, n);
      for (int i = 0; i < n; i++) {
        float h = (x[3 + i] - mean) * 1.5f;
        assertEquals(h, xhat[1 + i], at + " xhat");
        assertEquals(h * gamma[1 + i] + beta[2 + i], y[2 + i], at + " y");
      }

      float[] dy = random(rnd, n + 1);
      float[] dGamma = random(rnd, n);
      float[] dBeta = random(rnd, n);
      float[] wantGamma = dGamma.clone();
      float[] wantBeta = dBeta.clone();
      double s0 = 0;
      double s1 = 0;
      for (int i = 0; i < n; i++) {
        wantGamma[i] += dy[1 + i] * xhat[1 + i];
        wantBeta[i] += dy[1 + i];
        double dh = (double) dy[1 + i] * gamma[1 + i];
        s0 += dh;
        s1 += dh * xhat[1 + i];
      }
      float[] sums = new float[2];
      kernels.layerNormBackwardRow(dy, 1, xhat, 1, gamma, 1, dGamma, dBeta, n, sums);
      assertArrayEquals(wantGamma, dGamma, at + " dGamma");
      assertArrayEquals(wantBeta, dBeta, at + " dBeta");
      assertEquals(s0, sums[0], 1e-5 * (Math.abs(s0) + 1), at + " sumDh");
      assertEquals(s1, sums[1], 1e-5 * (Math.abs(s1) + 1), at + " sumDhXhat");

      float[] dx = random(rnd, n + 2);
      float[] added = dx.clone();
      float[] assigned = dx.clone();
      kernels.layerNormInputGrad(dy, 1, xhat, 1, gamma, 1, 0.7f, 0.2f, -0.3f, added, 2, n, false);
      kernels.layerNormInputGrad(dy, 1, xhat, 1, gamma, 1, 0.7f, 0.2f, -0.3f, assigned, 2, n, true);
      for (int i = 0; i < n + 2; i++) {
        if (i < 2) {
          assertEquals(dx[i], added[i], at + " wrote before dx");
          assertEquals(dx[i], assigned[i], at + " wrote before dx");
          continue;
        }
        float v = 0.7f * (dy[i - 1] * gamma[i - 1] - 0.2f - xhat[i - 1] * -0.3f);
        assertEquals(v, assigned[i], at + " dx assigned");
        assertEquals(dx[i] + v, added[i], at + " dx added");
      }
    }
  }

  /** The dropout mask as the engine always drew it: one SplitMix64 draw per two elements, low half first. */
  private static float[] referenceMask(long seed, long threshold, float scale, int n) {
    float[] mask = new float[n];
    Rng stream = new Rng(seed);
    for (int i = 0; i < n; i += 2) {
      long bits = stream.nextLong();
      mask[i] = (bits & 0xFFFFFFFFL) < threshold ? 0f : scale;
      if (i + 1 < n) {
        mask[i + 1] = (bits >>> 32) < threshold ? 0f : scale;
      }
    }
    return mask;
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void dropoutMaskMatchesTheSerialStream(Kernels kernels) {
    int[] lengths = {0, 1, 2, 15, 16, 17, 31, 32, 33, 1000, 65536};
    double[] probabilities = {0.0, 1e-9, 0.2, 0.5, 0.9, 0.999999};
    for (int n : lengths) {
      for (double p : probabilities) {
        long threshold = (long) (p * 4294967296.0);
        float scale = (float) (1 / (1 - p));
        long seed = 0x1234567890ABCDEFL * (n + 1) + threshold;
        float[] mask = new float[n + 3];
        kernels.dropoutMask(seed, threshold, scale, mask, 3, n);
        float[] want = new float[n + 3];
        System.arraycopy(referenceMask(seed, threshold, scale, n), 0, want, 3, n);
        assertArrayEquals(want, mask, kernels.name() + " n=" + n + " p=" + p);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("implementations")
  void firstAboveFindsTheFirstValueStrictlyAboveTheThreshold(Kernels kernels) {
    SplittableRandom rnd = new SplittableRandom(6);
    for (int n : LENGTHS) {
      float[] x = random(rnd, n + 5);
      for (int trial = 0; trial < 20; trial++) {
        int from = rnd.nextInt(3);
        int to = Math.max(from, n + 5 - rnd.nextInt(3));
        float threshold = (float) (rnd.nextDouble() * 2.2 - 0.1);
        int want = from;
        while (want < to && !(x[want] > threshold)) {
          want++;
        }
        assertEquals(want, kernels.firstAbove(x, from, to, threshold), kernels.name() + " n=" + n);
      }
      // Equal is not above: the first value itself as threshold skips it.
      if (n > 0) {
        java.util.Arrays.fill(x, 0.5f);
        assertEquals(n + 5, kernels.firstAbove(x, 0, n + 5, 0.5f), kernels.name() + " ties n=" + n);
      }
    }
  }
}
