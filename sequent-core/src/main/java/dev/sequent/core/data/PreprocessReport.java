package dev.sequent.core.data;

/**
 * What preprocessing did, step by step, for logs and provenance.
 *
 * @param inputInteractions interactions read
 * @param afterRatingFilter interactions left after the rating threshold
 * @param repeatsDropped immediate repeats removed
 * @param afterCountFilter interactions left after the count filter (the final number)
 * @param filterRounds rounds of the count filter (k-core: until a round removes nothing, counting
 *     that last round; one-pass: 1; none: 0)
 * @param usersBeforeFilter users before the count filter
 * @param itemsBeforeFilter items before the count filter
 * @param users users in the dataset
 * @param items items in the dataset
 */
public record PreprocessReport(
    long inputInteractions,
    long afterRatingFilter,
    long repeatsDropped,
    long afterCountFilter,
    int filterRounds,
    int usersBeforeFilter,
    int itemsBeforeFilter,
    int users,
    int items) {

  public String describe() {
    return "read "
        + inputInteractions
        + " interactions; "
        + afterRatingFilter
        + " after the rating filter; "
        + repeatsDropped
        + " immediate repeats dropped; count filter ("
        + filterRounds
        + " rounds): "
        + usersBeforeFilter
        + " -> "
        + users
        + " users, "
        + itemsBeforeFilter
        + " -> "
        + items
        + " items, "
        + afterCountFilter
        + " interactions";
  }
}
