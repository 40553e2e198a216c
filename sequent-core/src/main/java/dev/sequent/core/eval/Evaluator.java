package dev.sequent.core.eval;

import dev.sequent.core.data.EvalSet;
import dev.sequent.core.data.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Ranks each case's target among its candidates and averages HR, NDCG and MRR.
 *
 * <p><b>Input.</b> A case's history is the user's items before the target; the scorer gets the last
 * L of them ({@link EvalConfig#maxLength()}). With leave-one-out, validation inputs are the
 * training items and test inputs are the training items plus the validation item (LRURec,
 * RecBole).
 *
 * <p><b>Ties count against the target</b> (pessimistic): rank = 1 + the number of candidates other
 * than the target whose score is &ge; the target's score. A NaN score also counts against the
 * target, and a NaN target score ranks last. So a model that scores everything equal gets the
 * worst rank, never a lucky one.
 *
 * <p><b>Full ranking.</b> Candidates are items 1..N minus the excluded ones ({@link
 * ExclusionMode}); the target is never excluded, so a target that also occurs in the
 * history/window is still ranked. Items are scored in chunks of {@link EvalConfig#itemChunkSize()},
 * so memory is {@code batchSize * itemChunkSize} floats whatever N is. The target's score comes
 * from {@link ScoredBatch#scoreItems}; see {@link Scorer} for the consistency contract.
 *
 * <p><b>Sampled ranking.</b> Candidates are the target plus N negatives (see {@link Protocol});
 * no exclusion mode applies. A rank here is out of N + 1, and the metric names say so.
 */
public final class Evaluator {
  private final EvalConfig config;

  public Evaluator(EvalConfig config) {
    this.config = config;
  }

  public EvalConfig config() {
    return config;
  }

  /** Evaluates every case of {@code cases} (a split's validation or test set). */
  public EvaluationResult evaluate(Scorer scorer, EvalSet cases) {
    int numItems = cases.dataset().numItems();
    if (scorer.numItems() != numItems) {
      throw new IllegalArgumentException(
          "the scorer knows "
              + scorer.numItems()
              + " items but the dataset has "
              + numItems
              + "; was the model trained on another dataset or vocabulary?");
    }
    if (cases.size() == 0) {
      throw new IllegalArgumentException(
          "no users to evaluate in the "
              + cases.stage()
              + " set: all "
              + cases.skippedUsers()
              + " users were skipped "
              + cases.skipReasons());
    }
    Protocol protocol = config.protocol();
    NegativeSampler sampler =
        switch (protocol.kind()) {
          case FULL -> null;
          case SAMPLED_UNIFORM -> NegativeSampler.uniform(numItems);
          case SAMPLED_POPULARITY -> NegativeSampler.popularity(cases.split().trainingItemCounts());
        };
    int[] ranks = new int[cases.size()];
    int window = scorer.window(config.maxLength());
    for (int from = 0; from < cases.size(); from += config.batchSize()) {
      int count = Math.min(config.batchSize(), cases.size() - from);
      int[][] histories = new int[count][];
      int[] targets = new int[count];
      for (int row = 0; row < count; row++) {
        histories[row] = cases.history(from + row, window);
        targets[row] = cases.target(from + row);
      }
      ScoredBatch scored = scorer.encode(histories);
      if (scored.size() != count) {
        throw new IllegalStateException(
            "the scorer returned " + scored.size() + " rows for " + count + " histories");
      }
      if (sampler == null) {
        rankFull(scored, cases, from, histories, targets, numItems, ranks);
      } else {
        rankSampled(scored, cases, from, targets, sampler, ranks);
      }
    }
    Metrics metrics =
        Metrics.fromRanks(ranks, config.ks(), protocol, cases.stage(), cases.skippedUsers());
    return new EvaluationResult(metrics, cases, ranks);
  }

  private void rankFull(
      ScoredBatch scored,
      EvalSet cases,
      int from,
      int[][] histories,
      int[] targets,
      int numItems,
      int[] ranks) {
    int count = targets.length;
    float[] targetScores = targetScores(scored, targets);
    int[][] excluded = new int[count][];
    for (int row = 0; row < count; row++) {
      excluded[row] = excludedItems(cases, from + row, histories[row], targets[row]);
    }
    int[] nextExcluded = new int[count];
    long[] rivals = new long[count];
    int chunk = Math.min(config.itemChunkSize(), numItems);
    float[] buffer = new float[count * chunk];
    for (int firstItem = 1; firstItem <= numItems; firstItem += chunk) {
      int endItem = Math.min(numItems + 1, firstItem + chunk);
      int width = endItem - firstItem;
      scored.scoreRange(firstItem, endItem, buffer);
      for (int row = 0; row < count; row++) {
        float target = targetScores[row];
        int base = row * width;
        long atLeast = 0;
        for (int j = 0; j < width; j++) {
          // "not below" rather than ">=": a NaN score counts against the target.
          if (!(buffer[base + j] < target)) {
            atLeast++;
          }
        }
        // The target is not its own rival...
        int t = targets[row];
        if (t >= firstItem && t < endItem && !(buffer[base + t - firstItem] < target)) {
          atLeast--;
        }
        // ...and excluded items are not candidates.
        int[] gone = excluded[row];
        int k = nextExcluded[row];
        for (; k < gone.length && gone[k] < endItem; k++) {
          if (!(buffer[base + gone[k] - firstItem] < target)) {
            atLeast--;
          }
        }
        nextExcluded[row] = k;
        rivals[row] += atLeast;
      }
    }
    for (int row = 0; row < count; row++) {
      ranks[from + row] = (int) (1 + rivals[row]);
    }
  }

  private static float[] targetScores(ScoredBatch scored, int[] targets) {
    int[][] items = new int[targets.length][];
    float[][] out = new float[targets.length][1];
    for (int row = 0; row < targets.length; row++) {
      items[row] = new int[] {targets[row]};
    }
    scored.scoreItems(items, out);
    float[] scores = new float[targets.length];
    for (int row = 0; row < targets.length; row++) {
      scores[row] = out[row][0];
    }
    return scores;
  }

  /** Sorted, distinct excluded items of a case, without the target. */
  private int[] excludedItems(EvalSet cases, int caseIndex, int[] window, int target) {
    int[] items =
        switch (config.protocol().exclusion()) {
          case NONE -> new int[0];
          case INPUT_WINDOW -> window.clone();
          case HISTORY -> cases.history(caseIndex, Integer.MAX_VALUE);
        };
    return sortedDistinctWithout(items, target);
  }

  static int[] sortedDistinctWithout(int[] items, int removed) {
    Arrays.sort(items);
    int n = 0;
    for (int i = 0; i < items.length; i++) {
      if (items[i] != removed && items[i] != 0 && (n == 0 || items[n - 1] != items[i])) {
        items[n++] = items[i];
      }
    }
    return Arrays.copyOf(items, n);
  }

  private void rankSampled(
      ScoredBatch scored,
      EvalSet cases,
      int from,
      int[] targets,
      NegativeSampler sampler,
      int[] ranks) {
    Protocol protocol = config.protocol();
    int count = targets.length;
    int[][] candidates = new int[count][];
    float[][] scores = new float[count][protocol.negatives() + 1];
    for (int row = 0; row < count; row++) {
      int caseIndex = from + row;
      int[] avoid =
          protocol.negativesAvoidHistory()
              ? sortedDistinctWithout(cases.history(caseIndex, Integer.MAX_VALUE), targets[row])
              : new int[0];
      candidates[row] = candidatesOf(cases, caseIndex, targets[row], avoid, sampler);
    }
    scored.scoreItems(candidates, scores);
    for (int row = 0; row < count; row++) {
      float target = scores[row][0];
      int rank = 1;
      for (int j = 1; j < scores[row].length; j++) {
        if (!(scores[row][j] < target)) {
          rank++;
        }
      }
      ranks[from + row] = rank;
    }
  }

  /** The target first, then its negatives, drawn from a generator owned by this case alone. */
  private int[] candidatesOf(
      EvalSet cases, int caseIndex, int target, int[] avoid, NegativeSampler sampler) {
    Protocol protocol = config.protocol();
    SplittableRandom random =
        new SplittableRandom(
            Seeds.derive(protocol.seed(), cases.user(caseIndex), cases.targetPosition(caseIndex)));
    int[] negatives = sampler.sample(protocol.negatives(), target, avoid, random);
    int[] candidates = new int[negatives.length + 1];
    candidates[0] = target;
    System.arraycopy(negatives, 0, candidates, 1, negatives.length);
    return candidates;
  }

  /** The candidates a case gets under this evaluator's sampled protocol (for tests and audits). */
  int[] sampledCandidates(EvalSet cases, int caseIndex) {
    Protocol protocol = config.protocol();
    int numItems = cases.dataset().numItems();
    NegativeSampler sampler =
        protocol.kind() == Protocol.Kind.SAMPLED_UNIFORM
            ? NegativeSampler.uniform(numItems)
            : NegativeSampler.popularity(cases.split().trainingItemCounts());
    int target = cases.target(caseIndex);
    int[] avoid =
        protocol.negativesAvoidHistory()
            ? sortedDistinctWithout(cases.history(caseIndex, Integer.MAX_VALUE), target)
            : new int[0];
    return candidatesOf(cases, caseIndex, target, avoid, sampler);
  }
}
