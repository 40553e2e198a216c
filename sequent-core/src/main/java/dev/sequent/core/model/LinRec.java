package dev.sequent.core.model;

import dev.sequent.core.data.Padding;
import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.LinearAttention;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Seq;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.nn.LayerNorm;
import dev.sequent.tensor.nn.Linear;
import dev.sequent.tensor.nn.Module;

/**
 * LinRec (Liu et al., SIGIR 2023): L2-normalised linear attention as the attention of a SASRec-style
 * post-LN transformer, as the official code runs it — RecBole's SASRec with the attention replaced
 * (research/models.md §4, §6.7).
 *
 * <pre>
 *   x = Dropout(LN(E[s] + P[pos]))                          right-padded ids s, learned positions
 *   per layer:
 *     Q, K, V = x·W_qᵀ + b_q, x·W_kᵀ + b_k, x·W_vᵀ + b_v     h heads of dh = d/h
 *     Q̂ = rownorm(ELU(Q)),  K̂ = rownorm(ELU(K))             ELU without +1; K axis: option k_norm
 *     O = Q̂(K̂ᵀV)/√dh                                        faithful: every slot of the window, pads too
 *     O_t = q̂_t·Σ_{s≤t} k̂_s v_sᵀ/√dh                         causal: prefix sums, padded keys masked
 *     a = LN(Dropout(O·W_oᵀ + b_o) + x)
 *     x = LN(Dropout(W2·GELU(W1·a + b1) + b2) + a)
 *   scores = x·Eᵀ over all ids (padding included, as RecBole's CE does)
 * </pre>
 *
 * Variants: {@code faithful} is the official computation (non-causal attention over the right-padded
 * window; trained on RecBole prefixes with the loss at the last real position, which is leak-free because
 * a prefix has no future items). {@code causal} uses prefix sums and masks padded keys, so every position
 * can be trained at once (sequence to sequence) and served incrementally with per-layer, per-head sums
 * Σ k̂ vᵀ (d²/h floats per layer). Its positions count real items (a leading padding slot does not shift
 * them), so training windows, scoring windows and incremental steps agree.
 *
 * <p>Initialisation (RecBole): normal(0, 0.02) for every Linear and embedding weight (the padding row too),
 * zero biases, LayerNorm (1, 0). The padding row gets no gradient from lookups (padding_idx) but, as in
 * RecBole, does from the tied output layer.
 */
public class LinRec extends SequenceModel {

  /**
   * Axis of the keys' L2 normalisation (ambiguity A-L1). {@code POSITION}: each position's dh-vector has
   * unit norm (the official code). {@code SEQUENCE}: each of the dh feature columns has unit norm over the
   * positions (the paper's "column-wise" reading); in the causal variant over the positions so far, which
   * folds into the query: q̂_t,c / ‖k_{≤t,c}‖.
   */
  public enum KeyNorm {
    POSITION, SEQUENCE
  }

  /** Hyper-parameters; defaults are the official ML-1M run's (README: N = 200, d = 128). */
  public record Config(int numItems, int maxLength, boolean causal, int dim, int layers, int heads, int inner,
                       float dropout, KeyNorm keyNorm, float layerNormEps, long seed) {
    public static Config defaults(int numItems, int maxLength) {
      return new Config(numItems, maxLength, false, 128, 2, 8, 256, 0.2f, KeyNorm.POSITION, 1e-12f, 2000);
    }

    public String variant() {
      return causal ? "causal" : "faithful";
    }
  }

  /** Added to ‖x‖² in the L2 normalisations; the official code divides by the plain norm. */
  static final float NORM_EPS = 1e-12f;

  private final Config config;
  private final Tensor items;
  private final Tensor positions;
  private final LayerNorm embeddingNorm;
  private final Layer[] layers;

  /**
   * The variant the config asks for. Only causal instances are {@link IncrementalModel}s (the {@link
   * Incremental} subclass), so serving code that checks for the interface never picks a faithful model.
   */
  public static LinRec create(Config config) {
    return config.causal() ? new Incremental(config) : new LinRec(config);
  }

