package dev.sequent.core.model;

import java.util.Arrays;

/**
 * A user's incremental model state: a few float buffers (their meaning is the model's) and the number of
 * items consumed. Plain arrays so the server can copy and snapshot it.
 */
public final class RecurrentState {
  private final float[][] buffers;
  private long length;

  public RecurrentState(float[][] buffers) {
    this.buffers = buffers;
  }

  public float[][] buffers() {
    return buffers;
  }

  public float[] buffer(int i) {
    return buffers[i];
  }

  /** Items consumed so far. */
  public long length() {
    return length;
  }

  /** Counts one more item consumed; called by whatever updated the buffers for it. */
  public void advance() {
    length++;
  }

  public RecurrentState copy() {
    float[][] c = new float[buffers.length][];
    for (int i = 0; i < buffers.length; i++) {
      c[i] = Arrays.copyOf(buffers[i], buffers[i].length);
    }
    RecurrentState s = new RecurrentState(c);
    s.length = length;
    return s;
  }
}
