package dev.sequent.core.model;

import dev.sequent.core.data.Padding;
import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Seq;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.nn.Module;

/**
 * LRURec (Yue et al., WSDM 2024) as its official code computes it (research/models.md §2).
 *
 * <pre>
 *   e     = LayerNorm(Dropout(E[x]))                         left-padded ids x, no positions
 *   block = LRU layer, then position-wise FFN, twice:
 *     λ     = exp(−exp(ν_log) + i·exp(θ_log)),  γ = exp(γ_log)          (H = 2d complex states)
 *     u_t   = γ ⊙ (B·x_t + b_B)
 *     h_t   = λ ⊙ h_{t−1} + u_t,  state reset after padding
 *     y_t   = LayerNorm(Dropout_q(Re(C·h_t + b_C)) + x_t)
 *     z_t   = LayerNorm(Dropout(W2·Dropout(GELU(W1·y_t + b1)) + b2) + y_t)
 *   scores = z·Eᵀ + b_o over all ids
 * </pre>
 *
 * The official code pads the window to a power of two for its doubling scan; the prepended positions are
 * masked and every other part is position-wise, so the exact sequential scan used here gives the same
 * outputs without them. Parameter names keep the official convention that AdamW decays every parameter
 * whose name contains neither "bias" nor "layer_norm" (so the ν/θ/γ log-parameters are decayed).
 */
public final class LruRec extends SequenceModel implements IncrementalModel {

  /** Hyper-parameters; defaults are the official code's. */
  public record Config(int numItems, int dim, int blocks, float dropout, float lruDropout, float rMin, float rMax,
                       float maxPhase, float layerNormEps, long seed) {
    public static Config defaults(int numItems) {
      return new Config(numItems, 64, 2, 0.2f, 0.2f, 0.8f, 0.99f, (float) (2 * Math.PI), 1e-5f, 42);
    }
  }

  private final Config config;
  private final Tensor embedding;
  private final dev.sequent.tensor.nn.LayerNorm embeddingNorm;
  private final Block[] blocks;
  private final Tensor outputBias;

