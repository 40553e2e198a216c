package dev.sequent.server;

import dev.sequent.core.model.RecurrentState;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The server's per-event computation without HTTP, for benchmarks and for embedding in another service:
 * advance a user's incremental state by one item, then rank every item for the resulting hidden vector.
 * Thread-safe; states belong to their callers.
 */
public final class ServingPath {
  private final ServedModel model;

  private ServingPath(ServedModel model) {
    this.model = model;
  }

  /** Loads a checkpoint written by a training run (titles are not needed here). */
  public static ServingPath load(Path checkpoint) throws IOException {
    return new ServingPath(ServedModel.load(checkpoint, null));
  }

  public String modelName() {
    return model.name();
  }

  public int numItems() {
    return model.numItems();
  }

  public int dim() {
    return model.dim();
  }

  public int maxLength() {
    return model.maxLength();
  }

  public boolean isIncremental() {
    return model.isIncremental();
  }

  /** Dense id (1..numItems) of a raw item id, or -1 when unknown. */
  public int indexOf(String rawId) {
    return model.indexOf(rawId);
  }

  public String rawId(int item) {
    return model.rawId(item);
  }

  /** The state of an empty history (incremental models only). */
  public RecurrentState initialState() {
    return model.initialState();
  }

  /** Advances {@code state} by one item (dense id) and writes the next hidden vector into {@code hidden}. */
  public void step(RecurrentState state, int item, float[] hidden) {
    model.step(state, item, hidden);
  }

  /** The hidden vector of a history (dense ids, oldest first) from a full forward pass over its window. */
  public float[] encode(int[] history) {
    return model.encode(history);
  }

  /** The k best dense ids for {@code hidden}, best first, skipping {@code excludedSorted} (ascending). */
  public int[] topK(float[] hidden, int k, int[] excludedSorted) {
    return model.topK(hidden, k, excludedSorted).items();
  }
}
