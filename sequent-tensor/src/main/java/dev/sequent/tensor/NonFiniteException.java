package dev.sequent.tensor;

/**
 * Thrown when a loss (or another value that training depends on) is NaN or infinite. Training cannot
 * recover from it by itself: the parameters are about to be overwritten with garbage, so the trainer
 * stops and reports where it happened.
 */
public final class NonFiniteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String context;
  private final float value;

  public NonFiniteException(String context, float value, String message) {
    super(message);
    this.context = context;
    this.value = value;
  }

  /** Where the value was seen, as given by the caller (for example "epoch 3, step 120"). */
  public String context() {
    return context;
  }

  /** The offending value: NaN, +Infinity or -Infinity. */
  public float value() {
    return value;
  }
}
