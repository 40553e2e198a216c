package dev.sequent.core.model;

import dev.sequent.core.data.Padding;
import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Seq;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.nn.LayerNorm;
import dev.sequent.tensor.nn.Linear;
import dev.sequent.tensor.nn.Module;

/**
 * GLINT-RU (Zhang et al., KDD 2025): a single-layer dense selective GRU mixed with a linear-attention
 * expert, then a gated MLP, as the official code computes it (research/models.md §3).
 *
 * <pre>
 *   E0 = Dropout_emb(E[s])                                   right-padded ids s, no positions
 *   A  = LN_a(Dropout(LinRecAttention(E0)·W_oᵀ + b_o) + E0)   linear-attention expert, h heads
 *   h1 = Conv_k(W_1·E0 + b_1);   h2 = GELU(W_2·E0 + b_2)      full (all-channel) convolutions, k = 3
 *   g  = GRU(h1)                                             bias-free, zero initial state
 *   σ  = Dropout(W_s2·SiLU(W_s1·h1 + b_s1) + b_s2)            selective gate, d → d/2 → d
 *   g' = Conv_k((W_p·g + b_p) ⊙ σ)
 *   (w0, w1) = softmax(ω);  m = (w0·g' + w1·A) ⊙ h2          expert mixing, ω init (0.5, 0.5)
 *   H  = LN(Dropout(W_m·m + b_m) + E0)
 *   X  = LN(Dropout(W_out·((W_3·H + b_3) ⊙ GELU(W_4·H + b_4)) + b_out) + H)   the same LN module twice
 *   scores = X·Eᵀ over all ids
 * </pre>
 *
 * Variants: {@code faithful} uses centred convolutions (padding (k − 1)/2, so position t sees t + 1) and
 * attention over the whole right-padded window, like the released code (A-G3). {@code causal} uses
 * left-padded convolutions (position t sees t − k + 1 .. t), prefix-sum attention with padded keys masked,
 * and zeroes padded slots at the convolution and GRU inputs (the bias-free GRU then keeps h = 0 through
 * them), so a leading padding slot is the same as no slot; its incremental state is the GRU hidden state,
 * the last k − 1 inputs of both convolutions and the attention sums.
 *
 * <p>Values the released code leaves undefined (A-G2) are options: the embedding size is the hidden size
 * (the residuals add them); the embedding dropout {@code embedding_dropout} defaults to 0.3, RecBole
 * GRU4Rec's {@code dropout_prob}, which the code's missing model file most likely copied; one GRU layer
 * (the paper's "single-layer").
 *
 * <p>Initialisation (the code's {@code _init_weights}): Xavier-normal embedding (padding row too),
 * Xavier-uniform GRU matrices (each whole [3d, d]) and Linear weights (attention included) with zero
 * biases; the convolutions keep PyTorch's default, uniform(±1/√(d·k)) for weight and bias; LayerNorms
 * (1, 0).
 */
public class GlintRu extends SequenceModel {

  /** Hyper-parameters; defaults are the official run's (run.py after 2025-10-30: d = 128, 8 heads). */
  public record Config(int numItems, boolean causal, int dim, int heads, int convKernel, float embeddingDropout,
                       float attentionDropout, float dropout, LinRec.KeyNorm keyNorm, float layerNormEps,
                       long seed) {
    public static Config defaults(int numItems) {
      return new Config(numItems, false, 128, 8, 3, 0.3f, 0.2f, 0.3f, LinRec.KeyNorm.POSITION, 1e-12f, 666);
    }

    public String variant() {
      return causal ? "causal" : "faithful";
    }
  }

  private final Config config;
  private final Tensor items;
  private final LinRec.Attention attention;
  private final Linear w1;
  private final Tensor conv1Weight;
  private final Tensor conv1Bias;
  private final Linear w2;
  private final Tensor gruIh;
  private final Tensor gruHh;
  private final Linear select1;
  private final Linear select2;
  private final Linear wp;
  private final Tensor conv2Weight;
  private final Tensor conv2Bias;
  private final Tensor mixing;
  private final Linear wm;
  private final LayerNorm layerNorm;
  private final Linear w3;
  private final Linear w4;
  private final Linear wOut;

  /**
   * The variant the config asks for. Only causal instances are {@link IncrementalModel}s (the {@link
   * Incremental} subclass), so serving code that checks for the interface never picks a faithful model.
   */
  public static GlintRu create(Config config) {
    return config.causal() ? new Incremental(config) : new GlintRu(config);
  }

