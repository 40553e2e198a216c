package dev.sequent.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sequent.tensor.Activations;
import dev.sequent.tensor.Rng;
import org.junit.jupiter.api.Test;

/** The GELU kernels (vector and scalar) against a double-precision reference with the series erf. */
class GeluKernelTest {

  @Test
  void forwardAndBackwardMatchTheReference() {
    Rng rng = new Rng(3);
    int n = 1000 + 7; // not a multiple of the vector length: the tail runs the scalar loop
    float[] x = new float[n];
    float[] dy = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) (rng.nextGaussian() * 4);
      dy[i] = (float) rng.nextGaussian();
    }
    x[0] = 0f;
    x[1] = -12f;
    x[2] = 12f;
    for (Kernels k : new Kernels[] {Kernels.get(), Kernels.scalar()}) {
      float[] y = new float[n + 3];
      k.gelu(x, 0, y, 3, n);
      float[] dx = new float[n];
      java.util.Arrays.fill(dx, 1f);
      k.geluBackward(x, 0, dy, 0, dx, 0, n);
      for (int i = 0; i < n; i++) {
        double v = x[i];
        double cdf = 0.5 * (1 + Activations.erf(v / Math.sqrt(2)));
        double pdf = Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
        assertEquals(v * cdf, y[i + 3], 1e-6 * Math.max(1, Math.abs(v)), k.name() + " gelu(" + v + ")");
        assertEquals(1 + dy[i] * (cdf + v * pdf), dx[i], 2e-6 * Math.max(1, Math.abs(dy[i] * v)),
            k.name() + " gelu'(" + v + ")");
      }
    }
  }
}
