package dev.sequent.tensor;

import static dev.sequent.tensor.SeqConvTest.assertClose;
import static dev.sequent.tensor.SeqConvTest.assertMessage;
import static dev.sequent.tensor.SeqConvTest.runWithGrads;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Seq#cumsum} and {@link Seq#rope}. */
class SeqCumsumRopeTest {

  // ---------------------------------------------------------------- cumsum

  private static double[] naiveCumsum(Tensor x, int axis) {
    int[] shape = x.shape();
    int outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= shape[i];
    }
    int n = shape[axis];
    int inner = x.size() / (outer * n);
    double[] y = new double[x.size()];
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < inner; k++) {
        double acc = 0;
        for (int s = 0; s < n; s++) {
          int idx = (o * n + s) * inner + k;
          acc += x.get(idx);
          y[idx] = acc;
        }
      }
    }
    return y;
  }

  @Test
  void cumsumMatchesNaiveOnEveryAxis() {
    Rng rng = new Rng(41);
    Tensor x = Tensor.normal(rng, 0f, 1f, 2, 5, 3);
    for (int axis = 0; axis < 3; axis++) {
      assertClose(naiveCumsum(x, axis), Seq.cumsum(x, axis).toArray(), 1e-5, "axis " + axis);
    }
    assertClose(naiveCumsum(x, 2), Seq.cumsum(x, -1).toArray(), 1e-5, "axis -1");
    // Several column blocks and tasks.
    Tensor big = Tensor.normal(rng, 0f, 1f, 3, 50, 130);
    assertClose(naiveCumsum(big, 1), Seq.cumsum(big, 1).toArray(), 1e-5, "big axis 1");
    assertClose(naiveCumsum(big, 0), Seq.cumsum(big, 0).toArray(), 1e-5, "big axis 0");
  }

  @Test
  void cumsumGradCheckOnMiddleAndOuterAxes() {
    Rng rng = new Rng(42);
    GradCheck.create().check("cumsum axis 1", in -> Seq.cumsum(in[0], 1), GradCheck.param(rng, 2, 5, 3));
    GradCheck.create().check("cumsum axis 0", in -> Seq.cumsum(in[0], 0), GradCheck.param(rng, 4, 3));
  }

  @Test
  void cumsumIsDeterministic() {
    Rng rng = new Rng(43);
    Tensor x = Tensor.normal(rng, 0f, 1f, 8, 100, 70);
    Tensor r = Tensor.normal(rng, 0f, 1f, 8, 100, 70);
    float[][] first = runWithGrads(() -> Seq.cumsum(x, 1), r, x);
    float[][] second = runWithGrads(() -> Seq.cumsum(x, 1), r, x);
    for (int i = 0; i < first.length; i++) {
      assertArrayEquals(first[i], second[i], "output/gradient " + i);
    }
  }

  @Test
  void cumsumRejectsBadAxis() {
    ShapeException e = assertThrows(ShapeException.class, () -> Seq.cumsum(Tensor.zeros(2, 3), 2));
    assertMessage(e, "cumsum", "[2, 3]");
  }

  // ---------------------------------------------------------------- rope

  /** Explicit rotation of each pair by p·base^(−2i/D), p = offset + t, in double. */
  private static double[] explicitRope(Tensor x, int offset, double base, RopeStyle style) {
    int d = x.dim(-1);
    int len = x.dim(-2);
    int half = d / 2;
    double[] y = new double[x.size()];
    for (int row = 0; row < x.size() / d; row++) {
      int p = offset + row % len;
      for (int i = 0; i < half; i++) {
        int a = style == RopeStyle.INTERLEAVED ? 2 * i : i;
        int b = style == RopeStyle.INTERLEAVED ? 2 * i + 1 : i + half;
        double theta = p * Math.pow(base, -2.0 * i / d);
        double xa = x.get(row * d + a);
        double xb = x.get(row * d + b);
        y[row * d + a] = xa * Math.cos(theta) - xb * Math.sin(theta);
        y[row * d + b] = xa * Math.sin(theta) + xb * Math.cos(theta);
      }
    }
    return y;
  }

  @Test
  void ropeMatchesExplicitRotationForBothStyles() {
    Rng rng = new Rng(44);
    Tensor x = Tensor.normal(rng, 0f, 1f, 2, 3, 5, 8);
    for (RopeStyle style : RopeStyle.values()) {
      for (int offset : new int[] {0, 7, 199}) {
        assertClose(explicitRope(x, offset, 10000, style), Seq.rope(x, offset, 10000f, style).toArray(), 1e-5,
            style + " offset " + offset);
      }
    }
  }

  @Test
  void interleavedIsComplexMultiplicationAsInRecGrela() {
    // RecGRELA: dims (2t, 2t+1) form a complex number multiplied by e^{i·m·θ_t}, θ_t = 10000^(−t/(d/2)).
    Rng rng = new Rng(45);
    int len = 6;
    int d = 8;
    Tensor x = Tensor.normal(rng, 0f, 1f, len, d);
    Tensor y = Seq.rope(x, 0, 10000f, RopeStyle.INTERLEAVED);
    double[] expected = new double[len * d];
    for (int m = 0; m < len; m++) {
      for (int t = 0; t < d / 2; t++) {
        double theta = Math.pow(10000, -t / (d / 2.0));
        double re = x.at(m, 2 * t);
        double im = x.at(m, 2 * t + 1);
        expected[m * d + 2 * t] = re * Math.cos(m * theta) - im * Math.sin(m * theta);
        expected[m * d + 2 * t + 1] = re * Math.sin(m * theta) + im * Math.cos(m * theta);
      }
    }
    assertClose(expected, y.toArray(), 1e-5, "RecGRELA convention");
  }

  @Test
  void halfStyleIsInterleavedOnPermutedCoordinates() {
    // HALF pairs (i, i + D/2): gathering those into (2i, 2i+1), rotating INTERLEAVED and scattering back.
    Rng rng = new Rng(46);
    int len = 4;
    int d = 6;
    Tensor x = Tensor.normal(rng, 0f, 1f, len, d);
    float[] permuted = new float[len * d];
    for (int t = 0; t < len; t++) {
      for (int i = 0; i < d / 2; i++) {
        permuted[t * d + 2 * i] = x.at(t, i);
        permuted[t * d + 2 * i + 1] = x.at(t, i + d / 2);
      }
    }
    Tensor inter = Seq.rope(Tensor.of(permuted, len, d), 3, 100f, RopeStyle.INTERLEAVED);
    Tensor half = Seq.rope(x, 3, 100f, RopeStyle.HALF);
    for (int t = 0; t < len; t++) {
      for (int i = 0; i < d / 2; i++) {
        assertArrayEquals(new float[] {inter.at(t, 2 * i), inter.at(t, 2 * i + 1)},
            new float[] {half.at(t, i), half.at(t, i + d / 2)}, "t=" + t + " i=" + i);
      }
    }
  }

  @Test
  void ropeOfOneItemAtItsOffsetEqualsFullSequence() {
    Rng rng = new Rng(47);
    int len = 9;
    int d = 8;
    Tensor x = Tensor.normal(rng, 0f, 1f, 2, len, d);
    Tensor full = Seq.rope(x, 0, 10000f, RopeStyle.INTERLEAVED);
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < len; t++) {
        float[] row = new float[d];
        float[] expected = new float[d];
        for (int k = 0; k < d; k++) {
          row[k] = x.at(b, t, k);
          expected[k] = full.at(b, t, k);
        }
        Tensor one = Seq.rope(Tensor.of(row, 1, d), t, 10000f, RopeStyle.INTERLEAVED);
        assertArrayEquals(expected, one.toArray(), 1e-6f, "b=" + b + " t=" + t);
      }
    }
  }

  @Test
  void ropeGradCheckBothStylesWithOffset() {
    Rng rng = new Rng(48);
    for (RopeStyle style : RopeStyle.values()) {
      GradCheck.create().check("rope " + style, in -> Seq.rope(in[0], 5, 10000f, style),
          GradCheck.param(rng, 2, 5, 6));
    }
  }

  @Test
  void ropeIsDeterministic() {
    Rng rng = new Rng(49);
    Tensor x = Tensor.normal(rng, 0f, 1f, 16, 50, 64);
    Tensor r = Tensor.normal(rng, 0f, 1f, 16, 50, 64);
    float[][] first = runWithGrads(() -> Seq.rope(x, 3, 10000f, RopeStyle.HALF), r, x);
    float[][] second = runWithGrads(() -> Seq.rope(x, 3, 10000f, RopeStyle.HALF), r, x);
    for (int i = 0; i < first.length; i++) {
      assertArrayEquals(first[i], second[i], "output/gradient " + i);
    }
  }

  @Test
  void ropeRejectsOddWidthAndVectors() {
    ShapeException e = assertThrows(ShapeException.class,
        () -> Seq.rope(Tensor.zeros(2, 4, 5), 0, 10000f, RopeStyle.INTERLEAVED));
    assertMessage(e, "rope", "[2, 4, 5]");
    e = assertThrows(ShapeException.class, () -> Seq.rope(Tensor.zeros(8), 0, 10000f, RopeStyle.HALF));
    assertMessage(e, "rope", "[8]");
  }
}