  LinRec(Config config) {
    super(config.numItems(), config.dim(), new Rng(config.seed() ^ DROPOUT_STREAM));
    if (config.dim() % config.heads() != 0) {
      throw new IllegalArgumentException("dim " + config.dim() + " is not divisible by heads " + config.heads());
    }
    this.config = config;
    Rng init = new Rng(config.seed());
    int d = config.dim();
    items = parameter("item_embedding", normal(init, config.numItems() + 1, d));
    positions = parameter("position_embedding", normal(init, config.maxLength(), d));
    embeddingNorm = child("layer_norm", new LayerNorm(d, config.layerNormEps()));
    layers = new Layer[config.layers()];
    for (int i = 0; i < layers.length; i++) {
      layers[i] = child("layer_" + i, new Layer(config, (in, out) -> normalLinear(in, out, init), rng()));
    }
  }

  /** normal(0, 0.02), RecBole's {@code initializer_range}. */
  static Tensor normal(Rng rng, int... shape) {
    return Tensor.normal(rng, 0f, 0.02f, shape);
  }

  /** A Linear with RecBole's initialisation: normal(0, 0.02) weight, zero bias. */
  static Linear normalLinear(int in, int out, Rng init) {
    Linear l = new Linear(in, out, true, init);
    System.arraycopy(normal(init, out, in).data(), 0, l.weight.data(), 0, out * in);
    java.util.Arrays.fill(l.bias.data(), 0f);
    return l;
  }

  @Override
  public String name() {
    return "linrec";
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
    int length = inputs.dim(1);
    if (length > config.maxLength()) {
      throw new IllegalArgumentException("window of " + length + " items exceeds max length " + config.maxLength());
    }
    // Faithful: slot t has position t (RecBole). Causal: positions count real items, see positionIds.
    Tensor pos = config.causal() ? NN.embedding(positions, positionIds(inputs, config.maxLength()))
        : positions.narrow0(0, length);
    Tensor x = NN.embedding(items, inputs, 0).add(pos);
    x = NN.dropout(embeddingNorm.forward(x), config.dropout(), rng(), isTraining());
    IntTensor padding = config.causal() ? paddingMask(inputs) : null;
    for (Layer layer : layers) {
      x = layer.forward(x, padding);
    }
    return x;
  }

