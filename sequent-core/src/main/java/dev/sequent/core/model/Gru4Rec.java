package dev.sequent.core.model;

import dev.sequent.core.data.Padding;
import dev.sequent.tensor.Grad;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.NN;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Seq;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.nn.Linear;

/**
 * GRU4Rec (Hidasi et al., ICLR 2016) retrained on user sequences, as the LRURec, SASRec and BERT4Rec papers
 * compare against it: an item embedding, one GRU layer, a projection back to the embedding size, and
 * full-softmax scores against the same (tied) item table (research/models.md §6.4; layout as RecBole's).
 *
 * <pre>
 *   x_t = Dropout(E[s_t]) · m_t                        m_t = 0 at padding, 1 at real items (left-padded)
 *   r_t = σ(W_ir x_t + W_hr h_{t−1})
 *   z_t = σ(W_iz x_t + W_hz h_{t−1})
 *   n_t = tanh(W_in x_t + r_t ⊙ (W_hn h_{t−1}))
 *   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1},   h_{−1} = 0    GRU without biases, hidden H
 *   o_t = W_o h_t + b_o                                  projection H → d, at every step
 *   scores = o·Eᵀ + b                                    tied item table, optional output bias
 * </pre>
 *
 * Padding is inert by construction: with no GRU biases, a zero input and h = 0 give r = z = ½, n = 0 and so
 * h = 0 again, exactly. Leading pads therefore leave the state at exactly h = 0, so a left-padded window's
 * outputs at real items do not depend on how many pads precede them, and the first real item starts from
 * the same h = 0 as the incremental path. The mask m keeps pad inputs at zero whatever row 0 of E learns as an output
 * row, and stops any gradient into it from the input side.
 *
 * <p>Initialisation ({@code init}) as RecBole: Xavier-normal item table, Xavier-uniform GRU weights, PyTorch's
 * default for the projection; the output bias starts at zero. Or as the LRURec framework initialises its own
 * model: every parameter, biases included, truncated normal(0, 0.02) in ±0.04.
 */
public final class Gru4Rec extends SequenceModel implements IncrementalModel {

  /**
   * Hyper-parameters.
   *
   * @param dim embedding size d (also the size of the scored hidden state)
   * @param hidden GRU hidden size H (RecBole: 128 with d = 64)
   * @param dropout dropout on the input embeddings
   * @param outputBias whether scores add a learned per-item bias
   * @param init how the parameters are initialised
   */
  public record Config(int numItems, int dim, int hidden, float dropout, boolean outputBias, Init init, long seed) {
    public static Config defaults(int numItems) {
      return new Config(numItems, 64, 128, 0.3f, true, Init.RECBOLE, 42);
    }
  }

  /** How the parameters are initialised. */
  public enum Init {
    /** RecBole's GRU4Rec: Xavier-normal items, Xavier-uniform GRU, PyTorch's default projection, zero bias. */
    RECBOLE,
    /** The LRURec framework's rule for its own model: everything truncated normal(0, 0.02) in ±0.04. */
    TRUNCATED_NORMAL
  }

  private final Config config;
  private final Tensor embedding;
  private final Tensor weightIh;
  private final Tensor weightHh;
  private final Linear projection;
  private final Tensor outputBias;

  public Gru4Rec(Config config) {
    super(config.numItems(), config.dim(), new Rng(config.seed() ^ DROPOUT_STREAM));
    this.config = config;
    Rng init = new Rng(config.seed());
    int d = config.dim();
    int h = config.hidden();
    boolean recBole = config.init() == Init.RECBOLE;
    embedding = parameter("item_embedding",
        recBole ? xavierNormal(init, config.numItems() + 1, d) : truncatedNormal(init, config.numItems() + 1, d));
    weightIh = parameter("gru_weight_ih",
        recBole ? xavierUniform(init, 3 * h, d) : truncatedNormal(init, 3 * h, d));
    weightHh = parameter("gru_weight_hh",
        recBole ? xavierUniform(init, 3 * h, h) : truncatedNormal(init, 3 * h, h));
    projection = child("dense", new Linear(h, d, true, init));
    if (!recBole) {
      System.arraycopy(truncatedNormal(init, d, h).data(), 0, projection.weight.data(), 0, d * h);
      System.arraycopy(truncatedNormal(init, d).data(), 0, projection.bias.data(), 0, d);
    }
    outputBias = !config.outputBias() ? null : parameter("output_bias",
        recBole ? Tensor.zeros(config.numItems() + 1) : truncatedNormal(init, config.numItems() + 1));
  }

  static Tensor xavierNormal(Rng rng, int rows, int cols) {
    return Tensor.normal(rng, 0f, (float) Math.sqrt(2.0 / (rows + cols)), rows, cols);
  }

  /** Glorot/Xavier uniform (TensorFlow's default initialiser, which the original SASRec uses too). */
  static Tensor xavierUniform(Rng rng, int rows, int cols) {
    float bound = (float) Math.sqrt(6.0 / (rows + cols));
    return Tensor.uniform(rng, -bound, bound, rows, cols);
  }

  @Override
  public String name() {
    return "gru4rec";
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
    int batch = inputs.dim(0);
    int length = inputs.dim(1);
    Tensor keep = SasRec.keepMask(SasRec.paddingMask(inputs), batch, length);
    Tensor x = NN.dropout(NN.embedding(embedding, inputs), config.dropout(), rng(), isTraining()).mul(keep);
    Tensor states = Seq.gru(x, weightIh, weightHh, null, null, null);
    return projection.forward(states);
  }

  // ---------------------------------------------------------------- incremental inference

  /** One buffer: the GRU hidden state h [H], zero for an empty history. */
  @Override
  public RecurrentState initialState() {
    return new RecurrentState(new float[][] {new float[config.hidden()]});
  }

  /**
   * One new item: h ← GRU(E[v], h) (the fused op with L = 1 and h0 = the stored state), then the projection.
   * Equal to the full forward at that position, since pads before the first item keep h at 0. Needs eval
   * mode (no dropout).
   */
  @Override
  public float[] step(RecurrentState state, int item) {
    if (isTraining()) {
      throw new IllegalStateException("incremental steps need eval mode: call train(false) first");
    }
    try (Grad g = Grad.disabled()) {
      int h = config.hidden();
      Tensor x = NN.embedding(embedding, new IntTensor(new int[] {item}, 1, 1));
      Tensor next = Seq.gru(x, weightIh, weightHh, null, null, Tensor.of(state.buffer(0), 1, h));
      System.arraycopy(next.data(), next.offset(), state.buffer(0), 0, h);
      state.advance();
      return projection.forward(next).toArray();
    }
  }
}
