package dev.sequent.core.model;

import dev.sequent.core.data.Padding;
import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.LinearAttention;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.RopeStyle;
import dev.sequent.tensor.Seq;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.nn.LayerNorm;
import dev.sequent.tensor.nn.Linear;
import dev.sequent.tensor.nn.Module;

/**
 * RecGRELA (Hu et al., arXiv 2506.13315 v2): gated rotary-enhanced linear attention, as the official code
 * computes it (research/models.md §5).
 *
 * <pre>
 *   H = LN(Dropout(E[s]))                                   right-padded ids s, no position embedding
 *   per GRELA block (pre-norm):
 *     Hg = LN1(H);  G = SiLU(W1·Hg + b1);  X = W2·Hg + b2
 *     H  = H + DropPath(W3·(RELA(X) ⊙ G) + b3)
 *     H  = H + Dropout(W5·Dropout(GELU(W4·LN2(H) + b4)) + b5)  (4d hidden)
 *   scores = H·Eᵀ over all ids (no final LayerNorm)
 *
 *   RELA(X): [Qp | Kp] = X·W_qkᵀ + b_qk;  Q = ELU(Qp) + 1, K = ELU(Kp) + 1, V = X (no value projection)
 *     R(·) = rotary encoding over the full width d (pairs (2i, 2i+1), θ_i = 10000^(−2i/d)), then h heads
 *     faithful: O_m = R(Q_m)·(1/N)Σ_n R(K_n)V_nᵀ / (Q_m·mean_n K_n + 1e−6),  n over all N window slots
 *     causal:   O_t = R(q_t)·(1/c_t)Σ_{s≤t} R(k_s)v_sᵀ / (q_t·(1/c_t)Σ_{s≤t} k_s + 1e−6),  real keys only
 *     RELA(X) = O + SiLU(CausalDepthwiseConv1d_k4(V))          the local shortcut
 * </pre>
 *
 * c_t counts the real keys up to t (at least 1). Rotary scores depend only on m − n and the normaliser
 * uses un-rotated Q and K, so the causal variant is unchanged by a leading padding slot and its
 * incremental steps can use absolute positions. The faithful variant includes the right padding in the
 * means and divides by the window length N, like the official code (A-RG3); its local shortcut is causal
 * already. The shortcut uses SiLU as the CUDA path (and Eq. 17) does (A-RG2).
 *
 * <p>Initialisation: normal(0, 0.02) for Linear and embedding weights (padding row too), zero Linear
 * biases, LayerNorm (1, 0); the depthwise convolution keeps PyTorch's default, uniform(±1/√k) for weight
 * and bias (fan-in k = 4).
 */
public class RecGrela extends SequenceModel {

  /** Hyper-parameters; defaults are the official ML-1M configuration. */
  public record Config(int numItems, boolean causal, int dim, int blocks, int heads, float dropout,
                       float dropPath, int convKernel, float ropeBase, float layerNormEps, long seed) {
    public static Config defaults(int numItems) {
      return new Config(numItems, false, 64, 4, 4, 0.1f, 0.1f, 4, 10000f, 1e-12f, 2020);
    }

    public String variant() {
      return causal ? "causal" : "faithful";
    }
  }

  /** Added to the normaliser (the official 1e−6). */
  static final float Z_EPS = 1e-6f;

  private final Config config;
  private final Tensor items;
  private final LayerNorm embeddingNorm;
  private final Block[] blocks;

  /**
   * The variant the config asks for. Only causal instances are {@link IncrementalModel}s (the {@link
   * Incremental} subclass), so serving code that checks for the interface never picks a faithful model.
   */
  public static RecGrela create(Config config) {
    return config.causal() ? new Incremental(config) : new RecGrela(config);
  }

