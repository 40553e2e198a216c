package dev.sequent.tensor;

import static dev.sequent.tensor.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Finite-difference gradient checks for every op in Tensor and NN. */
class TensorGradTest {
  private final Rng rng = new Rng(42);
  private final GradCheck check = GradCheck.create();

  @Test
  void broadcastingArithmetic() {
    Tensor a = param(rng, 2, 4, 3);
    Tensor sameShape = param(rng, 2, 4, 3);
    Tensor suffix = param(rng, 3);
    Tensor middle = param(rng, 2, 1, 3);
    Tensor column = param(rng, 4, 1);
    Tensor positive = Tensor.uniform(rng, 0.5f, 2f, 2, 1, 3).requiresGrad(true);
    check.check("add", in -> in[0].add(in[1]), a, sameShape);
    check.check("add suffix", in -> in[0].add(in[1]), a, suffix);
    check.check("sub middle", in -> in[0].sub(in[1]), a, middle);
    check.check("sub reversed", in -> in[1].sub(in[0]), a, column);
    check.check("mul column", in -> in[0].mul(in[1]), a, column);
    check.check("mul same", in -> in[0].mul(in[1]), a, sameShape);
    check.check("div", in -> in[0].div(in[1]), a, positive);
    Tensor positiveRow = Tensor.uniform(rng, 0.5f, 2f, 3).requiresGrad(true);
    check.check("div row", in -> in[0].div(in[1]), a, positiveRow);
    check.check("mul row", in -> in[0].mul(in[1]), a, suffix);
    check.check("sub same", in -> in[0].sub(in[1]), a, sameShape);
    check.check("scalars", in -> in[0].mul(3f).add(-1f).neg(), a);
  }

  @Test
  void unaryOps() {
    Tensor x = param(rng, 3, 5);
    Tensor positive = Tensor.uniform(rng, 0.5f, 2f, 3, 5).requiresGrad(true);
    // Keep inputs away from the kinks of relu and elu so central differences are meaningful.
    Tensor awayFromZero = Tensor.uniform(rng, 0.2f, 1.5f, 3, 5).mul(
        Tensor.of(new float[] {1, -1, 1, -1, 1}, 5)).detach().requiresGrad(true);
    check.check("exp", in -> in[0].exp(), x);
    check.check("log", in -> in[0].log(), positive);
    check.check("sqrt", in -> in[0].sqrt(), positive);
    check.check("square", in -> in[0].square(), x);
    check.check("tanh", in -> in[0].tanh(), x);
    check.check("sigmoid", in -> in[0].sigmoid(), x);
    check.check("relu", in -> in[0].relu(), awayFromZero);
    check.check("gelu", in -> in[0].gelu(), x);
    check.check("silu", in -> in[0].silu(), x);
    check.check("elu", in -> in[0].elu(), awayFromZero);
    check.check("cos", in -> in[0].cos(), x);
    check.check("sin", in -> in[0].sin(), x);
  }

  @Test
  void reductions() {
    Tensor x = param(rng, 2, 3, 4);
    check.check("sum", in -> in[0].sum(), x);
    check.check("mean", in -> in[0].mean(), x);
    check.check("sum axis 1", in -> in[0].sum(1, false), x);
    check.check("mean axis -1 keep", in -> in[0].mean(-1, true), x);
    check.check("sum axis 0", in -> in[0].sum(0, true), x);
  }

  @Test
  void matrixProducts() {
    Tensor x = param(rng, 2, 3, 4);
    Tensor w = param(rng, 4, 5);
    Tensor wt = param(rng, 5, 4);
    check.check("matmul", in -> in[0].matmul(in[1]), x, w);
    check.check("matmul transposed weight", in -> in[0].matmul(in[1], true), x, wt);
    Tensor a = param(rng, 2, 3, 4);
    Tensor aT = param(rng, 2, 4, 3);
    Tensor b = param(rng, 2, 4, 5);
    Tensor bT = param(rng, 2, 5, 4);
    check.check("bmm nn", in -> in[0].bmm(in[1], false, false), a, b);
    check.check("bmm nt", in -> in[0].bmm(in[1], false, true), a, bT);
    check.check("bmm tn", in -> in[0].bmm(in[1], true, false), aT, b);
    check.check("bmm tt", in -> in[0].bmm(in[1], true, true), aT, bT);
    Tensor q = param(rng, 2, 2, 3, 4);
    Tensor k = param(rng, 2, 2, 5, 4);
    check.check("bmm rank 4", in -> in[0].bmm(in[1], false, true), q, k);
  }

  @Test
  void shapeOps() {
    Tensor x = param(rng, 2, 3, 4);
    check.check("reshape", in -> in[0].reshape(6, -1).mul(in[0].reshape(6, 4)), x);
    check.check("narrow0", in -> in[0].narrow0(1, 2).mul(2f), x);
    check.check("permute", in -> in[0].permute(2, 0, 1), x);
    check.check("transpose", in -> in[0].transpose(0, 2), x);
    check.check("slice middle", in -> NN.slice(in[0], 1, 1, 3), x);
    check.check("slice last", in -> NN.slice(in[0], -1, 0, 2), x);
    Tensor y = param(rng, 2, 2, 4);
    check.check("concat", in -> NN.concat(1, in[0], in[1], in[0]), x, y);
    check.check("split", in -> NN.split(in[0], 2, 1, 3)[1].mul(NN.split(in[0], 2, 1, 3)[1]), x);
    IntTensor idx = new IntTensor(new int[] {3, 0, 0, 1, 2, 3}, 2, 3, 1).reshape(2, 3, 1);
    check.check("gather", in -> NN.gather(in[0], idx), x);
    IntTensor mask = new IntTensor(new int[] {1, 0, 0, 1}, 1, 1, 4);
    check.check("maskedFill", in -> NN.maskedFill(in[0], mask, -5f), x);
  }