  /** 1 where the input is padding (id 0), as key masks want it. */
  static IntTensor paddingMask(IntTensor inputs) {
    int[] ids = inputs.data();
    int[] pad = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      pad[i] = ids[i] == 0 ? 1 : 0;
    }
    return new IntTensor(pad, inputs.dim(0), inputs.dim(1));
  }

  /**
   * Causal positions: slot t of a row gets t − (index of the row's first real item), clamped to
   * [0, maxLength − 1]. Sequence-to-sequence windows start with a padding slot before a user's first item
   * (its label is that first item); counting from the first real item gives that item position 0, as in
   * scoring windows and incremental steps.
   */
  static IntTensor positionIds(IntTensor inputs, int maxLength) {
    int rows = inputs.dim(0);
    int length = inputs.dim(1);
    int[] ids = inputs.data();
    int[] pos = new int[rows * length];
    for (int r = 0; r < rows; r++) {
      int first = 0;
      while (first < length && ids[r * length + first] == 0) {
        first++;
      }
      for (int t = 0; t < length; t++) {
        pos[r * length + t] = Math.min(maxLength - 1, Math.max(0, t - first));
      }
    }
    return new IntTensor(pos, rows, length);
  }

  // ---------------------------------------------------------------- incremental inference (causal variant)

  /** The causal variant: the same model, with {@link #initialState} and {@link #step} as its interface. */
  public static final class Incremental extends LinRec implements IncrementalModel {
    Incremental(Config config) {
      super(config);
    }
  }

  /**
   * Per layer: the per-head sums S = Σ k̂ vᵀ ([H, dh, dh]) and, for k_norm = sequence, Σ k² per channel.
   * Only the causal variant has such a state; the faithful one attends to later slots.
   */
  public RecurrentState initialState() {
    requireCausal();
    int d = config.dim();
    int dh = d / config.heads();
    float[][] buffers = new float[2 * layers.length][];
    for (int i = 0; i < layers.length; i++) {
      buffers[2 * i] = new float[config.heads() * dh * dh];
      buffers[2 * i + 1] = new float[config.keyNorm() == KeyNorm.SEQUENCE ? d : 0];
    }
    return new RecurrentState(buffers);
  }

  /**
   * One new item at position min(items so far, maxLength − 1): O(layers · d²) work. Equals the full causal
   * forward for histories of up to maxLength items; past that, the state keeps the whole history while a
   * full forward sees the last maxLength items, and the position stays at the last learned one.
   */
  public float[] step(RecurrentState state, int item) {
    requireCausal();
    if (isTraining()) {
      throw new IllegalStateException("incremental steps need eval mode: call train(false) first");
    }
    try (Grad g = Grad.disabled()) {
      int pos = (int) Math.min(state.length(), config.maxLength() - 1);
      Tensor x = NN.embedding(items, new IntTensor(new int[] {item}, 1, 1))
          .add(positions.narrow0(pos, pos + 1));
      x = embeddingNorm.forward(x);
      for (int i = 0; i < layers.length; i++) {
        x = layers[i].step(x, state.buffer(2 * i), state.buffer(2 * i + 1));
      }
      state.advance();
      return x.toArray();
    }
  }

  private void requireCausal() {
    if (!config.causal()) {
      throw new UnsupportedOperationException("linrec variant 'faithful' attends to every slot of the window "
          + "(as the official code does), so it has no incremental state; train variant 'causal' for "
          + "incremental inference, or score whole histories");
    }
  }

  // ---------------------------------------------------------------- layers

  /** Builds a Linear(in → out) with the owning model's initialisation. */
  @FunctionalInterface
  interface LinearFactory {
    Linear create(int in, int out);
  }

  /** Linear attention, then the position-wise FFN (RecBole's TransformerLayer). */
  static final class Layer extends Module {
    private final Attention attention;
    private final Linear w1;
    private final Linear w2;
    private final LayerNorm layerNorm;
    private final float dropout;
    private final Rng rng;

    Layer(Config config, LinearFactory linear, Rng dropoutRng) {
      int d = config.dim();
      attention = child("attention", new Attention(d, config.heads(), config.dropout(), config.layerNormEps(),
          config.keyNorm(), config.causal(), linear, dropoutRng));
      w1 = child("dense_1", linear.create(d, config.inner()));
      w2 = child("dense_2", linear.create(config.inner(), d));
      layerNorm = child("layer_norm", new LayerNorm(d, config.layerNormEps()));
      dropout = config.dropout();
      rng = dropoutRng;
    }

    Tensor forward(Tensor x, IntTensor padding) {
      return feedForward(attention.forward(x, padding));
    }

    Tensor step(Tensor x, float[] sums, float[] keySquares) {
      return feedForward(attention.step(x, sums, keySquares));
    }

    /** LN(Dropout(W2·GELU(W1·a + b1) + b2) + a); no dropout inside (RecBole). */
    private Tensor feedForward(Tensor a) {
      Tensor h = w2.forward(w1.forward(a).gelu());
      return layerNorm.forward(NN.dropout(h, dropout, rng, isTraining()).add(a));
    }
  }

  /**
   * LinRec's attention with its output projection, dropout, residual and LayerNorm:
   * a = LN(Dropout(O·W_oᵀ + b_o) + x). GLINT-RU uses the same module as its attention expert. The
   * attention-probability dropout of the config is ignored, as in the official code (A-L5).
   */
  static final class Attention extends Module {
    private final int heads;
    private final float dropout;
    private final KeyNorm keyNorm;
    private final boolean causal;
    private final Rng rng;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear dense;
    private final LayerNorm layerNorm;

    Attention(int dim, int heads, float dropout, float layerNormEps, KeyNorm keyNorm, boolean causal,
              LinearFactory linear, Rng dropoutRng) {
      this.heads = heads;
      this.dropout = dropout;
      this.keyNorm = keyNorm;
      this.causal = causal;
      this.rng = dropoutRng;
      query = child("query", linear.create(dim, dim));
      key = child("key", linear.create(dim, dim));
      value = child("value", linear.create(dim, dim));
      dense = child("dense", linear.create(dim, dim));
      layerNorm = child("layer_norm", new LayerNorm(dim, layerNormEps));
    }

    /** Whole windows [B, L, d]; {@code padding} [B, L] masks keys (causal variant only). */
    Tensor forward(Tensor x, IntTensor padding) {
      int batch = x.dim(0);
      int length = x.dim(1);
      int d = x.dim(2);
      int dh = d / heads;
      // ELU, then unit rows over each head's dh features. [B, L, d] viewed as [B, L, H, dh] is the layout
      // LinearAttention takes, so splitting and merging heads are views, not copies.
      Tensor q = LinearAttention.l2Normalize(query.forward(x).elu().reshape(batch, length, heads, dh), NORM_EPS);
      Tensor kElu = key.forward(x).elu().reshape(batch, length, heads, dh);
      Tensor v = value.forward(x).reshape(batch, length, heads, dh);
      Tensor o;
      if (keyNorm == KeyNorm.POSITION) {
        Tensor k = LinearAttention.l2Normalize(kElu, NORM_EPS);
        o = causal ? LinearAttention.causal(q, k, v, padding) : LinearAttention.global(q, k, v);
      } else if (causal) {
        // ‖k_{≤t,c}‖ depends only on (t, c): divide the query instead of every key.
        Tensor keep = keepMask(padding, batch, length);
        Tensor norms = Seq.cumsum(kElu.mul(keep).square(), 1).add(NORM_EPS).sqrt();
        o = LinearAttention.causal(q.div(norms), kElu, v, padding);
      } else {
        Tensor norms = kElu.square().sum(1, true).add(NORM_EPS).sqrt();
        o = LinearAttention.global(q, kElu.div(norms), v);
      }
      o = o.mul((float) (1.0 / Math.sqrt(dh))).reshape(batch, length, d);
      return layerNorm.forward(NN.dropout(dense.forward(o), dropout, rng, isTraining()).add(x));
    }

    /** One position x [1, 1, d] with the running sums S [H, dh, dh] (and Σ k² [d]) updated in place. */
    Tensor step(Tensor x, float[] sums, float[] keySquares) {
      int d = x.dim(2);
      int dh = d / heads;
      Tensor q = LinearAttention.l2Normalize(query.forward(x).elu().reshape(1, 1, heads, dh), NORM_EPS);
      Tensor k = key.forward(x).elu().reshape(1, 1, heads, dh);
      Tensor v = value.forward(x).reshape(1, 1, heads, dh);
      if (keyNorm == KeyNorm.POSITION) {
        k = LinearAttention.l2Normalize(k, NORM_EPS);
      } else {
        float[] ks = k.toArray();
        float[] norms = new float[d];
        for (int c = 0; c < d; c++) {
          keySquares[c] += ks[c] * ks[c];
          norms[c] = (float) Math.sqrt(keySquares[c] + NORM_EPS);
        }
        q = q.div(Tensor.of(norms, 1, 1, heads, dh));
      }
      Tensor o = LinearAttention.step(sums, q, k, v, 1, heads).mul((float) (1.0 / Math.sqrt(dh)))
          .reshape(1, 1, d);
      return layerNorm.forward(dense.forward(o).add(x));
    }

    /** [B, L, 1, 1] with 1 at real positions and 0 at padding. */
    static Tensor keepMask(IntTensor padding, int batch, int length) {
      float[] keep = new float[batch * length];
      for (int i = 0; i < keep.length; i++) {
        keep[i] = padding == null || padding.get(i) == 0 ? 1f : 0f;
      }
      return Tensor.of(keep, batch, length, 1, 1);
    }
  }
}