  GlintRu(Config config) {
    super(config.numItems(), config.dim(), new Rng(config.seed() ^ DROPOUT_STREAM));
    int d = config.dim();
    if (d % config.heads() != 0 || d % 2 != 0) {
      throw new IllegalArgumentException("dim " + d + " must be even and divisible by heads " + config.heads());
    }
    if (!config.causal() && config.convKernel() % 2 == 0) {
      throw new IllegalArgumentException("the faithful variant's centred convolutions need an odd conv_kernel, got "
          + config.convKernel());
    }
    this.config = config;
    Rng init = new Rng(config.seed());
    int k = config.convKernel();
    items = parameter("item_embedding",
        Tensor.normal(init, 0f, (float) Math.sqrt(2.0 / (d + config.numItems() + 1)), config.numItems() + 1, d));
    attention = child("attention", new LinRec.Attention(d, config.heads(), config.attentionDropout(),
        config.layerNormEps(), config.keyNorm(), config.causal(), (in, out) -> xavierLinear(in, out, init), rng()));
    w1 = child("w_1", xavierLinear(d, d, init));
    conv1Weight = parameter("conv_1_weight", convInit(init, d * k, d, d, k));
    conv1Bias = parameter("conv_1_bias", convInit(init, d * k, d));
    w2 = child("w_2", xavierLinear(d, d, init));
    float gruBound = (float) Math.sqrt(6.0 / (d + 3 * d));
    gruIh = parameter("gru_weight_ih", Tensor.uniform(init, -gruBound, gruBound, 3 * d, d));
    gruHh = parameter("gru_weight_hh", Tensor.uniform(init, -gruBound, gruBound, 3 * d, d));
    select1 = child("select_1", xavierLinear(d, d / 2, init));
    select2 = child("select_2", xavierLinear(d / 2, d, init));
    wp = child("w_p", xavierLinear(d, d, init));
    conv2Weight = parameter("conv_2_weight", convInit(init, d * k, d, d, k));
    conv2Bias = parameter("conv_2_bias", convInit(init, d * k, d));
    mixing = parameter("mixing", Tensor.full(0.5f, 2));
    wm = child("w_m", xavierLinear(d, d, init));
    layerNorm = child("layer_norm", new LayerNorm(d, config.layerNormEps()));
    w3 = child("w_3", xavierLinear(d, d, init));
    w4 = child("w_4", xavierLinear(d, d, init));
    wOut = child("w_out", xavierLinear(d, d, init));
  }

  /** Xavier-uniform weight, zero bias. */
  static Linear xavierLinear(int in, int out, Rng init) {
    Linear l = new Linear(in, out, true, init);
    float bound = (float) Math.sqrt(6.0 / (in + out));
    System.arraycopy(Tensor.uniform(init, -bound, bound, out, in).data(), 0, l.weight.data(), 0, out * in);
    java.util.Arrays.fill(l.bias.data(), 0f);
    return l;
  }

  /** PyTorch's Conv1d default for weight and bias: uniform(±1/√fan_in), fan_in = Cin·k. */
  static Tensor convInit(Rng init, int fanIn, int... shape) {
    float bound = (float) (1.0 / Math.sqrt(fanIn));
    return Tensor.uniform(init, -bound, bound, shape);
  }

  @Override
  public String name() {
    return "glintru";
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
    boolean causal = config.causal();
    int batch = inputs.dim(0);
    int length = inputs.dim(1);
    IntTensor padding = causal ? LinRec.paddingMask(inputs) : null;
    Tensor keep = causal ? keepMask(padding, batch, length) : null;
    float p = config.dropout();

    Tensor e0 = NN.dropout(NN.embedding(items, inputs, 0), config.embeddingDropout(), rng(), isTraining());
    Tensor a = attention.forward(e0, padding);
    Tensor h1 = conv(masked(w1.forward(e0), keep), conv1Weight, conv1Bias);
    Tensor h2 = w2.forward(e0).gelu();
    Tensor g = Seq.gru(masked(h1, keep), gruIh, gruHh, null, null, null);
    Tensor gate = NN.dropout(select2.forward(select1.forward(h1).silu()), p, rng(), isTraining());
    Tensor g2 = conv(masked(wp.forward(g).mul(gate), keep), conv2Weight, conv2Bias);
    return mixAndMlp(e0, a, g2, h2);
  }

