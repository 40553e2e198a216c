package dev.sequent.core.data;

/**
 * Derives independent seeds from a base seed and some integers (an epoch, a user), so that a
 * random stream is a pure function of those values: reproducible, and independent of batch sizes
 * or processing order.
 */
public final class Seeds {
  private Seeds() {}

  /** A well-mixed seed from a base seed and any number of integers. */
  public static long derive(long seed, long... values) {
    long state = mix(seed ^ 0x5DEECE66DL);
    for (long value : values) {
      state = mix(state + 0x9E3779B97F4A7C15L + mix(value));
    }
    return state;
  }

  /** A 64-bit finaliser (the "variant 13" constants of Stafford's mixer study). */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
