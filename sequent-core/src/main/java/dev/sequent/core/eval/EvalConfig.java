package dev.sequent.core.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Settings of one evaluation run.
 *
 * @param protocol candidates and exclusions
 * @param ks the cut-offs K of HR@K, NDCG@K and MRR@K (sorted, distinct, &ge; 1)
 * @param maxLength L: the model sees the last L items before the target
 * @param batchSize histories encoded together
 * @param itemChunkSize items scored per call in full ranking; the score buffer holds {@code
 *     batchSize * itemChunkSize} floats, so this bounds memory for huge catalogues
 */
public record EvalConfig(
    Protocol protocol, List<Integer> ks, int maxLength, int batchSize, int itemChunkSize) {

  public EvalConfig {
    if (protocol == null) {
      throw new IllegalArgumentException("protocol is required");
    }
    if (ks == null || ks.isEmpty()) {
      throw new IllegalArgumentException("at least one K is required");
    }
    for (int k : ks) {
      if (k < 1) {
        throw new IllegalArgumentException("every K must be >= 1, got " + ks);
      }
    }
    ks = List.copyOf(new ArrayList<>(new TreeSet<>(ks)));
    if (maxLength < 1 || batchSize < 1 || itemChunkSize < 1) {
      throw new IllegalArgumentException(
          "maxLength, batchSize and itemChunkSize must be >= 1, got "
              + maxLength
              + ", "
              + batchSize
              + ", "
              + itemChunkSize);
    }
    if ((long) batchSize * itemChunkSize > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "batchSize * itemChunkSize must fit one float array, got "
              + batchSize
              + " * "
              + itemChunkSize);
    }
  }

  /** K = 5, 10, 20; 256 histories per batch (LRURec's test batch); 8,192 items per chunk. */
  public static EvalConfig of(Protocol protocol, int maxLength) {
    return new EvalConfig(protocol, List.of(5, 10, 20), maxLength, 256, 8192);
  }

  public EvalConfig withKs(List<Integer> newKs) {
    return new EvalConfig(protocol, newKs, maxLength, batchSize, itemChunkSize);
  }

  public EvalConfig withBatchSize(int newBatchSize) {
    return new EvalConfig(protocol, ks, maxLength, newBatchSize, itemChunkSize);
  }

  public EvalConfig withItemChunkSize(int newChunkSize) {
    return new EvalConfig(protocol, ks, maxLength, batchSize, newChunkSize);
  }
}
