package dev.sequent.core.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A split of every user's sequence into a training prefix and at most one validation and one test
 * target. All splits here are prefix splits: the input of a target is everything before it.
 *
 * <h2>Leave-one-out ({@link #leaveOneOut})</h2>
 *
 * For a user with n &ge; 3 interactions: training = positions 0..n-3, validation target = n-2
 * (input: the training items), test target = n-1 (input: training items + the validation item).
 * Users with n &lt; 3 keep all items in training and are not evaluated (LRURec's rule); they are
 * counted in the skip reasons of both stages. (RecBole would still test a user with 2 items; no
 * standard dataset here has such users except SASRec's Beauty.)
 *
 * <h2>Global temporal ({@link #temporal})</h2>
 *
 * Two cut-offs {@code validationCutoff <= testCutoff}, in the dataset's timestamp unit:
 *
 * <ul>
 *   <li>training: each user's interactions with timestamp &lt; validationCutoff;
 *   <li>validation target: the user's first interaction with validationCutoff &le; timestamp &lt;
 *       testCutoff; input: the training interactions;
 *   <li>test target: the user's first interaction with timestamp &ge; testCutoff; input: every
 *       interaction before it (training and validation-period interactions);
 *   <li>later interactions are not used. A user without such an interaction, or whose target would
 *       have an empty input (a cold-start user), is skipped for that stage and counted.
 * </ul>
 *
 * With {@code validationCutoff == testCutoff} there is no validation stage (all users skipped).
 */
public final class Split {
  private final SequenceDataset dataset;
  private final String description;
  private final int[] trainingLengths;
  private EvalSet validation;
  private EvalSet test;

  private Split(SequenceDataset dataset, String description, int[] trainingLengths) {
    this.dataset = dataset;
    this.description = description;
    this.trainingLengths = trainingLengths;
  }

  /** Leave-one-out: last item test, second-last validation, the rest training. */
  public static Split leaveOneOut(SequenceDataset dataset) {
    int users = dataset.numUsers();
    Split split = new Split(dataset, "leave-one-out", new int[users]);
    Stage validation = new Stage(users);
    Stage test = new Stage(users);
    String tooShort = "fewer than 3 interactions (kept entirely in training, not evaluated)";
    for (int u = 0; u < users; u++) {
      int n = dataset.length(u);
      if (n < 3) {
        split.trainingLengths[u] = n;
        validation.skip(tooShort);
        test.skip(tooShort);
      } else {
        split.trainingLengths[u] = n - 2;
        validation.add(u, n - 2);
        test.add(u, n - 1);
      }
    }
    split.validation = validation.build(split, "validation");
    split.test = test.build(split, "test");
    return split;
  }

  /** Global temporal split by two time cut-offs; see the class documentation. */
  public static Split temporal(SequenceDataset dataset, long validationCutoff, long testCutoff) {
    if (!dataset.hasTimestamps()) {
      throw new IllegalArgumentException(
          "a temporal split needs timestamps, but this dataset has none (source: "
              + dataset.source()
              + "); use leave-one-out");
    }
    if (validationCutoff > testCutoff) {
      throw new IllegalArgumentException(
          "the validation cut-off ("
              + validationCutoff
              + ") must not be after the test cut-off ("
              + testCutoff
              + ")");
    }
    int users = dataset.numUsers();
    Split split =
        new Split(
            dataset,
            "temporal(validation from " + validationCutoff + ", test from " + testCutoff + ")",
            new int[users]);
    Stage validation = new Stage(users);
    Stage test = new Stage(users);
    for (int u = 0; u < users; u++) {
      int n = dataset.length(u);
      int validStart = firstAtOrAfter(dataset, u, validationCutoff);
      int testStart = firstAtOrAfter(dataset, u, testCutoff);
      split.trainingLengths[u] = validStart;
      if (validStart == testStart) {
        validation.skip("no interaction between the validation and the test cut-off");
      } else if (validStart == 0) {
        validation.skip("no interaction before the validation cut-off (cold start)");
      } else {
        validation.add(u, validStart);
      }
      if (testStart == n) {
        test.skip("no interaction at or after the test cut-off");
      } else if (testStart == 0) {
        test.skip("no interaction before the test cut-off (cold start)");
      } else {
        test.add(u, testStart);
      }
    }
    split.validation = validation.build(split, "validation");
    split.test = test.build(split, "test");
    return split;
  }

  /** The first position whose timestamp is >= cutoff (sequences are in time order). */
  private static int firstAtOrAfter(SequenceDataset dataset, int user, long cutoff) {
    int low = 0;
    int high = dataset.length(user);
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (dataset.timestamp(user, mid) < cutoff) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  public SequenceDataset dataset() {
    return dataset;
  }

  /** Number of training items of user u: they are the sequence positions 0..length-1. */
  public int trainingLength(int user) {
    return trainingLengths[user];
  }

  public long numTrainingInteractions() {
    long total = 0;
    for (int length : trainingLengths) {
      total += length;
    }
    return total;
  }

  /** Training interactions per item id (entry 0, the padding id, is 0): item popularity. */
  public int[] trainingItemCounts() {
    int[] counts = new int[dataset.numItems() + 1];
    int[] items = dataset.flatItems();
    for (int u = 0; u < trainingLengths.length; u++) {
      int start = dataset.offset(u);
      for (int k = start; k < start + trainingLengths[u]; k++) {
        counts[items[k]]++;
      }
    }
    return counts;
  }

  public EvalSet validation() {
    return validation;
  }

  public EvalSet test() {
    return test;
  }

  public String describe() {
    return description
        + ": "
        + numTrainingInteractions()
        + " training interactions; "
        + validation.describe()
        + "; "
        + test.describe();
  }

  @Override
  public String toString() {
    return "Split[" + describe() + "]";
  }

  /** Collects the cases of one stage. */
  private static final class Stage {
    private final int[] users;
    private final int[] positions;
    private int size;
    private final Map<String, Integer> skipped = new LinkedHashMap<>();

    Stage(int capacity) {
      users = new int[capacity];
      positions = new int[capacity];
    }

    void add(int user, int position) {
      users[size] = user;
      positions[size] = position;
      size++;
    }

    void skip(String reason) {
      skipped.merge(reason, 1, Integer::sum);
    }

    EvalSet build(Split split, String stage) {
      return new EvalSet(
          split,
          stage,
          java.util.Arrays.copyOf(users, size),
          java.util.Arrays.copyOf(positions, size),
          skipped);
    }
  }
}
