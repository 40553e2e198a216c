package dev.sequent.tensor;

/**
 * Draws negative item ids for sampled losses. Ids are 0..numIds−1 with 0 the padding id, which is never
 * returned.
 *
 * <p>Two distributions: uniform over 1..numIds−1, and popularity Q(i) ∝ count(i)^alpha (alpha 1 is
 * plain popularity, 0.75 the word2vec smoothing, 0 uniform). Popularity draws use Walker's alias table
 * (Vose's construction), so one draw costs one {@link Rng#nextInt} and one {@link Rng#nextDouble}
 * regardless of the number of items. Draws depend only on the generator state: the same seed gives the
 * same ids. {@link #logQ()} gives log Q per id for the logQ correction of {@link Losses#sampledSoftmax}.
 *
 * <p>Immutable and thread-safe; the generator passed to {@code sample} is not.
 */
public final class NegativeSampler {
  private final int numIds;
  /** Probability of each id (0 for the padding id); null for the uniform sampler. */
  private final double[] probability;
  /** Alias table over slots 0..numIds−2, slot s standing for id s + 1; null for the uniform sampler. */
  private final double[] keep;
  private final int[] alias;

  private NegativeSampler(int numIds, double[] probability, double[] keep, int[] alias) {
    this.numIds = numIds;
    this.probability = probability;
    this.keep = keep;
    this.alias = alias;
  }

  /** Uniform over ids 1..numIds−1 ({@code numIds} counts the padding id 0). */
  public static NegativeSampler uniform(int numIds) {
    if (numIds < 2) {
      throw new IllegalArgumentException("uniform sampler needs at least one item besides padding, numIds=" + numIds);
    }
    return new NegativeSampler(numIds, null, null, null);
  }

  /**
   * Q(i) ∝ counts[i]^alpha over ids 1..counts.length−1; counts[0] (padding) is ignored. With alpha > 0,
   * items with count 0 are never drawn; with alpha 0 every item is equally likely (0^0 = 1).
   */
  public static NegativeSampler popularity(long[] counts, double alpha) {
    if (alpha < 0 || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
    double[] weights = new double[counts.length];
    for (int i = 1; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("negative count " + counts[i] + " for item " + i);
      }
      weights[i] = Math.pow(counts[i], alpha);
    }
    return weighted(weights);
  }

  /** Q(i) ∝ weights[i] over ids 1..weights.length−1; weights[0] (padding) is ignored. */
  public static NegativeSampler weighted(double[] weights) {
    int n = weights.length - 1;
    if (n < 1) {
      throw new IllegalArgumentException("sampler needs at least one item besides padding");
    }
    double total = 0;
    for (int i = 1; i <= n; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException("weight of item " + i + " must be finite and >= 0, got " + weights[i]);
      }
      total += weights[i];
    }
    if (total <= 0) {
      throw new IllegalArgumentException("all item weights are zero: nothing can be sampled");
    }
    double[] probability = new double[n + 1];
    for (int i = 1; i <= n; i++) {
      probability[i] = weights[i] / total;
    }
    // Vose's alias construction: slots scaled to mean 1 are split into "small" (< 1) and "large" (>= 1);
    // each small slot is topped up by one large slot, which becomes its alias. Stacks keep it
    // deterministic.
    double[] scaled = new double[n];
    double[] keep = new double[n];
    int[] alias = new int[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int ns = 0;
    int nl = 0;
    for (int s = 0; s < n; s++) {
      scaled[s] = probability[s + 1] * n;
      alias[s] = s;
      if (scaled[s] < 1.0) {
        small[ns++] = s;
      } else {
        large[nl++] = s;
      }
    }
    while (ns > 0 && nl > 0) {
      int l = small[--ns];
      int g = large[--nl];
      keep[l] = scaled[l];
      alias[l] = g;
      scaled[g] = (scaled[g] + scaled[l]) - 1.0;
      if (scaled[g] < 1.0) {
        small[ns++] = g;
      } else {
        large[nl++] = g;
      }
    }
    // What is left is 1 up to rounding error.
    while (nl > 0) {
      keep[large[--nl]] = 1.0;
    }
    while (ns > 0) {
      keep[small[--ns]] = 1.0;
    }
    return new NegativeSampler(n + 1, probability, keep, alias);
  }

  /** Number of ids including the padding id 0. */
  public int numIds() {
    return numIds;
  }

  /** One id in 1..numIds−1. */
  public int sample(Rng rng) {
    if (keep == null) {
      return 1 + rng.nextInt(numIds - 1);
    }
    int slot = rng.nextInt(numIds - 1);
    int chosen = rng.nextDouble() < keep[slot] ? slot : alias[slot];
    return chosen + 1;
  }

  /** {@code k} independent draws (with replacement). */
  public int[] sample(Rng rng, int k) {
    int[] out = new int[k];
    sample(rng, out);
    return out;
  }

  /** Fills {@code out} with independent draws. */
  public void sample(Rng rng, int[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = sample(rng);
    }
  }

  /** Probability Q(id) of one draw returning {@code id} (0 for the padding id). */
  public double probability(int id) {
    if (id <= 0 || id >= numIds) {
      return 0.0;
    }
    return probability == null ? 1.0 / (numIds - 1) : probability[id];
  }

  /**
   * log Q(id) for every id, indexed by id: the table {@link Losses#sampledSoftmax} takes for the logQ
   * correction. −∞ for the padding id and for items that can never be drawn.
   */
  public float[] logQ() {
    float[] out = new float[numIds];
    for (int id = 0; id < numIds; id++) {
      out[id] = (float) Math.log(probability(id));
    }
    return out;
  }

  @Override
  public String toString() {
    return (probability == null ? "NegativeSampler[uniform" : "NegativeSampler[weighted") + ", numIds=" + numIds
        + "]";
  }
}
