package dev.sequent.tensor;

/** Scalar activation functions shared by ops and fused kernels. */
public final class Activations {
  private static final double INV_SQRT2 = 0.7071067811865476;
  private static final double INV_SQRT_2PI = 0.3989422804014327;

  private Activations() {}

  public static float sigmoid(float x) {
    return (float) (1.0 / (1.0 + Math.exp(-x)));
  }

  /** Exact GELU x·Φ(x). */
  public static float gelu(float x) {
    return (float) (x * 0.5 * (1.0 + erf(x * INV_SQRT2)));
  }

  /** d/dx of x·Φ(x) = Φ(x) + x·φ(x). */
  public static float geluDerivative(float x) {
    double cdf = 0.5 * (1.0 + erf(x * INV_SQRT2));
    double pdf = INV_SQRT_2PI * Math.exp(-0.5 * (double) x * x);
    return (float) (cdf + x * pdf);
  }

  /**
   * erf for float work: Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7 (float precision),
   * with one exp instead of the long series of {@link #erf}.
   */
  public static float erfFast(float x) {
    float z = Math.abs(x);
    float t = 1f / (1f + 0.3275911f * z);
    float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f
        + t * 1.061405429f))));
    float e = 1f - poly * (float) Math.exp(-z * z);
    return x < 0 ? -e : e;
  }

  /** y = GELU(x) over a range, using {@link #erfFast}. */
  public static void geluForward(float[] x, int xOff, float[] y, int yOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      y[yOff + i] = 0.5f * v * (1f + erfFast(v * (float) INV_SQRT2));
    }
  }

  /** dx += dy · GELU'(x) over a range. */
  public static void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n) {
    for (int i = 0; i < n; i++) {
      float v = x[xOff + i];
      float cdf = 0.5f * (1f + erfFast(v * (float) INV_SQRT2));
      float pdf = (float) INV_SQRT_2PI * (float) Math.exp(-0.5f * v * v);
      dx[dxOff + i] += dy[dyOff + i] * (cdf + v * pdf);
    }
  }

  /**
   * The error function, accurate to about 1e-12 (Chebyshev-fitted complementary error function from
   * Numerical Recipes' erfc formulation), far below float precision.
   */
  public static double erf(double x) {
    double z = Math.abs(x);
    double t = 2.0 / (2.0 + z);
    double ty = 4.0 * t - 2.0;
    double d = 0.0;
    double dd = 0.0;
    for (int j = ERFC_COEFFS.length - 1; j > 0; j--) {
      double tmp = d;
      d = ty * d - dd + ERFC_COEFFS[j];
      dd = tmp;
    }
    double erfc = t * Math.exp(-z * z + 0.5 * (ERFC_COEFFS[0] + ty * d) - dd);
    return x >= 0 ? 1.0 - erfc : erfc - 1.0;
  }

  private static final double[] ERFC_COEFFS = {
      -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3,
      -9.46595344482036e-4, 3.66839497852761e-4, 4.2523324806907e-5, -2.0278578112534e-5,
      -1.624290004647e-6, 1.303655835580e-6, 1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9,
      5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12, -6.886027e-12,
      8.94487e-13, 3.13092e-13, -1.12708e-13, 3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16,
      -2.8e-17
  };
}
