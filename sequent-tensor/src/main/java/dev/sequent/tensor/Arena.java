package dev.sequent.tensor;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Buffer reuse for the intermediate tensors of one step.
 *
 * <p>While an arena is open on a thread, new non-leaf tensors and their gradients take their arrays from
 * it; {@link #close()} hands every array back to a pool for the next step. A training step allocates the
 * same sizes every time, so after the first step it allocates nothing large (fresh large arrays cost page
 * faults and zeroing; see research/engine.md). Within a step, an array whose contents are dead (an
 * intermediate gradient once its backward has run) can be {@linkplain #recycle recycled} for the rest of the
 * step, so a step needs far less than one array per tensor. Tensors created inside the arena must not be
 * used after it closes: copy out what you keep ({@link Tensor#item()}, {@link Tensor#toArray()}).
 */
public final class Arena implements AutoCloseable {
  private static final ThreadLocal<Arena> CURRENT = new ThreadLocal<>();

  /** The previous step's arrays not taken yet in this step. */
  private final Map<Integer, ArrayDeque<float[]>> previousStep = new HashMap<>();
  /** Arrays recycled during this step and not taken again yet. */
  private final Map<Integer, ArrayDeque<float[]>> recycled = new HashMap<>();
  private final Set<float[]> inUse = Collections.newSetFromMap(new IdentityHashMap<>());
  private long footprintBytes;
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
    previousStep.clear();
    for (ArrayDeque<float[]> arrays : recycled.values()) {
      for (float[] a : arrays) {
        pool(previousStep, a);
      }
    }
    recycled.clear();
    for (float[] a : inUse) {
      pool(previousStep, a);
    }
    inUse.clear();
    footprintBytes = 0;
    for (ArrayDeque<float[]> arrays : previousStep.values()) {
      for (float[] a : arrays) {
        footprintBytes += 4L * a.length;
      }
    }
    CURRENT.set(previous);
    previous = null;
    open = false;
  }

  private static void pool(Map<Integer, ArrayDeque<float[]>> pool, float[] a) {
    pool.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
  }

  /** Number of pooled arrays (for tests). */
  int pooled() {
    return previousStep.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  /**
   * Bytes of the arrays the last closed step used: its memory for intermediate tensors and gradients, all of
   * which stay pooled for the next step.
   */
  public long footprintBytes() {
    return footprintBytes;
  }

  /** Drops all pooled arrays. */
  public void release() {
    previousStep.clear();
  }

  static float[] take(int size, boolean zeroed) {
    Arena arena = CURRENT.get();
    if (arena == null || size < 1024) {
      return new float[size];
    }
    float[] a = poll(arena.recycled, size);
    if (a == null) {
      a = poll(arena.previousStep, size);
    }
    if (a == null) {
      a = new float[size];
    } else if (zeroed) {
      java.util.Arrays.fill(a, 0f);
    }
    arena.inUse.add(a);
    return a;
  }

  private static float[] poll(Map<Integer, ArrayDeque<float[]>> pool, int size) {
    ArrayDeque<float[]> arrays = pool.get(size);
    return arrays == null ? null : arrays.poll();
  }

  /**
   * Declares {@code a} dead for the rest of the step, so a later {@link #take} may hand it out again. Arrays
   * the open arena did not hand out (or none open) are left alone.
   */
  static void recycle(float[] a) {
    Arena arena = CURRENT.get();
    if (arena != null && a != null && arena.inUse.remove(a)) {
      pool(arena.recycled, a);
    }
  }
}
