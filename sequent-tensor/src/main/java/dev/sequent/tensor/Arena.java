package dev.sequent.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffer reuse for the intermediate tensors of one step.
 *
 * <p>While an arena is open on a thread, new non-leaf tensors and their gradients take their arrays from
 * it; {@link #close()} hands every array back to a pool for the next step. A training step allocates the
 * same sizes every time, so after the first step it allocates nothing large (fresh large arrays cost page
 * faults and zeroing; see research/engine.md). Tensors created inside the arena must not be used after
 * it closes: copy out what you keep ({@link Tensor#item()}, {@link Tensor#toArray()}).
 */
public final class Arena implements AutoCloseable {
  private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();

  private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private final List<float[]> inUse = new ArrayList<>();
  private Arena previous;
  private boolean open;

  /** Opens this arena on the current thread (arenas can be reused step after step). */
  public Arena open() {
    if (open) {
      throw new IllegalStateException("arena is already open");
    }
    previous = CURRENT.get();
    CURRENT.set(this);
    open = true;
    return this;
  }

  /** Returns every array taken since {@link #open()} to the pool and restores the previous arena. */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    // The pool becomes exactly this step's arrays: ones left over from earlier steps were not needed now, and
    // keeping them would grow the pool without bound when sizes vary from step to step (e.g. the number of
    // non-padding rows of a batch).
    free.clear();
    for (float[] a : inUse) {
      free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
    }
    inUse.clear();
    CURRENT.set(previous);
    previous = null;
    open = false;
  }

  /** Number of pooled arrays (for tests). */
  int pooled() {
    return free.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  /** Drops all pooled arrays. */
  public void release() {
    free.clear();
  }

  static float[] take(int size, boolean zeroed) {
    Arena arena = CURRENT.get();
    if (arena == null || size < 1024) {
      return new float[size];
    }
    ArrayDeque<float[]> pool = arena.free.get(size);
    float[] a = pool == null ? null : pool.poll();
    if (a == null) {
      a = new float[size];
    } else if (zeroed) {
      java.util.Arrays.fill(a, 0f);
    }
    arena.inUse.add(a);
    return a;
  }
}
