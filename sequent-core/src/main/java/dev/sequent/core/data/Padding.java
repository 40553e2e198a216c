package dev.sequent.core.data;

/**
 * Where padding (item id 0) goes in a fixed-length row of L positions.
 *
 * <ul>
 *   <li>{@link #LEFT}: real items at the end, the most recent at position L-1 (LRURec, SASRec);
 *   <li>{@link #RIGHT}: real items from position 0, the most recent at position length-1, zeros
 *       after (RecBole models, which read the output at {@code lengths[row] - 1}).
 * </ul>
 */
public enum Padding {
  LEFT,
  RIGHT
}
