package dev.sequent.core.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * The evaluation cases of one stage (validation or test) of a {@link Split}: one case per
 * evaluated user, each a target position in the user's sequence. The input of a case is the
 * user's items before the target (the history), and a model sees the last L of them.
 *
 * <p>Users without a case are counted in {@link #skippedUsers()}, with reasons.
 */
public final class EvalSet {
  private final Split split;
  private final String stage;
  private final int[] users;
  private final int[] targetPositions;
  private final Map<String, Integer> skipped;

  EvalSet(
      Split split, String stage, int[] users, int[] targetPositions, Map<String, Integer> skipped) {
    this.split = split;
    this.stage = stage;
    this.users = users;
    this.targetPositions = targetPositions;
    this.skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
  }

  public Split split() {
    return split;
  }

  public SequenceDataset dataset() {
    return split.dataset();
  }

  /** "validation" or "test". */
  public String stage() {
    return stage;
  }

  /** Number of cases (= evaluated users). */
  public int size() {
    return users.length;
  }

  public int user(int caseIndex) {
    return users[caseIndex];
  }

  /** Position of the target in the user's sequence; also the length of the full history. */
  public int targetPosition(int caseIndex) {
    return targetPositions[caseIndex];
  }

  /** The target item id. */
  public int target(int caseIndex) {
    return split.dataset().item(users[caseIndex], targetPositions[caseIndex]);
  }

  /**
   * The last {@code maxLength} items before the target, oldest first (no padding). Use {@code
   * Integer.MAX_VALUE} for the full history.
   */
  public int[] history(int caseIndex, int maxLength) {
    SequenceDataset dataset = split.dataset();
    int end = dataset.offset(users[caseIndex]) + targetPositions[caseIndex];
    int start = end - Math.min(targetPositions[caseIndex], maxLength);
    return Arrays.copyOfRange(dataset.flatItems(), start, end);
  }

  /** Users of the dataset without a case in this stage. */
  public int skippedUsers() {
    int total = 0;
    for (int count : skipped.values()) {
      total += count;
    }
    return total;
  }

  /** Why users were skipped, with counts (reasons are sentences meant for people). */
  public Map<String, Integer> skipReasons() {
    return skipped;
  }

  /**
   * The cases of the users that {@code keep} accepts (by user index), e.g. to evaluate one segment of users.
   * The others count as skipped, under the reason {@code why}.
   */
  public EvalSet restrictedTo(IntPredicate keep, String why) {
    int[] keptUsers = new int[users.length];
    int[] keptPositions = new int[users.length];
    int kept = 0;
    for (int c = 0; c < users.length; c++) {
      if (keep.test(users[c])) {
        keptUsers[kept] = users[c];
        keptPositions[kept++] = targetPositions[c];
      }
    }
    Map<String, Integer> reasons = new LinkedHashMap<>(skipped);
    if (kept < users.length) {
      reasons.merge(why, users.length - kept, Integer::sum);
    }
    return new EvalSet(split, stage, Arrays.copyOf(keptUsers, kept), Arrays.copyOf(keptPositions, kept), reasons);
  }

  public String describe() {
    return stage + ": " + size() + " users evaluated, " + skippedUsers() + " skipped " + skipped;
  }

  @Override
  public String toString() {
    return "EvalSet[" + describe() + "]";
  }
}