  @Test
  void neuralOps() {
    Tensor x = param(rng, 3, 4, 6);
    Tensor gamma = param(rng, 6);
    Tensor beta = param(rng, 6);
    check.check("layerNorm", in -> NN.layerNorm(in[0], in[1], in[2], 1e-5f), x, gamma, beta);
    check.check("dropout", in -> NN.dropout(in[0], 0.4f, new Rng(3), true), x);
    check.check("layerNorm of an op output", in -> NN.layerNorm(in[0].mul(2f), in[1], in[2], 1e-5f), x, gamma,
        beta);
    check.check("dropout of an op output, used twice",
        in -> NN.dropout(in[0].mul(2f), 0.4f, new Rng(3), true).mul(NN.dropout(in[0].mul(2f), 0.4f, new Rng(3), true)),
        x);
    Tensor table = param(rng, 7, 3);
    IntTensor ids = new IntTensor(new int[] {1, 4, 4, 0, 6, 1}, 2, 3);
    check.check("embedding", in -> NN.embedding(in[0], ids), table);
    check.check("softmax", in -> NN.softmax(in[0]), x);
    check.check("logSoftmax", in -> NN.logSoftmax(in[0]), x);
  }

  @Test
  void linear() {
    Tensor x = param(rng, 3, 4, 6);
    Tensor w = param(rng, 5, 6);
    Tensor b = param(rng, 5);
    check.check("linear", in -> in[0].linear(in[1], in[2]), x, w, b);
    check.check("linear without bias", in -> in[0].linear(in[1], null), x, w);
    // The input as an op output (its gradient buffer is assigned, not added to) and used twice.
    check.check("linear of an op output", in -> {
      Tensor h = in[0].mul(3f);
      return h.linear(in[1], in[2]).add(h.linear(in[1], null).mul(0.5f));
    }, x, w, b);
    check.check("linear of a row slice", in -> in[0].narrow0(1, 3).linear(in[1], in[2]), x, w, b);
  }

  @Test
  void firstGradientWritesIntoFreshBuffers() {
    // Ops whose backward assigns a fresh gradient buffer, fed by op outputs used once, twice and as views.
    Tensor x = param(rng, 2, 3, 4);
    Tensor y = param(rng, 2, 3, 4);
    Tensor row = param(rng, 4);
    check.check("add/sub/mul/div of op outputs", in -> {
      Tensor a = in[0].mul(1.5f);
      Tensor c = in[1].add(2f);
      return a.add(c).mul(a.sub(c)).add(a.div(c)).add(c.sub(a.mul(c)));
    }, x, y);
    check.check("same tensor on both sides", in -> {
      Tensor a = in[0].mul(1.5f);
      return a.add(a).add(a.mul(a)).add(a.sub(a.reshape(2, 12).reshape(2, 3, 4)));
    }, x);
    check.check("row broadcast of op outputs", in -> {
      Tensor a = in[0].mul(1.5f);
      Tensor r = in[1].mul(2f);
      return a.add(r).mul(a.mul(r)).add(a.sub(r)).add(a.div(r.add(5f)));
    }, x, row);
    check.check("permute and bmm of op outputs", in -> {
      Tensor a = in[0].mul(1.5f).permute(0, 2, 1);
      Tensor c = in[1].add(1f);
      return a.bmm(c, false, false).add(c.bmm(a, true, true));
    }, x, y);
  }

  @Test
  void attentionWithMasks() {
    Tensor q = Tensor.normal(rng, 0f, 0.7f, 2, 2, 4, 3).requiresGrad(true);
    Tensor k = Tensor.normal(rng, 0f, 0.7f, 2, 2, 4, 3).requiresGrad(true);
    Tensor v = param(rng, 2, 2, 4, 3);
    IntTensor padding = new IntTensor(new int[] {1, 0, 0, 0, 0, 0, 0, 0}, 2, 4);
    check.check("attention causal", in -> NN.attention(in[0], in[1], in[2], true, null, 0f, null, false), q, k, v);
    check.check("attention padded", in -> NN.attention(in[0], in[1], in[2], false, padding, 0f, null, false),
        q, k, v);
    check.check("attention both + dropout",
        in -> NN.attention(in[0], in[1], in[2], true, padding, 0.3f, new Rng(9), true), q, k, v);
  }

  @Test
  void theCheckCatchesAWrongGradient() {
    Tensor x = param(rng, 4);
    // An op whose backward has the wrong sign must fail the check.
    assertThrows(AssertionError.class, () -> check.check("wrong sign", in -> {
      Tensor src = in[0];
      Tensor out = Tensor.newOutput(false, 4);
      for (int i = 0; i < 4; i++) {
        out.data()[i] = 2f * src.get(i);
      }
      return Tensor.record(out, "double", o -> {
        for (int i = 0; i < 4; i++) {
          src.grad()[src.offset() + i] -= 2f * o.grad()[i];
        }
      }, src);
    }, x));
    // And one with a missing factor.
    assertThrows(AssertionError.class, () -> check.check("missing term", in -> {
      Tensor src = in[0];
      Tensor out = Tensor.newOutput(false, 4);
      for (int i = 0; i < 4; i++) {
        out.data()[i] = src.get(i) * src.get(i);
      }
      return Tensor.record(out, "square", o -> {
        for (int i = 0; i < 4; i++) {
          src.grad()[src.offset() + i] += src.get(i) * o.grad()[i];
        }
      }, src);
    }, x));
  }
}
