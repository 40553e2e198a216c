package dev.sequent.core.model;

import dev.sequent.core.data.Padding;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.nn.LayerNorm;
import dev.sequent.tensor.nn.Linear;
import dev.sequent.tensor.nn.Module;

/**
 * SASRec (Kang and McAuley, ICDM 2018) as the original code computes it (research/models.md §6.1).
 *
 * <pre>
 *   x = (E[s]·√d + P[0..L−1]) with dropout, zeroed at padding          left-padded window, learned positions
 *   per block:
 *     q = LN(x);  a = MultiHead(Q = q·W_q, K = x·W_k, V = x·W_v)  causal + key-padding masks
 *     x = q + a;  f = LN(x);  x = (f + W2·Dropout(ReLU(W1·f))) with dropout, zeroed at padding
 *   h = LN(x);  scores = h·Eᵀ                                           shared, unscaled item table
 * </pre>
 *
 * LayerNorm eps 1e-8; Glorot-uniform weights, zero biases; the padding row of E starts at zero. The loss
 * (full-softmax CE, BCE with one negative, sampled softmax) is the trainer's choice.
 */
public final class SasRec extends SequenceModel {

  /** Hyper-parameters. */
  public record Config(int numItems, int maxLength, int dim, int blocks, int heads, float dropout,
                       float layerNormEps, long seed) {
    public static Config defaults(int numItems, int maxLength) {
      return new Config(numItems, maxLength, 64, 2, 2, 0.2f, 1e-8f, 42);
    }
  }

  private final Config config;
  private final Tensor items;
  private final Tensor positions;
  private final Block[] blocks;
  private final LayerNorm lastLayerNorm;

  public SasRec(Config config) {
    super(config.numItems(), config.dim(), new Rng(config.seed() ^ DROPOUT_STREAM));
    if (config.dim() % config.heads() != 0) {
      throw new IllegalArgumentException("dim " + config.dim() + " is not divisible by heads " + config.heads());
    }
    this.config = config;
    Rng init = new Rng(config.seed());
    int d = config.dim();
    items = parameter("item_embedding", Gru4Rec.xavierUniform(init, config.numItems() + 1, d));
    java.util.Arrays.fill(items.data(), 0, d, 0f);
    positions = parameter("position_embedding", Gru4Rec.xavierUniform(init, config.maxLength(), d));
    blocks = new Block[config.blocks()];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = child("block_" + i, new Block(config, init, rng()));
    }
    lastLayerNorm = child("last_layer_norm", new LayerNorm(d, config.layerNormEps()));
  }

  @Override
  public String name() {
    return "sasrec";
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
    return items;
  }

  @Override
  public Tensor encode(IntTensor inputs) {
    int batch = inputs.dim(0);
    int length = inputs.dim(1);
    if (length > config.maxLength()) {
      throw new IllegalArgumentException("window of " + length + " items exceeds max length " + config.maxLength());
    }
    IntTensor padding = paddingMask(inputs);
    Tensor keep = keepMask(padding, batch, length);
    Tensor pos = positions.narrow0(config.maxLength() - length, config.maxLength());
    Tensor x = NN.embedding(items, inputs).mul((float) Math.sqrt(config.dim())).add(pos);
    x = NN.dropout(x, config.dropout(), rng(), isTraining()).mul(keep);
    for (Block block : blocks) {
      x = block.forward(x, padding, keep);
    }
    return lastLayerNorm.forward(x);
  }

  /** 1 where the input is padding (id 0). */
  static IntTensor paddingMask(IntTensor inputs) {
    int[] ids = inputs.data();
    int[] pad = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      pad[i] = ids[i] == 0 ? 1 : 0;
    }
    return new IntTensor(pad, inputs.dim(0), inputs.dim(1));
  }

  /** [B, L, 1] with 1 at real positions and 0 at padding, to zero padded rows. */
  static Tensor keepMask(IntTensor padding, int batch, int length) {
    float[] keep = new float[batch * length];
    for (int i = 0; i < keep.length; i++) {
      keep[i] = padding.get(i) == 0 ? 1f : 0f;
    }
    return Tensor.of(keep, batch, length, 1);
  }

  /** Self-attention and feed-forward, with the original code's normalisation placement. */
  static final class Block extends Module {
    private final Config config;
    private final Rng rng;
    private final LayerNorm attentionLayerNorm;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final LayerNorm forwardLayerNorm;
    private final Linear w1;
    private final Linear w2;

    Block(Config config, Rng init, Rng dropoutRng) {
      this.config = config;
      this.rng = dropoutRng;
      int d = config.dim();
      attentionLayerNorm = child("attention_layer_norm", new LayerNorm(d, config.layerNormEps()));
      query = child("query", glorotLinear(d, d, init));
      key = child("key", glorotLinear(d, d, init));
      value = child("value", glorotLinear(d, d, init));
      forwardLayerNorm = child("forward_layer_norm", new LayerNorm(d, config.layerNormEps()));
      w1 = child("w_1", glorotLinear(d, d, init));
      w2 = child("w_2", glorotLinear(d, d, init));
    }

    private static Linear glorotLinear(int in, int out, Rng init) {
      Linear l = new Linear(in, out, true, init);
      Tensor w = Gru4Rec.xavierUniform(init, out, in);
      System.arraycopy(w.data(), 0, l.weight.data(), 0, w.size());
      java.util.Arrays.fill(l.bias.data(), 0f);
      return l;
    }

    Tensor forward(Tensor x, IntTensor padding, Tensor keep) {
      int batch = x.dim(0);
      int length = x.dim(1);
      int heads = config.heads();
      int dh = config.dim() / heads;
      Tensor q = attentionLayerNorm.forward(x);
      Tensor qh = splitHeads(query.forward(q), batch, length, heads, dh);
      Tensor kh = splitHeads(key.forward(x), batch, length, heads, dh);
      Tensor vh = splitHeads(value.forward(x), batch, length, heads, dh);
      Tensor attended = NN.attention(qh, kh, vh, true, padding, config.dropout(), rng, isTraining())
          .permute(0, 2, 1, 3).reshape(batch, length, config.dim());
      Tensor f = forwardLayerNorm.forward(q.add(attended));
      Tensor hidden = NN.dropout(w1.forward(f).relu(), config.dropout(), rng, isTraining());
      Tensor out = NN.dropout(w2.forward(hidden), config.dropout(), rng, isTraining());
      return f.add(out).mul(keep);
    }

    /** [B, L, d] → [B, heads, L, dh]. */
    static Tensor splitHeads(Tensor x, int batch, int length, int heads, int dh) {
      return x.reshape(batch, length, heads, dh).permute(0, 2, 1, 3);
    }
  }
}