  public LruRec(Config config) {
    super(config.numItems(), config.dim(), new Rng(config.seed() ^ DROPOUT_STREAM));
    this.config = config;
    Rng init = new Rng(config.seed());
    int d = config.dim();
    embedding = parameter("embedding", truncatedNormal(init, config.numItems() + 1, d));
    embeddingNorm = child("embedding_layer_norm", new dev.sequent.tensor.nn.LayerNorm(d, config.layerNormEps()));
    blocks = new Block[config.blocks()];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = child("block_" + i, new Block(config, init, rng()));
    }
    outputBias = parameter("output_bias", truncatedNormal(init, config.numItems() + 1));
  }

  @Override
  public String name() {
    return "lrurec";
  }

  @Override
  public Padding padding() {
    return Padding.LEFT;
  }

  public Config config() {
    return config;
  }

  @Override
  public Tensor itemEmbeddings() {
    return embedding;
  }

  @Override
  public Tensor itemBias() {
    return outputBias;
  }

  @Override
  public Tensor encode(IntTensor inputs) {
    IntTensor reset = Seq.resetAfterPadding(inputs);
    Tensor x = embeddingNorm.forward(NN.dropout(NN.embedding(embedding, inputs), config.dropout(), rng(),
        isTraining()));
    for (Block block : blocks) {
      x = block.forward(x, reset, null, null);
    }
    return x;
  }

  // ---------------------------------------------------------------- incremental inference

  @Override
  public RecurrentState initialState() {
    int h = 2 * config.dim();
    float[][] buffers = new float[2 * blocks.length][];
    for (int i = 0; i < buffers.length; i++) {
      buffers[i] = new float[h];
    }
    return new RecurrentState(buffers);
  }

  /**
   * One new item: x = LN(E[v]); per block h ← λ⊙h + γ⊙(B·x + b_B), then the same output path as the full
   * forward. State buffers: (Re h, Im h) per block. The first item starts from h = 0, which is what the
   * reset after padding gives in the full forward. Needs eval mode (no dropout).
   */
  @Override
  public float[] step(RecurrentState state, int item) {
    if (isTraining()) {
      throw new IllegalStateException("incremental steps need eval mode: call train(false) first");
    }
    try (Grad g = Grad.disabled()) {
      int h = 2 * config.dim();
      Tensor x = embeddingNorm.forward(NN.embedding(embedding, new IntTensor(new int[] {item}, 1, 1)));
      IntTensor carry = new IntTensor(new int[] {0}, 1, 1);
      for (int i = 0; i < blocks.length; i++) {
        Tensor[] initial = {Tensor.of(state.buffer(2 * i), 1, h), Tensor.of(state.buffer(2 * i + 1), 1, h)};
        Tensor[] updated = new Tensor[2];
        x = blocks[i].forward(x, carry, initial, updated);
        System.arraycopy(updated[0].data(), updated[0].offset(), state.buffer(2 * i), 0, h);
        System.arraycopy(updated[1].data(), updated[1].offset(), state.buffer(2 * i + 1), 0, h);
      }
      state.advance();
      return x.toArray();
    }
  }

  // ---------------------------------------------------------------- layers

  /** One LRU layer followed by the position-wise FFN. */
  static final class Block extends Module {
    private final LruLayer lru;
    private final FeedForward ffn;

    Block(Config config, Rng init, Rng dropoutRng) {
      lru = child("lru", new LruLayer(config, init, dropoutRng));
      ffn = child("ffn", new FeedForward(config, init, dropoutRng));
    }

    Tensor forward(Tensor x, IntTensor reset, Tensor[] initial, Tensor[] finalState) {
      return ffn.forward(lru.forward(x, reset, initial, finalState));
    }
  }

  /** The linear recurrent unit with its residual connection and LayerNorm. */
  static final class LruLayer extends Module {
    private final Config config;
    private final Rng rng;
    private final Tensor inWeightRe;
    private final Tensor inWeightIm;
    private final Tensor inBiasRe;
    private final Tensor inBiasIm;
    private final Tensor outWeightRe;
    private final Tensor outWeightIm;
    private final Tensor outBiasRe;
    private final Tensor outBiasIm;
    private final Tensor paramsLog;
    private final dev.sequent.tensor.nn.LayerNorm layerNorm;

    LruLayer(Config config, Rng init, Rng dropoutRng) {
      this.config = config;
      this.rng = dropoutRng;
      int d = config.dim();
      int h = 2 * d;
      inWeightRe = parameter("in_proj_weight_re", truncatedNormal(init, h, d));
      inWeightIm = parameter("in_proj_weight_im", truncatedNormal(init, h, d));
      inBiasRe = parameter("in_proj_bias_re", truncatedNormal(init, h));
      inBiasIm = parameter("in_proj_bias_im", truncatedNormal(init, h));
      outWeightRe = parameter("out_proj_weight_re", truncatedNormal(init, d, h));
      outWeightIm = parameter("out_proj_weight_im", truncatedNormal(init, d, h));
      outBiasRe = parameter("out_proj_bias_re", truncatedNormal(init, d));
      // Only Re(C·h + b_C) is used, so Im(b_C) never gets a gradient; it is kept to match the official model.
      outBiasIm = parameter("out_proj_bias_im", truncatedNormal(init, d));
      paramsLog = parameter("params_log", ringInit(init, h, config));
      layerNorm = child("layer_norm", new dev.sequent.tensor.nn.LayerNorm(d, config.layerNormEps()));
    }

    /**
     * Ring initialisation: |λ|² uniform on [r_min², r_max²], phase uniform on [0, max_phase], and
     * γ = √(1 − |λ|²); stored as the logs ν_log, θ_log, γ_log (rows of a [3, H] tensor).
     */
    static Tensor ringInit(Rng rng, int h, Config config) {
      float[] v = new float[3 * h];
      double rMin2 = (double) config.rMin() * config.rMin();
      double rMax2 = (double) config.rMax() * config.rMax();
      for (int j = 0; j < h; j++) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        double mag2 = rMin2 + u1 * (rMax2 - rMin2);
        double nu = -0.5 * Math.log(mag2);
        double theta = config.maxPhase() * u2;
        v[j] = (float) Math.log(nu);
        v[h + j] = (float) Math.log(theta);
        v[2 * h + j] = (float) Math.log(Math.sqrt(1 - mag2));
      }
      return Tensor.of(v, 3, h);
    }

    Tensor forward(Tensor x, IntTensor reset, Tensor[] initial, Tensor[] finalState) {
      int h = 2 * config.dim();
      Tensor magnitude = paramsLog.narrow0(0, 1).reshape(h).exp().neg().exp();   // |λ| = exp(−ν)
      Tensor theta = paramsLog.narrow0(1, 2).reshape(h).exp();
      Tensor gamma = paramsLog.narrow0(2, 3).reshape(h).exp();
      Tensor lambdaRe = magnitude.mul(theta.cos());
      Tensor lambdaIm = magnitude.mul(theta.sin());

      Tensor uRe = x.linear(inWeightRe, inBiasRe).mul(gamma);
      Tensor uIm = x.linear(inWeightIm, inBiasIm).mul(gamma);
      Tensor[] state = Seq.linearRecurrence(uRe, uIm, lambdaRe, lambdaIm, reset,
          initial == null ? null : initial[0], initial == null ? null : initial[1]);
      if (finalState != null) {
        finalState[0] = state[0];
        finalState[1] = state[1];
      }
      // Re(C·h + b_C) = C_re·Re(h) − C_im·Im(h) + Re(b_C)
      Tensor y = state[0].matmul(outWeightRe, true).sub(state[1].matmul(outWeightIm, true)).add(outBiasRe);
      return layerNorm.forward(NN.dropout(y, config.lruDropout(), rng, isTraining()).add(x));
    }
  }

  /** z = LayerNorm(Dropout(W2·Dropout(GELU(W1·y + b1)) + b2) + y). */
  static final class FeedForward extends Module {
    private final Config config;
    private final Rng rng;
    private final Tensor w1;
    private final Tensor b1;
    private final Tensor w2;
    private final Tensor b2;
    private final dev.sequent.tensor.nn.LayerNorm layerNorm;

    FeedForward(Config config, Rng init, Rng dropoutRng) {
      this.config = config;
      this.rng = dropoutRng;
      int d = config.dim();
      w1 = parameter("w_1_weight", truncatedNormal(init, 4 * d, d));
      b1 = parameter("w_1_bias", truncatedNormal(init, 4 * d));
      w2 = parameter("w_2_weight", truncatedNormal(init, d, 4 * d));
      b2 = parameter("w_2_bias", truncatedNormal(init, d));
      layerNorm = child("layer_norm", new dev.sequent.tensor.nn.LayerNorm(d, config.layerNormEps()));
    }

    Tensor forward(Tensor y) {
      float p = config.dropout();
      Tensor hidden = NN.dropout(y.linear(w1, b1).gelu(), p, rng, isTraining());
      Tensor out = NN.dropout(hidden.linear(w2, b2), p, rng, isTraining());
      return layerNorm.forward(out.add(y));
    }
  }
}
