package dev.sequent.core.model;

import dev.sequent.core.data.ClozeMasking;
import dev.sequent.core.data.Padding;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.nn.LayerNorm;
import dev.sequent.tensor.nn.Linear;
import dev.sequent.tensor.nn.Module;

/**
 * BERT4Rec (Sun et al., CIKM 2019): a bidirectional Transformer trained on the Cloze task
 * (research/models.md §6.3).
 *
 * <pre>
 *   h⁰ = Dropout(LN(E[s] + P[0..L−1]))        left-padded window, learned positions, [mask] = numItems + 1
 *   per layer (post-LN):
 *     a = MultiHead(h W_q, h W_k, h W_v) W_o   bidirectional: only padding is masked (as keys)
 *     h = LN(h + Dropout(a))
 *     h = LN(h + Dropout(W2 GELU(W1 h + b1) + b2))        inner size 4d
 *   o = LN(GELU(h W_P + b_P))                  output transform (the LN is optional, see below)
 *   scores = o·E[0..numItems]ᵀ + b_O           tied item table (the [mask] row is not scored), output bias
 * </pre>
 *
 * Training (Cloze, {@link #clozeMasking()}): real items of a window are replaced by [mask] with probability
 * ρ ({@code mask_ratio}: 0.2 for ML-1M, 0.6 for Beauty in the paper), and the loss is the softmax
 * cross-entropy of the original item at the masked positions; the last item, the test task, is masked more
 * often ({@code last_item}).
 * Prediction: the last L − 1 history items followed by [mask]; the hidden state at [mask] is scored.
 *
 * <p>Defaults follow the paper and its official code. LRURec's Table 3 baselines come from its authors'
 * PyTorch framework, whose closest public relative (the LRURec first author's earlier BERT4Rec) differs in
 * six ways, each an option: what a chosen position shows ({@code mask_replacement}: always [mask], or
 * BERT's 80/10/10), a cap on the masked items of a window ({@code max_predictions}), the LayerNorm of the
 * output transform ({@code output_layer_norm}; absent from the paper's equation too), how the last item is
 * favoured ({@code last_item}: last-only windows or a boosted mask probability), the embeddings'
 * initialisation ({@code embedding_init}) and the numbering of positions ({@code positions}). Its rule that
 * an item masked once in a window is not masked again is not an option: ML-1M users never repeat an item, and
 * Beauty windows rarely do.
 *
 * <p>By default positions are by column of the left-padded window, so the most recent slot always has the
 * same position. Padding is masked as attention keys, so real positions never depend on how many pads
 * precede them. Initialisation as BERT: truncated normal(0, 0.02) weights and embeddings, zero biases,
 * LayerNorm (1, 0), eps 1e-12.
 */
public final class Bert4Rec extends SequenceModel {

  /**
   * Hyper-parameters; defaults are the paper's (mask ratio: its ML-1M value).
   *
   * @param maskRatio ρ, the probability that a real item of a training window is masked
   * @param lastItemRatio share of training windows that mask only their last item, or the last item's boost
   * @param lastItem which of the two {@code lastItemRatio} is (official code: last-only windows)
   * @param maskReplacement what a chosen position shows (official code: always [mask])
   * @param maxPredictions the most items a training window masks, 0 for no cap (official code: no cap)
   * @param outputLayerNorm whether the output transform ends with a LayerNorm (official code: yes)
   * @param embeddingInit how item and position embeddings start (official code: as every weight)
   * @param positions how positions are numbered (official code: by column of the window)
   */
  public record Config(int numItems, int maxLength, int dim, int blocks, int heads, float dropout,
                       float attentionDropout, float maskRatio, float lastItemRatio, ClozeMasking.LastItem lastItem,
                       ClozeMasking.Replacement maskReplacement, int maxPredictions, boolean outputLayerNorm,
                       EmbeddingInit embeddingInit, Positions positions, float layerNormEps, long seed) {
    public static Config defaults(int numItems, int maxLength) {
      return new Config(numItems, maxLength, 64, 2, 2, 0.2f, 0.2f, 0.2f, 0.1f, ClozeMasking.LastItem.WINDOWS,
          ClozeMasking.Replacement.MASK, 0, true, EmbeddingInit.TRUNCATED_NORMAL, Positions.WINDOW, 1e-12f, 42);
    }
  }

