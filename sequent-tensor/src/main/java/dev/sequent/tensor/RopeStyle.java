package dev.sequent.tensor;

/**
 * Which feature dimensions {@link Seq#rope} rotates together.
 *
 * <p>Both rotate pair i by the angle p·base^(−2i/D); they differ only in which two coordinates form pair i,
 * so weights trained with one style are not interchangeable with the other.
 */
public enum RopeStyle {
  /**
   * Pair i is (2i, 2i + 1): adjacent coordinates read as one complex number. The convention of the
   * RoFormer paper and of RecGRELA's official code (research/models.md §5.1); the recommended default.
   */
  INTERLEAVED,

  /** Pair i is (i, i + D/2): the "rotate-half" convention of GPT-NeoX and LLaMA-style code. */
  HALF
}
