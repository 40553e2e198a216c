package dev.sequent.core.infer;

import dev.sequent.core.model.IncrementalModel;
import dev.sequent.core.model.RecurrentState;
import dev.sequent.core.model.SequenceModel;
import dev.sequent.core.run.Experiment;
import dev.sequent.core.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Recommendations from a checkpoint: raw item ids in, ranked raw item ids out, for any history (new users
 * too). Models with {@link IncrementalModel} state can also be advanced one event at a time.
 *
 * <p>Scoring is an exact scan over every item (the same arithmetic as {@link ModelScorer}) with a bounded
 * heap for the top K ({@link TopItems}). Thread-safe for concurrent calls once built (the model runs in eval
 * mode and without gradients; incremental states belong to their callers).
 */
public final class Recommender {

  /** One recommended item: dense index, raw id and score. */
  public record Scored(int item, String rawId, float score) {}

  private final SequenceModel model;
  private final ModelScorer scorer;
  private final int maxLength;
  private final String[] rawIds;
  private final Map<String, Integer> index;
  private final ThreadLocal<float[]> scoreScratch;

  public Recommender(SequenceModel model, int maxLength, List<String> itemRawIds) {
    if (itemRawIds.size() != model.numItems()) {
      throw new IllegalArgumentException("vocabulary has " + itemRawIds.size() + " items, the model "
          + model.numItems());
    }
    this.model = model;
    this.maxLength = maxLength;
    this.scorer = new ModelScorer(model, maxLength);
    this.scoreScratch = ThreadLocal.withInitial(() -> new float[model.numItems()]);
    this.rawIds = new String[itemRawIds.size() + 1];
    this.index = new HashMap<>(itemRawIds.size() * 2);
    for (int i = 0; i < itemRawIds.size(); i++) {
      rawIds[i + 1] = itemRawIds.get(i);
      index.put(itemRawIds.get(i), i + 1);
    }
    model.train(false);
  }

  /** Loads a checkpoint written by the trainer (weights, model config and item vocabulary). */
  public static Recommender load(Path checkpointFile) throws IOException {
    Checkpoint checkpoint = Checkpoint.read(checkpointFile);
    if (checkpoint.section("items") == null) {
      throw new IOException(checkpointFile + " has no item vocabulary; it was not written by a training run");
    }
    return of(checkpoint);
  }

  /** The recommender of a checkpoint already read. */
  public static Recommender of(Checkpoint checkpoint) {
    return new Recommender(Experiment.loadModel(checkpoint),
        Integer.parseInt(checkpoint.require("config.data.max_length")), Experiment.itemIds(checkpoint));
  }

  public SequenceModel model() {
    return model;
  }

  public int maxLength() {
    return maxLength;
  }

  public int numItems() {
    return model.numItems();
  }

  /** Dense index of a raw item id, or -1 when the item is unknown. */
  public int indexOf(String rawId) {
    Integer i = index.get(rawId);
    return i == null ? -1 : i;
  }

  /** Raw id of a dense index (1..numItems). */
  public String rawId(int item) {
    return rawIds[item];
  }

  /** Whether events can be applied one at a time ({@link #initialState}, {@link #advance}). */
  public boolean isIncremental() {
    return model instanceof IncrementalModel;
  }

  /** Top-k items for a history of dense ids (oldest first; the last {@link #maxLength()} are used). */
  public List<Scored> recommend(int[] history, int k, IntPredicate exclude) {
    if (history.length == 0) {
      throw new IllegalArgumentException("history is empty: nothing to recommend from");
    }
    float[] hidden = ModelScorer.encodeLast(model, new int[][] {history}, maxLength);
    return topK(hidden, k, exclude);
  }

  /** A fresh incremental state (empty history). */
  public RecurrentState initialState() {
    return incremental().initialState();
  }

  /** Advances the state by one item and returns the hidden vector for {@link #topK}. */
  public float[] advance(RecurrentState state, int item) {
    if (item < 1 || item > model.numItems()) {
      throw new IllegalArgumentException("item index " + item + " is outside 1.." + model.numItems());
    }
    return incremental().step(state, item);
  }

  private IncrementalModel incremental() {
    if (!(model instanceof IncrementalModel m)) {
      throw new UnsupportedOperationException(model.name() + " has no incremental state; use recommend()");
    }
    return m;
  }

  /** The k best items for a hidden vector, excluding padding and items where {@code exclude} is true. */
  public List<Scored> topK(float[] hidden, int k, IntPredicate exclude) {
    TopItems top = topItems(hidden, k, exclude);
    List<Scored> out = new ArrayList<>(top.size());
    for (int i = 0; i < top.size(); i++) {
      out.add(new Scored(top.items()[i], rawIds[top.items()[i]], top.scores()[i]));
    }
    return out;
  }

  /**
   * {@link #topK} as dense ids and scores, without the raw ids; for callers that answer many requests. Items
   * where {@code exclude} is true ({@code null}: none) are skipped.
   */
  public TopItems topItems(float[] hidden, int k, IntPredicate exclude) {
    if (hidden.length != model.dim()) {
      throw new IllegalArgumentException("hidden vector has " + hidden.length + " values, the model "
          + model.dim());
    }
    float[] scores = scoreScratch.get();
    scorer.scoreRange(hidden, 0, 1, model.numItems() + 1, scores, 0);
    return TopItems.select(scores, model.numItems(), k, exclude);
  }
}
