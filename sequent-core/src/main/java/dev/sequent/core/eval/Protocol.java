package dev.sequent.core.eval;

import java.util.Locale;

/**
 * How candidates are chosen for ranking. The {@link #name()} labels every printed metric, so
 * sampled numbers are never mistaken for full-ranking ones.
 *
 * <ul>
 *   <li>{@code full}, {@code full-exclude-input-window}, {@code full-exclude-history}: rank the
 *       target among all items 1..N minus the {@link ExclusionMode excluded} ones (RecBole,
 *       LRURec, "seen items removed").
 *   <li>{@code sampled-uniformN}: the target plus N negatives drawn uniformly from 1..N.
 *   <li>{@code sampled-popN}: the target plus N negatives drawn with probability proportional to
 *       their training interaction count (RecBole's {@code popN} with alpha = 1; RecBole counts
 *       every interaction of the dataset, Sequent counts the split's training interactions so
 *       validation and test targets do not leak into the distribution). Items with no training
 *       interaction are never drawn.
 * </ul>
 *
 * <p>Negatives are drawn with replacement (duplicates are possible, as in RecBole's and SASRec's
 * samplers) and are never the target. By default they <i>may</i> be items of the user's history
 * (RecBole's {@code RepeatableSampler} behaviour); {@link #avoidingHistoryInNegatives()} makes them
 * avoid every item before the target as well (SASRec/BERT4Rec papers), and adds {@code -unseen} to
 * the name. Each case draws from its own generator seeded with (seed, user, target position), so
 * the negatives do not depend on batch size or order.
 *
 * @param kind full or sampled
 * @param exclusion for full ranking, which items are excluded; {@link ExclusionMode#NONE} for
 *     sampled protocols
 * @param negatives N for sampled protocols, 0 for full ranking
 * @param seed the sampling seed (unused by full ranking)
 * @param negativesAvoidHistory whether negatives avoid the user's earlier items
 */
public record Protocol(
    Kind kind, ExclusionMode exclusion, int negatives, long seed, boolean negativesAvoidHistory) {

  /** The candidate set. */
  public enum Kind {
    FULL,
    SAMPLED_UNIFORM,
    SAMPLED_POPULARITY
  }

  public Protocol {
    if (kind == null || exclusion == null) {
      throw new IllegalArgumentException("kind and exclusion are required");
    }
    if (kind == Kind.FULL && (negatives != 0 || negativesAvoidHistory)) {
      throw new IllegalArgumentException("full ranking takes no negatives");
    }
    if (kind != Kind.FULL && negatives < 1) {
      throw new IllegalArgumentException("a sampled protocol needs >= 1 negatives, got " + negatives);
    }
    if (kind != Kind.FULL && exclusion != ExclusionMode.NONE) {
      throw new IllegalArgumentException(
          "exclusion modes apply to full ranking; for sampled protocols use"
              + " avoidingHistoryInNegatives()");
    }
  }

  /** Full ranking with only padding excluded (RecBole). */
  public static Protocol full() {
    return full(ExclusionMode.NONE);
  }

  public static Protocol full(ExclusionMode exclusion) {
    return new Protocol(Kind.FULL, exclusion, 0, 0L, false);
  }

  public static Protocol sampledUniform(int negatives, long seed) {
    return new Protocol(Kind.SAMPLED_UNIFORM, ExclusionMode.NONE, negatives, seed, false);
  }

  public static Protocol sampledPopularity(int negatives, long seed) {
    return new Protocol(Kind.SAMPLED_POPULARITY, ExclusionMode.NONE, negatives, seed, false);
  }

  /** The same sampled protocol with negatives that avoid the user's earlier items. */
  public Protocol avoidingHistoryInNegatives() {
    if (kind == Kind.FULL) {
      throw new IllegalArgumentException("full ranking has no negatives; use an exclusion mode");
    }
    return new Protocol(kind, exclusion, negatives, seed, true);
  }

  public boolean isSampled() {
    return kind != Kind.FULL;
  }

  /** E.g. {@code full}, {@code full-exclude-input-window}, {@code sampled-pop100}. */
  public String name() {
    return switch (kind) {
      case FULL -> exclusion == ExclusionMode.NONE ? "full" : "full-exclude-" + exclusion.label();
      case SAMPLED_UNIFORM -> "sampled-uniform" + negatives + (negativesAvoidHistory ? "-unseen" : "");
      case SAMPLED_POPULARITY -> "sampled-pop" + negatives + (negativesAvoidHistory ? "-unseen" : "");
    };
  }

  /**
   * Parses a {@link #name()} back ({@code full}, {@code full-exclude-history}, {@code
   * sampled-uniform100}, {@code sampled-pop100-unseen}, …); the seed is used by sampled ones.
   */
  public static Protocol parse(String name, long seed) {
    String text = name.trim().toLowerCase(Locale.ROOT);
    if (text.equals("full")) {
      return full();
    }
    if (text.startsWith("full-exclude-")) {
      return full(ExclusionMode.parse(text.substring("full-exclude-".length())));
    }
    boolean unseen = text.endsWith("-unseen");
    String core = unseen ? text.substring(0, text.length() - "-unseen".length()) : text;
    Protocol parsed = null;
    try {
      if (core.startsWith("sampled-uniform")) {
        parsed = sampledUniform(Integer.parseInt(core.substring("sampled-uniform".length())), seed);
      } else if (core.startsWith("sampled-pop")) {
        parsed = sampledPopularity(Integer.parseInt(core.substring("sampled-pop".length())), seed);
      }
    } catch (NumberFormatException e) {
      parsed = null;
    }
    if (parsed == null) {
      throw new IllegalArgumentException(
          "unknown protocol \""
              + name
              + "\"; valid: full, full-exclude-input-window, full-exclude-history,"
              + " sampled-uniformN, sampled-popN (optionally with -unseen)");
    }
    return unseen ? parsed.avoidingHistoryInNegatives() : parsed;
  }

  @Override
  public String toString() {
    return isSampled() ? name() + " (seed " + seed + ")" : name();
  }
}