  /** How the item and position embeddings are initialised. */
  public enum EmbeddingInit {
    /** Truncated normal(0, 0.02) like every other weight: BERT, the official code, RecBole. */
    TRUNCATED_NORMAL,
    /**
     * N(0, 1), PyTorch's {@code nn.Embedding} default, which the LRURec first author's BERT4Rec keeps (its
     * truncated-normal initialisation covers only the Transformer and output layers).
     */
    STANDARD_NORMAL
  }

  /** How the positions of a window are numbered. */
  public enum Positions {
    /** By column of the left-padded window: the most recent item always has the last position. */
    WINDOW,
    /**
     * From the first real item of the window, 0, 1, …, n − 1, as the LRURec first author's BERT4Rec: the last
     * item's position tells how long the window is.
     */
    START
  }

  private final Config config;
  private final Tensor items;
  private final Tensor positionEmbeddings;
  private final LayerNorm embeddingLayerNorm;
  private final Block[] blocks;
  private final Linear outputTransform;
  private final LayerNorm outputLayerNorm;
  private final Tensor outputBias;
  private final ClozeMasking cloze;

  public Bert4Rec(Config config) {
    super(config.numItems(), config.dim(), new Rng(config.seed() ^ DROPOUT_STREAM));
    if (config.dim() % config.heads() != 0) {
      throw new IllegalArgumentException("dim " + config.dim() + " is not divisible by heads " + config.heads());
    }
    if (config.maxLength() < 2) {
      throw new IllegalArgumentException("BERT4Rec needs max length >= 2 (history items plus [mask])");
    }
    this.config = config;
    Rng init = new Rng(config.seed());
    int d = config.dim();
    // Rows 0..numItems are scored; the extra last row is the [mask] token, an input only.
    items = parameter("item_embedding", embedding(config.embeddingInit(), init, config.numItems() + 2, d));
    positionEmbeddings =
        parameter("position_embedding", embedding(config.embeddingInit(), init, config.maxLength(), d));
    embeddingLayerNorm = child("embedding_layer_norm", new LayerNorm(d, config.layerNormEps()));
    blocks = new Block[config.blocks()];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = child("block_" + i, new Block(config, init, rng()));
    }
    outputTransform = child("output_transform", linear(d, d, init));
    outputLayerNorm = config.outputLayerNorm() ? child("output_layer_norm", new LayerNorm(d, config.layerNormEps()))
        : null;
    outputBias = parameter("output_bias", Tensor.zeros(config.numItems() + 1));
    cloze = new ClozeMasking(maskToken(), config.maskRatio(), config.lastItemRatio(), config.lastItem(),
        config.maskReplacement(), config.maxPredictions());
  }

  private static Tensor embedding(EmbeddingInit rule, Rng init, int rows, int dim) {
    return switch (rule) {
      case TRUNCATED_NORMAL -> truncatedNormal(init, rows, dim);
      case STANDARD_NORMAL -> Tensor.normal(init, 0f, 1f, rows, dim);
    };
  }

  /** A dense layer with BERT's initialisation: truncated normal(0, 0.02) weight, zero bias. */
  static Linear linear(int in, int out, Rng init) {
    Linear l = new Linear(in, out, true, init);
    Tensor w = truncatedNormal(init, out, in);
    System.arraycopy(w.data(), 0, l.weight.data(), 0, w.size());
    java.util.Arrays.fill(l.bias.data(), 0f);
    return l;
  }

  @Override
  public String name() {
    return "bert4rec";
  }

  @Override
  public Padding padding() {
    return Padding.LEFT;
  }

  public Config config() {
    return config;
  }

  /** Id of the [mask] token: one past the last item. */
  public int maskToken() {
    return config.numItems() + 1;
  }

  @Override
  public ClozeMasking clozeMasking() {
    return cloze;
  }

  @Override
  public Tensor itemEmbeddings() {
    return items.narrow0(0, config.numItems() + 1);
  }

  @Override
  public Tensor itemBias() {
    return outputBias;
  }

  @Override
  public Tensor encode(IntTensor inputs) {
    int batch = inputs.dim(0);
    int length = inputs.dim(1);
    if (length > config.maxLength()) {
      throw new IllegalArgumentException("window of " + length + " items exceeds max length " + config.maxLength());
    }
    IntTensor padding = SasRec.paddingMask(inputs);
    Tensor h = embeddingLayerNorm.forward(NN.embedding(items, inputs).add(positions(inputs)));
    h = NN.dropout(h, config.dropout(), rng(), isTraining());
    for (Block block : blocks) {
      h = block.forward(h, padding);
    }
    Tensor o = outputTransform.forward(h).gelu();
    return outputLayerNorm == null ? o : outputLayerNorm.forward(o);
  }

  /** Position embeddings of a batch of left-padded windows, by the {@link Positions} rule. */
  private Tensor positions(IntTensor inputs) {
    int batch = inputs.dim(0);
    int length = inputs.dim(1);
    if (config.positions() == Positions.WINDOW) {
      return positionEmbeddings.narrow0(config.maxLength() - length, config.maxLength());
    }
    // Padding takes position 0 too; it is masked as a key, so no real position sees it.
    int[] ids = inputs.data();
    int[] numbers = new int[ids.length];
    for (int b = 0; b < batch; b++) {
      int next = 0;
      for (int p = 0; p < length; p++) {
        if (ids[b * length + p] != 0) {
          numbers[b * length + p] = next++;
        }
      }
    }
    return NN.embedding(positionEmbeddings, new IntTensor(numbers, batch, length));
  }

  /** Bidirectional self-attention and the GELU feed-forward, each with residual and post-LayerNorm. */
  static final class Block extends Module {
    private final Config config;
    private final Rng rng;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear attentionOutput;
    private final LayerNorm attentionLayerNorm;
    private final Linear w1;
    private final Linear w2;
    private final LayerNorm forwardLayerNorm;

    Block(Config config, Rng init, Rng dropoutRng) {
      this.config = config;
      this.rng = dropoutRng;
      int d = config.dim();
      query = child("query", linear(d, d, init));
      key = child("key", linear(d, d, init));
      value = child("value", linear(d, d, init));
      attentionOutput = child("attention_output", linear(d, d, init));
      attentionLayerNorm = child("attention_layer_norm", new LayerNorm(d, config.layerNormEps()));
      w1 = child("w_1", linear(d, 4 * d, init));
      w2 = child("w_2", linear(4 * d, d, init));
      forwardLayerNorm = child("forward_layer_norm", new LayerNorm(d, config.layerNormEps()));
    }

    Tensor forward(Tensor h, IntTensor padding) {
      int batch = h.dim(0);
      int length = h.dim(1);
      int heads = config.heads();
      int dh = config.dim() / heads;
      Tensor q = SasRec.Block.splitHeads(query.forward(h), batch, length, heads, dh);
      Tensor k = SasRec.Block.splitHeads(key.forward(h), batch, length, heads, dh);
      Tensor v = SasRec.Block.splitHeads(value.forward(h), batch, length, heads, dh);
      Tensor attended = NN.attention(q, k, v, false, padding, config.attentionDropout(), rng, isTraining())
          .permute(0, 2, 1, 3).reshape(batch, length, config.dim());
      Tensor a = attentionOutput.forward(attended);
      h = attentionLayerNorm.forward(h.add(NN.dropout(a, config.dropout(), rng, isTraining())));
      Tensor f = w2.forward(w1.forward(h).gelu());
      return forwardLayerNorm.forward(h.add(NN.dropout(f, config.dropout(), rng, isTraining())));
    }
  }
}
