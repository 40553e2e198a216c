package dev.sequent.tensor.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdamTest {

  private static Tensor leaf(float... values) {
    return Tensor.of(values.clone(), values.length).requiresGrad(true);
  }

  private static void setGrad(Tensor p, float... g) {
    float[] grad = p.grad();
    System.arraycopy(g, 0, grad, p.offset(), g.length);
  }

  /**
   * AdamW, lr 0.1, betas (0.9, 0.999), eps 1e-8, wd 0.1, decayUnless("bias", "layer_norm").
   * "w" = [1, −2] with gradients [0.5, −1] then [0.25, 1]:
   * step 1: decay p·(1 − 0.1·0.1) = [0.99, −1.98]
   *         m = 0.1·g = [0.05, −0.1], v = 0.001·g² = [0.00025, 0.001]
   *         m̂ = m/0.1 = [0.5, −1], v̂ = v/0.001 = [0.25, 1], √v̂ = [0.5, 1]
   *         p = [0.99 − 0.1·0.5/(0.5 + 1e-8), −1.98 + 0.1·1/(1 + 1e-8)] = [0.89, −1.88]
   * step 2: decay p·0.99 = [0.8811, −1.8612]
   *         m = 0.9·[0.05, −0.1] + 0.1·[0.25, 1] = [0.07, 0.01]
   *         v = 0.999·[0.00025, 0.001] + 0.001·[0.0625, 1] = [0.00031225, 0.001999]
   *         bias corrections 1 − 0.9² = 0.19, 1 − 0.999² = 0.001999
   *         m̂ = [0.36842105, 0.05263158], v̂ = [0.15620310, 1], √v̂ = [0.39522538, 1]
   *         p = [0.8811 − 0.1·0.36842105/0.39522538, −1.8612 − 0.1·0.05263158] = [0.78788204, −1.86646316]
   * "emb" = [2] with zero gradient is decayed only: 2·0.99·0.99 = 1.9602.
   * "layer_norm.weight" and "out.bias" with zero gradient are not decayed: m = v = 0, so they stay put.
   */
  @Test
  void adamWTwoStepsByHand() {
    Map<String, Tensor> params = new LinkedHashMap<>();
    Tensor w = leaf(1f, -2f);
    Tensor emb = leaf(2f);
    Tensor ln = leaf(3f);
    Tensor bias = leaf(-1f);
    params.put("w", w);
    params.put("emb", emb);
    params.put("layer_norm.weight", ln);
    params.put("out.bias", bias);
    Adam opt = Adam.adamW().lr(0.1).betas(0.9, 0.999).eps(1e-8).weightDecay(0.1)
        .groups(ParamGroups.decayUnless("bias", "layer_norm")).build(params);
    assertTrue(opt.decays(0));
    assertTrue(opt.decays(1));
    assertFalse(opt.decays(2));
    assertFalse(opt.decays(3));

    opt.zeroGrad();
    setGrad(w, 0.5f, -1f);
    emb.grad();
    ln.grad();
    bias.grad();
    opt.step();
    assertArrayEquals(new float[] {0.89f, -1.88f}, w.toArray(), 1e-6f);
    assertArrayEquals(new float[] {0.05f, -0.1f}, opt.slot("w", 0), 1e-7f);
    assertArrayEquals(new float[] {0.00025f, 0.001f}, opt.slot("w", 1), 1e-9f);

    opt.zeroGrad();
    setGrad(w, 0.25f, 1f);
    opt.step();
    assertArrayEquals(new float[] {0.78788204f, -1.86646316f}, w.toArray(), 1e-6f);
    assertEquals(1.9602f, emb.item(), 1e-6f);
    assertEquals(3f, ln.item());
    assertEquals(-1f, bias.item());
    assertEquals(2, opt.stepCount());
  }

  /**
   * Adam with L2 decay, lr 0.1, wd 0.5, default betas and eps; p = 1 with gradients 0.5 then −0.5:
   * step 1: g' = 0.5 + 0.5·1 = 1; m = 0.1, v = 0.001; m̂ = 1, v̂ = 1; p = 1 − 0.1·1/(1 + 1e-8) = 0.9
   * step 2: g' = −0.5 + 0.5·0.9 = −0.05; m = 0.9·0.1 + 0.1·(−0.05) = 0.085;
   *         v = 0.999·0.001 + 0.001·0.0025 = 0.0010015; m̂ = 0.085/0.19 = 0.44736842;
   *         v̂ = 0.0010015/0.001999 = 0.50100050, √v̂ = 0.70781389; p = 0.9 − 0.1·0.44736842/0.70781389 = 0.83679576
   */
  @Test
  void adamL2TwoStepsByHand() {
    Tensor p = leaf(1f);
    Map<String, Tensor> params = Map.of("p", p);
    Adam opt = Adam.adam().lr(0.1).weightDecay(0.5).build(params);
    assertEquals(Adam.WeightDecay.L2, opt.mode());
    setGrad(p, 0.5f);
    opt.step();
    assertEquals(0.9f, p.item(), 1e-6f);
    opt.zeroGrad();
    setGrad(p, -0.5f);
    opt.step();
    assertEquals(0.83679576f, p.item(), 1e-6f);
  }

  @Test
  void parametersWithoutGradientAreSkipped() {
    Tensor used = leaf(1f);
    Tensor unused = leaf(5f);
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("used", used);
    params.put("unused", unused);
    Adam opt = Adam.adamW().lr(0.1).weightDecay(0.5).build(params);
    setGrad(used, 1f);
    opt.step();
    assertEquals(5f, unused.item()); // no decay either, as PyTorch skips parameters whose grad is None
    assertArrayEquals(new float[1], opt.slot("unused", 0));
    assertTrue(used.item() < 1f);
  }

  @Test
  void paramGroupsByName() {
    ParamGroups lru = ParamGroups.decayUnless("bias", "layer_norm");
    assertTrue(lru.decays("item_emb.weight"));
    assertTrue(lru.decays("blocks.0.lru.nu_log"));
    assertFalse(lru.decays("blocks.0.layer_norm.weight"));
    assertFalse(lru.decays("out.bias"));
    ParamGroups custom = ParamGroups.decayIf(name -> name.startsWith("emb"));
    assertTrue(custom.decays("emb.w"));
    assertFalse(custom.decays("w.emb"));
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("a.weight", leaf(1f));
    params.put("a.bias", leaf(1f));
    assertEquals(List.of("a.weight"), lru.decayed(params));
    assertEquals(List.of("a.bias"), lru.notDecayed(params));
    assertTrue(ParamGroups.all().decays("x.bias"));
    assertFalse(ParamGroups.none().decays("x"));
  }

  @Test
  void zeroGradClearsAllGradients() {
    Tensor a = leaf(1f, 2f);
    Tensor b = leaf(3f);
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("a", a);
    params.put("b", b);
    Adam opt = Adam.adamW().build(params);
    setGrad(a, 4f, 5f);
    setGrad(b, 6f);
    opt.zeroGrad();
    assertArrayEquals(new float[2], a.gradTensor().toArray());
    assertArrayEquals(new float[1], b.gradTensor().toArray());
  }

  // ---------------------------------------------------------------- save / load

  private static Map<String, Tensor> model(long seed) {
    Rng rng = new Rng(seed);
    Map<String, Tensor> params = new LinkedHashMap<>();
    params.put("emb.weight", Tensor.normal(rng, 0f, 1f, 40, 8).requiresGrad(true));
    params.put("layer_norm.weight", Tensor.normal(rng, 1f, 0.1f, 8).requiresGrad(true));
    params.put("out.bias", Tensor.normal(rng, 0f, 0.1f, 40).requiresGrad(true));
    return params;
  }

  private static Map<String, Tensor> copyOf(Map<String, Tensor> params) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    params.forEach((name, p) -> out.put(name, p.copy().requiresGrad(true)));
    return out;
  }

  private static Adam lruOptimizer(Map<String, Tensor> params) {
    return Adam.adamW().lr(1e-2).eps(1e-9).weightDecay(0.01)
        .groups(ParamGroups.decayUnless("bias", "layer_norm")).build(params);
  }

  /** A deterministic training step: gradients depend on the current parameters and the step. */
  private static void trainStep(Adam opt, LrSchedule schedule) {
    opt.zeroGrad();
    long s = opt.stepCount();
    for (Tensor p : opt.params().values()) {
      float[] g = p.grad();
      float[] x = p.data();
      for (int i = 0; i < p.size(); i++) {
        g[p.offset() + i] = (float) Math.sin(3 * x[p.offset() + i] + 0.7 * s + i);
      }
    }
    GradClip.clipNorm(opt.params(), 1.0);
    opt.setLr(schedule.lr(s));
    opt.step();
  }

  @Test
  void saveAndLoadResumesBitIdentically() throws IOException {
    LrSchedule schedule = LrSchedule.linearWarmupCosine(1e-2, 2, 10);
    Map<String, Tensor> straight = model(9);
    Adam reference = lruOptimizer(straight);
    Map<String, Tensor> interrupted = model(9);
    Adam first = lruOptimizer(interrupted);
    for (int i = 0; i < 3; i++) {
      trainStep(reference, schedule);
      trainStep(first, schedule);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    first.save(new DataOutputStream(bytes));

    // A new process: parameters restored from the model checkpoint, optimizer state from the bytes.
    Map<String, Tensor> resumedParams = copyOf(interrupted);
    Adam resumed = lruOptimizer(resumedParams);
    resumed.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertEquals(3, resumed.stepCount());
    for (int i = 0; i < 4; i++) {
      trainStep(reference, schedule);
      trainStep(resumed, schedule);
    }
    for (String name : straight.keySet()) {
      assertArrayEquals(straight.get(name).toArray(), resumedParams.get(name).toArray(), name);
      assertArrayEquals(reference.slot(name, 0), resumed.slot(name, 0), name + " m");
      assertArrayEquals(reference.slot(name, 1), resumed.slot(name, 1), name + " v");
    }
  }

  @Test
  void loadRejectsMismatchedParameters() throws IOException {
    Map<String, Tensor> params = model(1);
    Adam opt = lruOptimizer(params);
    trainStep(opt, LrSchedule.constant(1e-3));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    opt.save(new DataOutputStream(bytes));
    byte[] saved = bytes.toByteArray();

    Map<String, Tensor> extra = model(1);
    extra.put("new.weight", leaf(1f, 2f));
    IOException missing = assertThrows(IOException.class, () -> load(lruOptimizer(extra), saved));
    assertTrue(missing.getMessage().contains("'new.weight' has no saved optimizer state"), missing.getMessage());

    Map<String, Tensor> resized = model(1);
    resized.put("out.bias", Tensor.zeros(41).requiresGrad(true));
    IOException size = assertThrows(IOException.class, () -> load(lruOptimizer(resized), saved));
    assertTrue(size.getMessage().contains("'out.bias' has 41 elements but its saved optimizer state has 40"),
        size.getMessage());

    Map<String, Tensor> fewer = model(1);
    fewer.remove("out.bias");
    Adam small = lruOptimizer(fewer);
    IOException unknown = assertThrows(IOException.class, () -> load(small, saved));
    assertTrue(unknown.getMessage().contains("'out.bias' that is not in the model"), unknown.getMessage());
    assertEquals(0, small.stepCount()); // a failed load changes nothing
  }

  private static void load(Adam opt, byte[] bytes) throws IOException {
    opt.load(new DataInputStream(new ByteArrayInputStream(bytes)));
  }
}
