package dev.sequent.tensor.optim;

import dev.sequent.tensor.Tensor;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the optimizers: an ordered set of named parameters, a learning rate, per-parameter step counts
 * and per-parameter state buffers ("slots", e.g. Adam's m and v), with save/load for exact resume.
 *
 * <p>{@link #step()} updates every parameter that has a gradient ({@link Tensor#hasGrad()}); parameters
 * without one are skipped and their step count does not advance, as PyTorch skips parameters whose
 * {@code grad} is None. The learning rate is set from outside (usually from an {@link LrSchedule} with
 * {@link #stepCount()}), so it is not part of the saved state; hyper-parameters come from the
 * configuration, the state holds only what training changes.
 */
public abstract class Optimizer {
  private static final int MAGIC = 0x53514F50; // "SQOP"
  private static final int VERSION = 1;

  private final List<String> names;
  private final List<Tensor> params;
  private final long[] steps;
  /** state[param][slot] has the parameter's size; allocated zero-filled. */
  private final float[][][] state;
  private double lr;
  private long stepCount;

  protected Optimizer(Map<String, Tensor> params, int slots, double lr) {
    if (params.isEmpty()) {
      throw new IllegalArgumentException("optimizer has no parameters");
    }
    this.names = new ArrayList<>(params.keySet());
    this.params = new ArrayList<>(params.values());
    this.steps = new long[names.size()];
    this.state = new float[names.size()][slots][];
    for (int i = 0; i < names.size(); i++) {
      if (this.params.get(i) == null) {
        throw new IllegalArgumentException("parameter '" + names.get(i) + "' is null");
      }
      for (int s = 0; s < slots; s++) {
        state[i][s] = new float[this.params.get(i).size()];
      }
    }
    setLr(lr);
  }

  /** Updates one parameter whose gradient is present; {@code step} is its own step count, from 1. */
  protected abstract void update(int index, String name, Tensor param, float[] grad, long step, float[][] slots);

  /** A short name stored in checkpoints, so state is not loaded into a different kind of optimizer. */
  protected abstract String kind();

  /** One update of every parameter that has a gradient, with the current learning rate. */
  public final void step() {
    stepCount++;
    for (int i = 0; i < params.size(); i++) {
      Tensor p = params.get(i);
      if (p.hasGrad()) {
        steps[i]++;
        update(i, names.get(i), p, p.grad(), steps[i], state[i]);
      }
    }
  }

  /** Sets every parameter's gradient to zero. */
  public final void zeroGrad() {
    for (Tensor p : params) {
      p.zeroGrad();
    }
  }

  /** Number of {@link #step()} calls so far (restored by {@link #load}). */
  public final long stepCount() {
    return stepCount;
  }

  public final double lr() {
    return lr;
  }

  /** Sets the learning rate for the following steps (e.g. {@code setLr(schedule.lr(stepCount()))}). */
  public final void setLr(double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
    }
    this.lr = lr;
  }

  /** The parameters by name, in update order. */
  public Map<String, Tensor> params() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), params.get(i));
    }
    return Collections.unmodifiableMap(m);
  }

  /** A copy of one state slot of a parameter (for tests and inspection). */
  public float[] slot(String name, int slot) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no parameter '" + name + "'");
    }
    return state[i][slot].clone();
  }

  // ---------------------------------------------------------------- checkpoints

  /**
   * Writes the step count and, per parameter by name, its step count and state slots. Big-endian
   * floats, as {@link DataOutput} writes them.
   */
  public void save(DataOutput out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(kind());
    out.writeLong(stepCount);
    out.writeInt(names.size());
    for (int i = 0; i < names.size(); i++) {
      out.writeUTF(names.get(i));
      out.writeLong(steps[i]);
      out.writeInt(params.get(i).size());
      out.writeInt(state[i].length);
      for (float[] slot : state[i]) {
        writeFloats(out, slot);
      }
    }
  }

  /**
   * Restores what {@link #save} wrote. Every parameter must have saved state of the same size, and the
   * checkpoint must not hold parameters this optimizer lacks; otherwise nothing is changed and an
   * {@link IOException} names the parameter. Parameter order may differ.
   */
  public void load(DataInput in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not an optimizer state (bad magic number)");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("unsupported optimizer state version " + version + " (expected " + VERSION + ")");
    }
    String savedKind = in.readUTF();
    if (!savedKind.equals(kind())) {
      throw new IOException("optimizer state was saved by '" + savedKind + "', cannot load it into '" + kind() + "'");
    }
    long savedStepCount = in.readLong();
    int count = in.readInt();
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    // Read everything first so a bad checkpoint leaves the optimizer untouched.
    long[] newSteps = new long[names.size()];
    float[][][] newState = new float[names.size()][][];
    for (int c = 0; c < count; c++) {
      String name = in.readUTF();
      long step = in.readLong();
      int size = in.readInt();
      int slots = in.readInt();
      Integer i = index.get(name);
      if (i == null) {
        throw new IOException("optimizer state has parameter '" + name + "' that is not in the model"
            + " (model parameters: " + names + ")");
      }
      if (newState[i] != null) {
        throw new IOException("optimizer state lists parameter '" + name + "' twice");
      }
      if (size != params.get(i).size()) {
        throw new IOException("parameter '" + name + "' has " + params.get(i).size()
            + " elements but its saved optimizer state has " + size);
      }
      if (slots != state[i].length) {
        throw new IOException("parameter '" + name + "' has " + slots + " saved state slots, expected "
            + state[i].length);
      }
      newSteps[i] = step;
      newState[i] = new float[slots][size];
      for (int s = 0; s < slots; s++) {
        readFloats(in, newState[i][s]);
      }
    }
    for (int i = 0; i < names.size(); i++) {
      if (newState[i] == null) {
        throw new IOException("parameter '" + names.get(i) + "' has no saved optimizer state");
      }
    }
    stepCount = savedStepCount;
    for (int i = 0; i < names.size(); i++) {
      steps[i] = newSteps[i];
      for (int s = 0; s < state[i].length; s++) {
        System.arraycopy(newState[i][s], 0, state[i][s], 0, state[i][s].length);
      }
    }
  }

  private static final int IO_BLOCK = 1 << 14;

  private static void writeFloats(DataOutput out, float[] x) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(IO_BLOCK, Math.max(1, x.length)));
    for (int from = 0; from < x.length; from += IO_BLOCK) {
      int n = Math.min(IO_BLOCK, x.length - from);
      buf.clear();
      buf.asFloatBuffer().put(x, from, n);
      out.write(buf.array(), 0, 4 * n);
    }
  }

  private static void readFloats(DataInput in, float[] x) throws IOException {
    byte[] bytes = new byte[4 * Math.min(IO_BLOCK, Math.max(1, x.length))];
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    for (int from = 0; from < x.length; from += IO_BLOCK) {
      int n = Math.min(IO_BLOCK, x.length - from);
      in.readFully(bytes, 0, 4 * n);
      buf.clear();
      buf.asFloatBuffer().get(x, from, n);
    }
  }
}
