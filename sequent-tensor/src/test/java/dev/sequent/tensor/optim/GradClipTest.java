package dev.sequent.tensor.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradClipTest {

  private static Tensor withGrad(float... g) {
    Tensor p = Tensor.zeros(g.length).requiresGrad(true);
    System.arraycopy(g, 0, p.grad(), 0, g.length);
    return p;
  }

  /**
   * Gradients [3, 4] and [12]: norm √(9 + 16 + 144) = √169 = 13. With maxNorm 6.5 the factor is
   * 6.5 / (13 + 1e-6) = 0.49999996, so the gradients become [1.5, 2] and [6] (to float precision).
   */
  @Test
  void clipsToMaxNormByHand() {
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("a", withGrad(3f, 4f));
    params.put("b", withGrad(12f));
    params.put("noGrad", Tensor.zeros(3).requiresGrad(true));
    assertEquals(13.0, GradClip.clipNorm(params, 6.5), 1e-12);
    assertArrayEquals(new float[] {1.5f, 2f}, params.get("a").gradTensor().toArray(), 1e-6f);
    assertArrayEquals(new float[] {6f}, params.get("b").gradTensor().toArray(), 1e-6f);
    assertEquals(6.5, GradClip.norm(params), 1e-5);
  }

  @Test
  void leavesSmallGradientsAlone() {
    Map<String, Tensor> params = Map.of("a", withGrad(3f, 4f));
    assertEquals(5.0, GradClip.clipNorm(params, 5.0 + 1e-3), 1e-12);
    assertArrayEquals(new float[] {3f, 4f}, params.get("a").gradTensor().toArray());
  }

  @Test
  void largeTensorsUseFixedOrderPartials() {
    float[] g = new float[200_003];
    Arrays.fill(g, 0.5f);
    Map<String, Tensor> params = Map.of("big", withGrad(g));
    double expected = Math.sqrt(200_003 * 0.25);
    double norm = GradClip.norm(params);
    assertEquals(expected, norm, 1e-9 * expected);
    assertEquals(norm, GradClip.clipNorm(params, 1.0));
    assertEquals(1.0, GradClip.norm(params), 1e-5);
  }

  @Test
  void nonFiniteNormLeavesGradientsUnchanged() {
    Map<String, Tensor> params = Map.of("a", withGrad(Float.NaN, 1f));
    assertTrue(Double.isNaN(GradClip.clipNorm(params, 1.0)));
    assertEquals(1f, params.get("a").gradTensor().toArray()[1]);
  }
}