  /** Expert mixing, H = LN(Dropout(W_m·m + b_m) + E0), then the gated MLP with the same LayerNorm. */
  private Tensor mixAndMlp(Tensor e0, Tensor a, Tensor g2, Tensor h2) {
    float p = config.dropout();
    Tensor w = NN.softmax(mixing);
    Tensor m = g2.mul(NN.slice(w, 0, 0, 1)).add(a.mul(NN.slice(w, 0, 1, 2))).mul(h2);
    Tensor h = layerNorm.forward(NN.dropout(wm.forward(m), p, rng(), isTraining()).add(e0));
    Tensor gated = w3.forward(h).mul(w4.forward(h).gelu());
    return layerNorm.forward(NN.dropout(wOut.forward(gated), p, rng(), isTraining()).add(h));
  }

  /** Faithful: centred, padding (k − 1)/2. Causal: padding k − 1 on both sides, keeping the first L outputs. */
  private Tensor conv(Tensor x, Tensor weight, Tensor bias) {
    int k = config.convKernel();
    if (!config.causal()) {
      return Seq.conv1d(x, weight, bias, (k - 1) / 2);
    }
    return NN.slice(Seq.conv1d(x, weight, bias, k - 1), 1, 0, x.dim(1));
  }

  private static Tensor masked(Tensor x, Tensor keep) {
    return keep == null ? x : x.mul(keep);
  }

  /** [B, L, 1] with 1 at real positions and 0 at padding. */
  private static Tensor keepMask(IntTensor padding, int batch, int length) {
    float[] keep = new float[batch * length];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = padding.get(i) == 0 ? 1f : 0f;
    }
    return Tensor.of(keep, batch, length, 1);
  }

  // ---------------------------------------------------------------- incremental inference (causal variant)

  /** The causal variant: the same model, with {@link #initialState} and {@link #step} as its interface. */
  public static final class Incremental extends GlintRu implements IncrementalModel {
    Incremental(Config config) {
      super(config);
    }
  }

  /**
   * Buffers: the last k − 1 inputs of the first convolution, the GRU hidden state, the last k − 1 inputs of
   * the second convolution, the attention sums [H, dh, dh] and, for k_norm = sequence, Σ k² [d].
   */
  public RecurrentState initialState() {
    requireCausal();
    int d = config.dim();
    int dh = d / config.heads();
    int tail = (config.convKernel() - 1) * d;
    return new RecurrentState(new float[][] {new float[tail], new float[d], new float[tail],
        new float[config.heads() * dh * dh], new float[config.keyNorm() == LinRec.KeyNorm.SEQUENCE ? d : 0]});
  }

  /** One new item: O(d²) work, equal to the full causal forward at that position. */
  public float[] step(RecurrentState state, int item) {
    requireCausal();
    if (isTraining()) {
      throw new IllegalStateException("incremental steps need eval mode: call train(false) first");
    }
    int d = config.dim();
    try (Grad g = Grad.disabled()) {
      Tensor e0 = NN.embedding(items, new IntTensor(new int[] {item}, 1, 1));
      Tensor a = attention.step(e0, state.buffer(3), state.buffer(4));
      Tensor h1 = convStep(state.buffer(0), w1.forward(e0), conv1Weight, conv1Bias);
      Tensor h2 = w2.forward(e0).gelu();
      Tensor hidden = Seq.gru(h1, gruIh, gruHh, null, null, Tensor.of(state.buffer(1).clone(), 1, d));
      System.arraycopy(hidden.data(), hidden.offset(), state.buffer(1), 0, d);
      Tensor gate = select2.forward(select1.forward(h1).silu());
      Tensor g2 = convStep(state.buffer(2), wp.forward(hidden).mul(gate), conv2Weight, conv2Bias);
      Tensor x = mixAndMlp(e0, a, g2, h2);
      state.advance();
      return x.toArray();
    }
  }

  /** The causal convolution's output for one new input [1, 1, C], from its last k − 1 inputs (updated). */
  private static Tensor convStep(float[] history, Tensor input, Tensor weight, Tensor bias) {
    int ch = input.size();
    int k = weight.dim(2);
    float[] window = new float[k * ch];
    System.arraycopy(history, 0, window, 0, history.length);
    float[] in = input.toArray();
    System.arraycopy(in, 0, window, history.length, ch);
    Seq.shiftHistory(history, in);
    return Seq.conv1d(Tensor.of(window, 1, k, ch), weight, bias, 0);
  }

  private void requireCausal() {
    if (!config.causal()) {
      throw new UnsupportedOperationException("glintru variant 'faithful' has centred convolutions and attention "
          + "over the whole window (as the official code does), so it has no incremental state; train variant "
          + "'causal' for incremental inference, or score whole histories");
    }
  }
}
