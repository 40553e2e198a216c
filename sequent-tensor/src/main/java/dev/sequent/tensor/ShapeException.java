package dev.sequent.tensor;

import java.util.Arrays;

/** Thrown when an op receives tensors whose shapes do not fit; the message names the op and the shapes. */
public final class ShapeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ShapeException(String op, int[] a, int[] b, String why) {
    super(op + ": " + why + " (shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + ")");
  }

  public ShapeException(String op, int[] a, String why) {
    super(op + ": " + why + " (shape " + Arrays.toString(a) + ")");
  }
}