  RecGrela(Config config) {
    super(config.numItems(), config.dim(), new Rng(config.seed() ^ DROPOUT_STREAM));
    if (config.dim() % config.heads() != 0 || config.dim() % 2 != 0) {
      throw new IllegalArgumentException("dim " + config.dim() + " must be even and divisible by heads "
          + config.heads());
    }
    this.config = config;
    Rng init = new Rng(config.seed());
    items = parameter("item_embedding", LinRec.normal(init, config.numItems() + 1, config.dim()));
    embeddingNorm = child("layer_norm", new LayerNorm(config.dim(), config.layerNormEps()));
    blocks = new Block[config.blocks()];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = child("block_" + i, new Block(config, init, rng()));
    }
  }

  @Override
  public String name() {
    return "recgrela";
  }

  /** RecBole's convention in both variants: items from position 0, the output read at length − 1. */
  @Override
  public Padding padding() {
    return Padding.RIGHT;
  }

  public Config config() {
    return config;
  }

  @Override
  public Tensor itemEmbeddings() {
    return items;
  }

  @Override
  public Tensor encode(IntTensor inputs) {
    Tensor h = embeddingNorm.forward(NN.dropout(NN.embedding(items, inputs, 0), config.dropout(), rng(),
        isTraining()));
    Masks masks = config.causal() ? Masks.of(inputs) : null;
    for (Block block : blocks) {
      h = block.forward(h, masks);
    }
    return h;
  }

  /** The causal variant's padding: key mask [B, L], keep [B, L, 1] and real-key counts c_t [B, L, 1, 1]. */
  record Masks(IntTensor padding, Tensor keep, Tensor counts) {
    static Masks of(IntTensor inputs) {
      int batch = inputs.dim(0);
      int length = inputs.dim(1);
      IntTensor padding = LinRec.paddingMask(inputs);
      float[] keep = new float[batch * length];
      float[] counts = new float[batch * length];
      for (int b = 0; b < batch; b++) {
        int c = 0;
        for (int t = 0; t < length; t++) {
          int i = b * length + t;
          keep[i] = padding.get(i) == 0 ? 1f : 0f;
          c += padding.get(i) == 0 ? 1 : 0;
          counts[i] = Math.max(1, c);
        }
      }
      return new Masks(padding, Tensor.of(keep, batch, length, 1), Tensor.of(counts, batch, length, 1, 1));
    }
  }

  // ---------------------------------------------------------------- incremental inference (causal variant)

  /** The causal variant: the same model, with {@link #initialState} and {@link #step} as its interface. */
  public static final class Incremental extends RecGrela implements IncrementalModel {
    Incremental(Config config) {
      super(config);
    }
  }

  /**
   * Per block: the per-head sums Σ R(k)vᵀ [H, dh, dh], the key sums Σ k [d] and the last k − 1 inputs of
   * the depthwise convolution [(k − 1)·d]. The real-key count is the state's length.
   */
  public RecurrentState initialState() {
    requireCausal();
    int d = config.dim();
    int dh = d / config.heads();
    float[][] buffers = new float[3 * blocks.length][];
    for (int i = 0; i < blocks.length; i++) {
      buffers[3 * i] = new float[config.heads() * dh * dh];
      buffers[3 * i + 1] = new float[d];
      buffers[3 * i + 2] = new float[(config.convKernel() - 1) * d];
    }
    return new RecurrentState(buffers);
  }

  /**
   * One new item at absolute position = items so far: O(blocks · d²) work, equal to the full causal
   * forward (the rotary encoding is relative, so this holds beyond the window length as well, for the
   * history the state has seen).
   */
  public float[] step(RecurrentState state, int item) {
    requireCausal();
    if (isTraining()) {
      throw new IllegalStateException("incremental steps need eval mode: call train(false) first");
    }
    try (Grad g = Grad.disabled()) {
      long position = state.length();
      Tensor h = embeddingNorm.forward(NN.embedding(items, new IntTensor(new int[] {item}, 1, 1)));
      for (int i = 0; i < blocks.length; i++) {
        h = blocks[i].step(h, position, state.buffer(3 * i), state.buffer(3 * i + 1), state.buffer(3 * i + 2));
      }
      state.advance();
      return h.toArray();
    }
  }

  private void requireCausal() {
    if (!config.causal()) {
      throw new UnsupportedOperationException("recgrela variant 'faithful' averages over every slot of the "
          + "window (as the official code does), so it has no incremental state; train variant 'causal' for "
          + "incremental inference, or score whole histories");
    }
  }

  // ---------------------------------------------------------------- layers

  /** One GRELA block: gated RELA with drop-path, then the MLP, both pre-norm residual branches. */
  static final class Block extends Module {
    private final Config config;
    private final Rng rng;
    private final LayerNorm norm1;
    private final Linear actProj;
    private final Linear inProj;
    private final Rela rela;
    private final Linear outProj;
    private final LayerNorm norm2;
    private final Linear fc1;
    private final Linear fc2;

    Block(Config config, Rng init, Rng dropoutRng) {
      this.config = config;
      this.rng = dropoutRng;
      int d = config.dim();
      norm1 = child("norm_1", new LayerNorm(d, config.layerNormEps()));
      actProj = child("act_proj", LinRec.normalLinear(d, d, init));
      inProj = child("in_proj", LinRec.normalLinear(d, d, init));
      rela = child("rela", new Rela(config, init));
      outProj = child("out_proj", LinRec.normalLinear(d, d, init));
      norm2 = child("norm_2", new LayerNorm(d, config.layerNormEps()));
      fc1 = child("mlp_fc1", LinRec.normalLinear(d, 4 * d, init));
      fc2 = child("mlp_fc2", LinRec.normalLinear(4 * d, d, init));
    }

    Tensor forward(Tensor h, Masks masks) {
      Tensor hg = norm1.forward(h);
      Tensor gate = actProj.forward(hg).silu();
      Tensor x = inProj.forward(hg);
      Tensor branch = outProj.forward(rela.forward(x, masks).mul(gate));
      return mlp(h.add(dropPath(branch, config.dropPath(), rng, isTraining())));
    }

    Tensor step(Tensor h, long position, float[] sums, float[] keySums, float[] convHistory) {
      Tensor hg = norm1.forward(h);
      Tensor gate = actProj.forward(hg).silu();
      Tensor x = inProj.forward(hg);
      return mlp(h.add(outProj.forward(rela.step(x, position, sums, keySums, convHistory).mul(gate))));
    }

    /** h + Dropout(W5·Dropout(GELU(W4·LN2(h) + b4)) + b5). */
    private Tensor mlp(Tensor h) {
      float p = config.dropout();
      Tensor hidden = NN.dropout(fc1.forward(norm2.forward(h)).gelu(), p, rng, isTraining());
      return h.add(NN.dropout(fc2.forward(hidden), p, rng, isTraining()));
    }

    /**
     * Stochastic depth per sample: the whole branch of a row is dropped with probability p, kept rows are
     * scaled by 1/(1 − p).
     */
    static Tensor dropPath(Tensor x, float p, Rng rng, boolean training) {
      if (!training || p == 0f) {
        return x;
      }
      int batch = x.dim(0);
      float[] keep = new float[batch];
      for (int b = 0; b < batch; b++) {
        keep[b] = rng.nextFloat() < p ? 0f : 1f / (1f - p);
      }
      return x.mul(Tensor.of(keep, batch, 1, 1));
    }
  }

  /** Rotary-enhanced linear attention with the local shortcut. */
  static final class Rela extends Module {
    private final Config config;
    private final Linear qkProj;
    private final Tensor convWeight;
    private final Tensor convBias;

    Rela(Config config, Rng init) {
      this.config = config;
      int d = config.dim();
      int k = config.convKernel();
      qkProj = child("qk_proj", LinRec.normalLinear(d, 2 * d, init));
      float bound = (float) (1.0 / Math.sqrt(k));
      convWeight = parameter("conv_weight", Tensor.uniform(init, -bound, bound, d, k));
      convBias = parameter("conv_bias", Tensor.uniform(init, -bound, bound, d));
    }

    Tensor forward(Tensor x, Masks masks) {
      int batch = x.dim(0);
      int length = x.dim(1);
      int d = config.dim();
      int heads = config.heads();
      int dh = d / heads;
      Tensor[] qk = NN.split(qkProj.forward(x), 2, d, d);
      Tensor q = qk[0].elu().add(1f);
      Tensor k = qk[1].elu().add(1f);
      // V = X; in the causal variant padded slots are zeroed so they never reach the shortcut either.
      Tensor v = masks == null ? x : x.mul(masks.keep());
      Tensor rq = heads(Seq.rope(q, 0, config.ropeBase(), RopeStyle.INTERLEAVED), batch, length, heads, dh);
      Tensor rk = heads(Seq.rope(k, 0, config.ropeBase(), RopeStyle.INTERLEAVED), batch, length, heads, dh);
      Tensor qh = heads(q, batch, length, heads, dh);
      Tensor kh = heads(k, batch, length, heads, dh);
      Tensor vh = heads(v, batch, length, heads, dh);
      Tensor o;
      if (masks == null) {
        // (1/N)·R(Q)(R(K)ᵀV) over all N slots, divided by Q·mean(K) + 1e−6.
        Tensor numerator = LinearAttention.global(rq, rk, vh).mul(1f / length);
        Tensor denominator = qh.mul(kh.mean(1, true)).sum(3, true);
        o = numerator.div(denominator.add(Z_EPS));
      } else {
        // num/c / (den/c + ε) = num / (den + ε·c), with running sums over real keys only.
        Tensor numerator = LinearAttention.causal(rq, rk, vh, masks.padding());
        Tensor denominator = LinearAttention.causal(qh, kh, Tensor.full(1f, batch, length, heads, 1),
            masks.padding());
        o = numerator.div(denominator.add(masks.counts().mul(Z_EPS)));
      }
      o = o.reshape(batch, length, d);
      return o.add(Seq.causalDepthwiseConv1d(v, convWeight, convBias).silu());
    }

    /** One position x [1, 1, d] at an absolute position; the sums and conv history are updated in place. */
    Tensor step(Tensor x, long position, float[] sums, float[] keySums, float[] convHistory) {
      int d = config.dim();
      int heads = config.heads();
      int dh = d / heads;
      Tensor[] qk = NN.split(qkProj.forward(x), 2, d, d);
      Tensor q = qk[0].elu().add(1f);
      Tensor k = qk[1].elu().add(1f);
      int p = Math.toIntExact(position);
      Tensor rq = Seq.rope(q, p, config.ropeBase(), RopeStyle.INTERLEAVED);
      Tensor rk = Seq.rope(k, p, config.ropeBase(), RopeStyle.INTERLEAVED);
      Tensor numerator = LinearAttention.step(sums, rq, rk, x, 1, heads);
      Tensor denominator = LinearAttention.step(keySums, q, k, Tensor.full(1f, 1, 1, heads, 1), 1, heads);
      Tensor o = numerator.div(denominator.add(Z_EPS * (position + 1))).reshape(1, 1, d);
      float[] input = x.toArray();
      float[] conv = Seq.causalDepthwiseConv1dStep(convHistory, input, convWeight, convBias);
      Seq.shiftHistory(convHistory, input);
      return o.add(Tensor.of(conv, 1, 1, d).silu());
    }

    /** [B, L, d] viewed as [B, L, H, dh], the layout {@link LinearAttention} takes (no copy). */
    static Tensor heads(Tensor x, int batch, int length, int heads, int dh) {
      return x.reshape(batch, length, heads, dh);
    }
  }
}
