package dev.sequent.core.model;

import dev.sequent.core.data.ClozeMasking;
import dev.sequent.core.data.Padding;
import dev.sequent.tensor.IntTensor;
import dev.sequent.tensor.Rng;
import dev.sequent.tensor.Tensor;
import dev.sequent.tensor.nn.Module;

/**
 * A next-item model: encodes padded histories into hidden states and scores them against the item table.
 *
 * <p>Item ids are 1..numItems; 0 is padding. Scores for hidden states h are h·Eᵀ + b over all ids, where E
 * is {@link #itemEmbeddings()} and b is {@link #itemBias()} (may be null). The trainer and evaluator only
 * see this class; each model lives in its own file and reads like its paper.
 */
public abstract class SequenceModel extends Module {
  /** Mixed into a model's seed for its dropout generator, so it differs from the initialisation stream. */
  protected static final long DROPOUT_STREAM = 0x6A09E667F3BCC909L;

  /** Truncated normal(0, 0.02) in ±0.04: BERT's initialisation, which LRURec's and BERT4Rec's code use. */
  protected static Tensor truncatedNormal(Rng rng, int... shape) {
    return Tensor.truncatedNormal(rng, 0f, 0.02f, shape);
  }

  private final int numItems;
  private final int dim;
  private final Rng rng;

  /** @param rng the generator behind dropout and any other training randomness */
  protected SequenceModel(int numItems, int dim, Rng rng) {
    this.numItems = numItems;
    this.dim = dim;
    this.rng = rng;
  }

  /** Name in the model registry, e.g. "lrurec". */
  public abstract String name();

  /** Which side of the fixed-length window holds the padding. */
  public abstract Padding padding();

  /** Number of real items (ids 1..numItems). */
  public final int numItems() {
    return numItems;
  }

  /** Hidden size d. */
  public final int dim() {
    return dim;
  }

  /** Hidden states [B, L, d] for input ids [B, L]. Dropout is active in training mode. */
  public abstract Tensor encode(IntTensor inputs);

  /** The output item table [numItems + 1, d] (row 0 is the padding id). */
  public abstract Tensor itemEmbeddings();

  /** The output bias [numItems + 1], or null when the model has none. */
  public Tensor itemBias() {
    return null;
  }

  /**
   * How a masked-item (Cloze) model trains and predicts, or null (the default) for next-item models.
   *
   * <p>Non-null (BERT4Rec) changes two things outside the model. Training: each sequence-to-sequence window
   * is masked by this rule and the loss is taken at the masked positions only (instead of next-item labels
   * at every position). Prediction: the history's last L − 1 items are followed by the mask token, and the
   * hidden state at the mask token is scored (instead of the state at the last history item).
   */
  public ClozeMasking clozeMasking() {
    return null;
  }

  /** The generator behind dropout and any other training randomness; the trainer checkpoints its state. */
  public final Rng rng() {
    return rng;
  }
}
