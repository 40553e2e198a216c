package dev.sequent.tensor;

/**
 * Whether ops record autodiff history on the current thread. Inference runs inside
 * {@code try (var g = Grad.disabled()) { ... }} so no graph is kept.
 */
public final class Grad implements AutoCloseable {
  private static final ThreadLocal<int[]> DISABLED_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private boolean closed;

  private Grad() {}

  /** True unless inside a {@link #disabled()} scope. */
  public static boolean isEnabled() {
    return DISABLED_DEPTH.get()[0] == 0;
  }

  /** Disables gradient recording until the returned scope is closed (scopes nest). */
  public static Grad disabled() {
    DISABLED_DEPTH.get()[0]++;
    return new Grad();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      DISABLED_DEPTH.get()[0]--;
    }
  }
}
