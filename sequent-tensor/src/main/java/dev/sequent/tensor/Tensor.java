package dev.sequent.tensor;

import dev.sequent.tensor.kernel.Kernels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A float32 row-major tensor with reverse-mode autodiff.
 *
 * <p>Storage is a contiguous range of a float array starting at {@link #offset()}. {@link #reshape} and
 * {@link #narrow0} are views that share the storage (and the gradient) of their root tensor; every other
 * op returns a new tensor. An op records its inputs and a backward function when gradients are enabled
 * ({@link Grad}) and an input requires them; {@link #backward()} on a scalar walks that graph in reverse
 * topological order and accumulates gradients into {@link #grad()}.
 *
 * <p>Basic element-wise, reduction, shape and matrix ops live here; neural-network ops are in {@link NN},
 * sequence ops in {@link Seq} and losses in {@link Losses}.
 */
public final class Tensor {

  /** Accumulates the gradient of one op's output into its inputs' gradients. */
  @FunctionalInterface
  public interface Backward {
    void run(Tensor out);
  }

  private final float[] data;
  private final int offset;
  private final int[] shape;
  private final int size;
  private final Tensor root;
  private float[] grad;
  private boolean requiresGrad;
  private Tensor[] inputs;
  private Backward backward;
  private String op;

  private Tensor(float[] data, int offset, int[] shape, Tensor root) {
    this.data = data;
    this.offset = offset;
    this.shape = shape;
    this.size = sizeOf(shape);
    this.root = root == null ? this : root;
  }

  // ---------------------------------------------------------------- creation

  /** A tensor over {@code data} (not copied) with the given shape. */
  public static Tensor of(float[] data, int... shape) {
    int[] s = shape.clone();
    if (sizeOf(s) != data.length) {
      throw new ShapeException("of", s, "data length " + data.length + " does not match shape");
    }
    return new Tensor(data, 0, s, null);
  }

  public static Tensor scalar(float value) {
    return new Tensor(new float[] {value}, 0, new int[0], null);
  }

  public static Tensor zeros(int... shape) {
    return new Tensor(new float[sizeOf(shape)], 0, shape.clone(), null);
  }

  public static Tensor full(float value, int... shape) {
    Tensor t = zeros(shape);
    Arrays.fill(t.data, value);
    return t;
  }

  /** Uniform in [low, high). */
  public static Tensor uniform(Rng rng, float low, float high, int... shape) {
    Tensor t = zeros(shape);
    for (int i = 0; i < t.size; i++) {
      t.data[i] = low + (high - low) * rng.nextFloat();
    }
    return t;
  }

  public static Tensor normal(Rng rng, float mean, float std, int... shape) {
    Tensor t = zeros(shape);
    for (int i = 0; i < t.size; i++) {
      t.data[i] = (float) (mean + std * rng.nextGaussian());
    }
    return t;
  }

  /** Normal(mean, std) redrawn until it falls within mean ± 2·std (BERT-style initialisation). */
  public static Tensor truncatedNormal(Rng rng, float mean, float std, int... shape) {
    Tensor t = zeros(shape);
    for (int i = 0; i < t.size; i++) {
      double g;
      do {
        g = rng.nextGaussian();
      } while (g < -2 || g > 2);
      t.data[i] = (float) (mean + std * g);
    }
    return t;
  }

  /** A new tensor for an op's output; taken from the open {@link Arena}, if any. Contents undefined. */
  static Tensor empty(int... shape) {
    return new Tensor(Arena.take(sizeOf(shape), false), 0, shape, null);
  }

  /** A zero-filled op output. */
  static Tensor emptyZeroed(int... shape) {
    return new Tensor(Arena.take(sizeOf(shape), true), 0, shape, null);
  }

  /**
   * Builds an op result: {@code out} gets the inputs and backward function when gradients are enabled and
   * any input requires them. For ops defined outside this package as well.
   */
  public static Tensor record(Tensor out, String op, Backward backward, Tensor... inputs) {
    out.op = op;
    if (Grad.isEnabled()) {
      for (Tensor in : inputs) {
        if (in != null && in.requiresGrad) {
          out.requiresGrad = true;
          out.inputs = inputs;
          out.backward = backward;
          break;
        }
      }
    }
    return out;
  }

  /** A new output tensor of the given shape for ops defined outside this package. */
  public static Tensor newOutput(boolean zeroed, int... shape) {
    return zeroed ? emptyZeroed(shape.clone()) : empty(shape.clone());
  }

  // ---------------------------------------------------------------- accessors

  /** The backing array; elements are at [offset(), offset() + size()). */
  public float[] data() {
    return data;
  }

  public int offset() {
    return offset;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** Size of one axis; negative axes count from the end. */
  public int dim(int axis) {
    return shape[axis(axis)];
  }

  public int size() {
    return size;
  }

  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** Marks a leaf tensor (a parameter or an input under test) as needing gradients. */
  public Tensor requiresGrad(boolean value) {
    if (inputs != null) {
      throw new IllegalStateException("requiresGrad can only be set on leaf tensors, not on the output of " + op);
    }
    root.requiresGrad = value;
    this.requiresGrad = value;
    return this;
  }

  /** Name of the op that produced this tensor, or null for a leaf. */
  public String op() {
    return op;
  }

  public boolean isLeaf() {
    return backward == null;
  }

  /**
   * The gradient array, indexed like {@link #data()} (same offset), allocated with zeros on first use.
   * Views share their root's gradient.
   */
  public float[] grad() {
    if (root.grad == null) {
      int length = root.offset + root.size;
      root.grad = root.backward == null ? new float[length] : Arena.take(length, true);
    }
    return root.grad;
  }

  /**
   * For a backward function about to write this tensor's whole gradient: when no gradient has been
   * accumulated yet, allocates it without zero-filling and returns true, and the caller must then assign
   * (not add) every element of [offset, offset + size). Otherwise returns false and the caller adds as
   * usual. Only for non-leaf tensors that cover their whole storage (reshape views do, row slices do not):
   * a partly written buffer would keep garbage outside the range. Saves zero-filling, and re-reading,
   * the large activation gradients of a step.
   */
  boolean initGradForOverwrite() {
    if (root.grad == null && root.backward != null && root.offset == 0 && offset == 0 && size == root.size) {
      root.grad = Arena.take(root.size, false);
      return true;
    }
    grad();
    return false;
  }

  /** Whether a gradient has been allocated (some backward pass reached this tensor). */
  public boolean hasGrad() {
    return root.grad != null;
  }

  /** Drops the gradient (for leaves between optimizer steps). */
  public void zeroGrad() {
    if (root.grad != null) {
      Arrays.fill(root.grad, 0f);
    }
  }

  /** A copy of the gradient as a tensor of this shape (zeros if none). */
  public Tensor gradTensor() {
    float[] g = new float[size];
    if (root.grad != null) {
      System.arraycopy(root.grad, offset, g, 0, size);
    }
    return of(g, shape);
  }

  public float item() {
    if (size != 1) {
      throw new ShapeException("item", shape, "needs exactly one element");
    }
    return data[offset];
  }

  /** Element at a flat index. */
  public float get(int flatIndex) {
    return data[offset + flatIndex];
  }

  /** Element at a multi-dimensional index. */
  public float at(int... index) {
    if (index.length != shape.length) {
      throw new ShapeException("at", shape, "index has " + index.length + " coordinates");
    }
    int flat = 0;
    for (int i = 0; i < index.length; i++) {
      flat = flat * shape[i] + index[i];
    }
    return data[offset + flat];
  }

  /** A copy of the values. */
  public float[] toArray() {
    return Arrays.copyOfRange(data, offset, offset + size);
  }

  /** A copy without autodiff history. */
  public Tensor copy() {
    return of(toArray(), shape);
  }

  /** The same storage without autodiff history. */
  public Tensor detach() {
    return new Tensor(data, offset, shape, null);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape));
    if (op != null) {
      sb.append(" from ").append(op);
    }
    if (size <= 16) {
      sb.append(' ').append(Arrays.toString(toArray()));
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- autodiff

  /** Backpropagates from this scalar: d(this)/d(this) = 1. */
  public void backward() {
    if (size != 1) {
      throw new ShapeException("backward", shape, "needs a scalar (one element)");
    }
    if (!requiresGrad) {
      throw new IllegalStateException("backward: this tensor does not require gradients (no parameter reached it)");
    }
    List<Tensor> order = topologicalOrder(this);
    grad()[offset] += 1f;
    for (int i = order.size() - 1; i >= 0; i--) {
      Tensor t = order.get(i);
      if (t.backward != null && t.root.grad != null) {
        t.backward.run(t);
        if (t.root == t) {
          // Every consumer ran before t, so t's gradient is dead; later gradients of this step may reuse it.
          Arena.recycle(t.grad);
          t.grad = null;
        }
      }
    }
    // Free the graph: intermediate values and gradients are no longer needed.
    for (Tensor t : order) {
      if (t.backward != null) {
        t.backward = null;
        t.inputs = null;
        if (t.root == t) {
          t.grad = null;
        }
      }
    }
  }

  private static List<Tensor> topologicalOrder(Tensor start) {
    List<Tensor> order = new ArrayList<>();
    Map<Tensor, Boolean> visited = new IdentityHashMap<>();
    ArrayDeque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {start, 0});
    visited.put(start, true);
    while (!stack.isEmpty()) {
      Object[] frame = stack.peek();
      Tensor t = (Tensor) frame[0];
      int next = (Integer) frame[1];
      Tensor[] ins = t.inputs;
      if (ins != null && next < ins.length) {
        frame[1] = next + 1;
        Tensor in = ins[next];
        if (in != null && in.requiresGrad && visited.put(in, true) == null) {
          stack.push(new Object[] {in, 0});
        }
      } else {
        stack.pop();
        order.add(t);
      }
    }
    return order;
  }

  // ---------------------------------------------------------------- views and shape ops

  /** A view with a new shape of the same size; one axis may be -1 (inferred). */
  public Tensor reshape(int... newShape) {
    int[] s = newShape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) {
          throw new ShapeException("reshape", shape, s, "only one axis can be -1");
        }
        infer = i;
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || size % known != 0) {
        throw new ShapeException("reshape", shape, s, "cannot infer the -1 axis");
      }
      s[infer] = (int) (size / known);
    }
    if (sizeOf(s) != size) {
      throw new ShapeException("reshape", shape, s, "sizes differ");
    }
    return view(offset, s, "reshape");
  }

  /** A view of rows [from, to) along axis 0. */
  public Tensor narrow0(int from, int to) {
    if (shape.length == 0 || from < 0 || to > shape[0] || from > to) {
      throw new ShapeException("narrow0", shape, "range [" + from + ", " + to + ") out of bounds");
    }
    int[] s = shape.clone();
    s[0] = to - from;
    int rowSize = shape[0] == 0 ? 0 : size / shape[0];
    return view(offset + from * rowSize, s, "narrow0");
  }

  private Tensor view(int newOffset, int[] newShape, String name) {
    Tensor v = new Tensor(data, newOffset, newShape, root);
    v.requiresGrad = requiresGrad;
    v.op = name;
    if (requiresGrad && Grad.isEnabled()) {
      // The view shares its root's gradient, so its backward has nothing to do; it only orders the graph.
      v.inputs = new Tensor[] {this};
      v.backward = out -> { };
    }
    return v;
  }

  /** Copy with axes permuted: result axis i is this tensor's axis {@code perm[i]}. */
  public Tensor permute(int... perm) {
    int r = shape.length;
    if (perm.length != r) {
      throw new ShapeException("permute", shape, "permutation " + Arrays.toString(perm) + " has wrong length");
    }
    int[] outShape = new int[r];
    int[] inStrides = strides(shape);
    int[] permStrides = new int[r];
    boolean[] seen = new boolean[r];
    for (int i = 0; i < r; i++) {
      int p = perm[i];
      if (p < 0 || p >= r || seen[p]) {
        throw new ShapeException("permute", shape, "invalid permutation " + Arrays.toString(perm));
      }
      seen[p] = true;
      outShape[i] = shape[p];
      permStrides[i] = inStrides[p];
    }
    Tensor out = empty(outShape);
    permuteCopy(data, offset, out.data, 0, outShape, permStrides, false, false);
    return record(out, "permute", o -> {
      // A permutation writes every element once, so a fresh gradient is assigned rather than added to.
      boolean fresh = initGradForOverwrite();
      permuteCopy(o.grad(), 0, grad(), offset, outShape, permStrides, true, fresh);
    }, this);
  }

  /** Swaps two axes (a copy). */
  public Tensor transpose(int axisA, int axisB) {
    int[] perm = new int[shape.length];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = i;
    }
    int a = axis(axisA);
    int b = axis(axisB);
    perm[a] = b;
    perm[b] = a;
    return permute(perm);
  }

  /**
   * Walks the output in order; {@code src} is read through permuted strides. With {@code reverse}, adds
   * output elements back into the strided source positions instead (the permutation's backward), or with
   * {@code assign} as well, stores them there.
   */
  private static void permuteCopy(float[] src, int srcOff, float[] dst, int dstOff, int[] outShape,
                                  int[] srcStrides, boolean reverse, boolean assign) {
    int r = outShape.length;
    int n = sizeOf(outShape);
    if (r == 0) {
      if (reverse && !assign) {
        dst[dstOff] += src[srcOff];
      } else {
        dst[dstOff] = src[srcOff];
      }
      return;
    }
    int last = outShape[r - 1];
    int lastStride = srcStrides[r - 1];
    int[] idx = new int[r];
    int base = 0;
    for (int o = 0; o < n; o += last) {
      if (reverse && assign) {
        for (int j = 0; j < last; j++) {
          dst[dstOff + base + j * lastStride] = src[srcOff + o + j];
        }
      } else if (reverse) {
        for (int j = 0; j < last; j++) {
          dst[dstOff + base + j * lastStride] += src[srcOff + o + j];
        }
      } else {
        for (int j = 0; j < last; j++) {
          dst[dstOff + o + j] = src[srcOff + base + j * lastStride];
        }
      }
      for (int ax = r - 2; ax >= 0; ax--) {
        idx[ax]++;
        base += srcStrides[ax];
        if (idx[ax] < outShape[ax]) {
          break;
        }
        base -= srcStrides[ax] * outShape[ax];
        idx[ax] = 0;
      }
    }
  }

  // ---------------------------------------------------------------- element-wise binary ops

  enum BinaryOp { ADD, SUB, MUL, DIV }

  /** this + other, with NumPy broadcasting. */
  public Tensor add(Tensor other) {
    return binary(other, BinaryOp.ADD);
  }

  /** this − other, with broadcasting. */
  public Tensor sub(Tensor other) {
    return binary(other, BinaryOp.SUB);
  }

  /** this ⊙ other, with broadcasting. */
  public Tensor mul(Tensor other) {
    return binary(other, BinaryOp.MUL);
  }

  /** this / other, with broadcasting. */
  public Tensor div(Tensor other) {
    return binary(other, BinaryOp.DIV);
  }

  private Tensor binary(Tensor b, BinaryOp kind) {
    Tensor a = this;
    String name = kind.name().toLowerCase();
    int[] outShape = broadcastShape(name, a.shape, b.shape);
    if (Arrays.equals(a.shape, b.shape)) {
      return Elementwise.sameShape(a, b, kind, name);
    }
    if (Arrays.equals(a.shape, outShape) && Elementwise.isRowVector(b.shape, outShape)) {
      return Elementwise.rowBroadcast(a, b, kind, name);
    }
    int[] sa = broadcastStrides(a.shape, outShape);
    int[] sb = broadcastStrides(b.shape, outShape);
    Tensor out = empty(outShape);
    forEachBroadcast(outShape, sa, sb, (o, ia, ib, n, stepA, stepB) -> {
      float[] x = a.data;
      float[] y = b.data;
      float[] z = out.data;
      int xa = a.offset + ia;
      int yb = b.offset + ib;
      switch (kind) {
        case ADD:
          for (int j = 0; j < n; j++) {
            z[o + j] = x[xa + j * stepA] + y[yb + j * stepB];
          }
          break;
        case SUB:
          for (int j = 0; j < n; j++) {
            z[o + j] = x[xa + j * stepA] - y[yb + j * stepB];
          }
          break;
        case MUL:
          for (int j = 0; j < n; j++) {
            z[o + j] = x[xa + j * stepA] * y[yb + j * stepB];
          }
          break;
        default:
          for (int j = 0; j < n; j++) {
            z[o + j] = x[xa + j * stepA] / y[yb + j * stepB];
          }
      }
    });
    return record(out, name, o -> {
      float[] g = o.grad();
      boolean needA = a.requiresGrad;
      boolean needB = b.requiresGrad;
      float[] ga = needA ? a.grad() : null;
      float[] gb = needB ? b.grad() : null;
      // Serial: broadcast reductions accumulate into shared gradient entries.
      forEachBroadcastSerial(outShape, sa, sb, (oo, ia, ib, n, stepA, stepB) -> {
        int xa = a.offset + ia;
        int yb = b.offset + ib;
        for (int j = 0; j < n; j++) {
          float go = g[oo + j];
          int pa = xa + j * stepA;
          int pb = yb + j * stepB;
          switch (kind) {
            case ADD:
              if (needA) {
                ga[pa] += go;
              }
              if (needB) {
                gb[pb] += go;
              }
              break;
            case SUB:
              if (needA) {
                ga[pa] += go;
              }
              if (needB) {
                gb[pb] -= go;
              }
              break;
            case MUL:
              if (needA) {
                ga[pa] += go * b.data[pb];
              }
              if (needB) {
                gb[pb] += go * a.data[pa];
              }
              break;
            default:
              float bv = b.data[pb];
              if (needA) {
                ga[pa] += go / bv;
              }
              if (needB) {
                gb[pb] -= go * a.data[pa] / (bv * bv);
              }
          }
        }
      });
    }, a, b);
  }

  /** this + c. */
  public Tensor add(float c) {
    return affine(1f, c, "addScalar");
  }

  /** this · c. */
  public Tensor mul(float c) {
    return affine(c, 0f, "mulScalar");
  }

  /** −this. */
  public Tensor neg() {
    return affine(-1f, 0f, "neg");
  }

  /** scale · this + shift. */
  public Tensor affine(float scale, float shift, String name) {
    Tensor out = empty(shape.clone());
    for (int i = 0; i < size; i++) {
      out.data[i] = scale * data[offset + i] + shift;
    }
    return record(out, name, o -> Kernels.get().axpy(scale, o.grad(), 0, grad(), offset, size), this);
  }

  // ---------------------------------------------------------------- element-wise unary ops

  /** A unary function with its derivative, written in terms of the input x and output y. */
  interface Unary {
    float apply(float x);

    float derivative(float x, float y);
  }

  Tensor unary(String name, Unary f) {
    Tensor out = empty(shape.clone());
    float[] x = data;
    float[] y = out.data;
    int off = offset;
    Parallel.forRange(size, 1 << 15, (from, to) -> {
      for (int i = from; i < to; i++) {
        y[i] = f.apply(x[off + i]);
      }
    });
    return record(out, name, o -> {
      float[] g = o.grad();
      float[] gx = grad();
      Parallel.forRange(size, 1 << 15, (from, to) -> {
        for (int i = from; i < to; i++) {
          gx[off + i] += g[i] * f.derivative(x[off + i], y[i]);
        }
      });
    }, this);
  }

  public Tensor exp() {
    return unary("exp", new Unary() {
      public float apply(float x) {
        return (float) Math.exp(x);
      }

      public float derivative(float x, float y) {
        return y;
      }
    });
  }

  public Tensor log() {
    return unary("log", new Unary() {
      public float apply(float x) {
        return (float) Math.log(x);
      }

      public float derivative(float x, float y) {
        return 1f / x;
      }
    });
  }

  public Tensor sqrt() {
    return unary("sqrt", new Unary() {
      public float apply(float x) {
        return (float) Math.sqrt(x);
      }

      public float derivative(float x, float y) {
        return 0.5f / y;
      }
    });
  }

  public Tensor square() {
    return unary("square", new Unary() {
      public float apply(float x) {
        return x * x;
      }

      public float derivative(float x, float y) {
        return 2f * x;
      }
    });
  }

  public Tensor tanh() {
    return unary("tanh", new Unary() {
      public float apply(float x) {
        return (float) Math.tanh(x);
      }

      public float derivative(float x, float y) {
        return 1f - y * y;
      }
    });
  }

  public Tensor sigmoid() {
    return unary("sigmoid", new Unary() {
      public float apply(float x) {
        return Activations.sigmoid(x);
      }

      public float derivative(float x, float y) {
        return y * (1f - y);
      }
    });
  }

  public Tensor relu() {
    Kernels kern = Kernels.get();
    return activation("relu", kern::relu,
        (x, xOff, y, yOff, dy, dyOff, dx, dxOff, n) -> kern.reluBackward(x, xOff, dy, dyOff, dx, dxOff, n));
  }

  public Tensor cos() {
    return unary("cos", new Unary() {
      public float apply(float x) {
        return (float) Math.cos(x);
      }

      public float derivative(float x, float y) {
        return (float) -Math.sin(x);
      }
    });
  }

  public Tensor sin() {
    return unary("sin", new Unary() {
      public float apply(float x) {
        return (float) Math.sin(x);
      }

      public float derivative(float x, float y) {
        return (float) Math.cos(x);
      }
    });
  }

  /** Exact GELU: x·Φ(x) with the Gaussian CDF Φ computed through erf (to float precision). */
  public Tensor gelu() {
    Kernels kern = Kernels.get();
    return activation("gelu", kern::gelu,
        (x, xOff, y, yOff, dy, dyOff, dx, dxOff, n) -> kern.geluBackward(x, xOff, dy, dyOff, dx, dxOff, n));
  }

  /** SiLU (swish): x·σ(x). */
  public Tensor silu() {
    Kernels kern = Kernels.get();
    return activation("silu", kern::silu,
        (x, xOff, y, yOff, dy, dyOff, dx, dxOff, n) -> kern.siluBackward(x, xOff, dy, dyOff, dx, dxOff, n));
  }

  /** ELU with alpha 1: x for x > 0, exp(x) − 1 otherwise. */
  public Tensor elu() {
    Kernels kern = Kernels.get();
    return activation("elu", kern::elu, kern::eluBackward);
  }

  /** y[yOff ..] = f(x[xOff ..]) over n elements. */
  private interface RangeForward {
    void apply(float[] x, int xOff, float[] y, int yOff, int n);
  }

  /** dx[dxOff ..] += dy · f'(x) over n elements, given the input x and the output y. */
  private interface RangeBackward {
    void apply(float[] x, int xOff, float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);
  }

  /** An element-wise activation computed by range kernels, in parallel chunks. */
  private Tensor activation(String name, RangeForward forward, RangeBackward backward) {
    Tensor out = empty(shape.clone());
    int off = offset;
    Parallel.forRange(size, 1 << 15, (from, to) -> forward.apply(data, off + from, out.data, from, to - from));
    return record(out, name, o -> {
      float[] g = o.grad();
      float[] gx = grad();
      Parallel.forRange(size, 1 << 15,
          (from, to) -> backward.apply(data, off + from, out.data, from, g, from, gx, off + from, to - from));
    }, this);
  }

  // ---------------------------------------------------------------- reductions

  /** Sum of all elements (a scalar), accumulated in double. */
  public Tensor sum() {
    double s = 0;
    for (int i = 0; i < size; i++) {
      s += data[offset + i];
    }
    Tensor out = empty();
    out.data[0] = (float) s;
    return record(out, "sum", o -> {
      float g = o.grad()[0];
      float[] gx = grad();
      for (int i = 0; i < size; i++) {
        gx[offset + i] += g;
      }
    }, this);
  }

  /** Mean of all elements (a scalar). */
  public Tensor mean() {
    return sum().mul(1f / size);
  }

  /** Sum over one axis. */
  public Tensor sum(int axis, boolean keepDim) {
    int ax = axis(axis);
    int outer = leadingSize(ax);
    int n = shape[ax];
    int inner = size / Math.max(1, outer * n);
    int[] outShape = reducedShape(ax, keepDim);
    Tensor out = emptyZeroed(outShape);
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < n; j++) {
        int src = offset + (o * n + j) * inner;
        int dst = o * inner;
        for (int i = 0; i < inner; i++) {
          out.data[dst + i] += data[src + i];
        }
      }
    }
    return record(out, "sumAxis", res -> {
      float[] g = res.grad();
      float[] gx = grad();
      for (int o = 0; o < outer; o++) {
        for (int j = 0; j < n; j++) {
          int dst = offset + (o * n + j) * inner;
          int src = o * inner;
          for (int i = 0; i < inner; i++) {
            gx[dst + i] += g[src + i];
          }
        }
      }
    }, this);
  }

  /** Mean over one axis. */
  public Tensor mean(int axis, boolean keepDim) {
    return sum(axis, keepDim).mul(1f / shape[axis(axis)]);
  }

  private int[] reducedShape(int ax, boolean keepDim) {
    int[] s;
    if (keepDim) {
      s = shape.clone();
      s[ax] = 1;
    } else {
      s = new int[shape.length - 1];
      for (int i = 0, j = 0; i < shape.length; i++) {
        if (i != ax) {
          s[j++] = shape[i];
        }
      }
    }
    return s;
  }

  // ---------------------------------------------------------------- matrix products

  /**
   * Matrix product with a 2-D right operand: this [..., k] times {@code w} [k, n] → [..., n]
   * (or w stored as [n, k] with {@code transW}, as in a tied output embedding).
   */
  public Tensor matmul(Tensor w, boolean transW) {
    if (w.rank() != 2 || rank() < 1) {
      throw new ShapeException("matmul", shape, w.shape, "needs [..., k] and a 2-D matrix");
    }
    int k = shape[shape.length - 1];
    int wk = transW ? w.shape[1] : w.shape[0];
    int n = transW ? w.shape[0] : w.shape[1];
    if (k != wk) {
      throw new ShapeException("matmul", shape, w.shape, "inner dimensions differ (" + k + " vs " + wk + ")");
    }
    int m = size / Math.max(1, k);
    int[] outShape = shape.clone();
    outShape[outShape.length - 1] = n;
    Tensor out = empty(outShape);
    Kernels kern = Kernels.get();
    int ldw = w.shape[1];
    kern.gemm(false, transW, m, n, k, data, offset, k, w.data, w.offset, ldw, 0f, out.data, 0, n);
    Tensor x = this;
    return record(out, "matmul", o -> {
      float[] g = o.grad();
      if (x.requiresGrad) {
        // dX[m,k] += dY[m,n] · Wᵀ  (W as [k,n]) or dY · W (W stored as [n,k]); = when dX is fresh.
        float beta = x.initGradForOverwrite() ? 0f : 1f;
        kern.gemm(false, !transW, m, k, n, g, 0, n, w.data, w.offset, ldw, beta, x.grad(), x.offset, k);
      }
      if (w.requiresGrad) {
        if (transW) {
          // dW[n,k] += dYᵀ · X
          kern.gemm(true, false, n, k, m, g, 0, n, x.data, x.offset, k, 1f, w.grad(), w.offset, k);
        } else {
          // dW[k,n] += Xᵀ · dY
          kern.gemm(true, false, k, n, m, x.data, x.offset, k, g, 0, n, 1f, w.grad(), w.offset, n);
        }
      }
    }, this, w);
  }

  /**
   * A linear layer as one op: this [..., k] · weightᵀ + bias with weight stored [n, k] (PyTorch's layout)
   * and bias [n] or null. The same numbers as {@code matmul(weight, true).add(bias)}, without the
   * intermediate tensor: the backward reads the output gradient once for dX, dW and the bias gradient.
   */
  public Tensor linear(Tensor weight, Tensor bias) {
    Tensor w = weight;
    if (w.rank() != 2 || rank() < 1 || w.shape[1] != shape[shape.length - 1]) {
      throw new ShapeException("linear", shape, w.shape, "needs [..., k] and a weight [n, k]");
    }
    int k = w.shape[1];
    int n = w.shape[0];
    if (bias != null && bias.size != n) {
      throw new ShapeException("linear", w.shape, bias.shape, "bias must have " + n + " elements");
    }
    int m = size / Math.max(1, k);
    int[] outShape = shape.clone();
    outShape[outShape.length - 1] = n;
    Tensor out = empty(outShape);
    Kernels kern = Kernels.get();
    kern.gemm(false, true, m, n, k, data, offset, k, w.data, w.offset, k, 0f, out.data, 0, n);
    if (bias != null) {
      float[] y = out.data;
      Parallel.forRange(m, Math.max(1, (1 << 14) / Math.max(1, n)), (from, to) -> {
        for (int r = from; r < to; r++) {
          kern.add(y, r * n, bias.data, bias.offset, y, r * n, n);
        }
      });
    }
    Tensor x = this;
    return record(out, "linear", o -> {
      float[] g = o.grad();
      if (bias != null && bias.requiresGrad) {
        Elementwise.columnSums(g, 0, m, n, bias.grad(), bias.offset);
      }
      if (x.requiresGrad) {
        // dX[m,k] (+)= dY[m,n] · W[n,k]
        float beta = x.initGradForOverwrite() ? 0f : 1f;
        kern.gemm(false, false, m, k, n, g, 0, n, w.data, w.offset, k, beta, x.grad(), x.offset, k);
      }
      if (w.requiresGrad) {
        // dW[n,k] += dYᵀ · X
        kern.gemm(true, false, n, k, m, g, 0, n, x.data, x.offset, k, 1f, w.grad(), w.offset, k);
      }
    }, this, weight, bias);
  }

  /** this [..., k] · w [k, n]. */
  public Tensor matmul(Tensor w) {
    return matmul(w, false);
  }

  /**
   * Batched matrix product over matching leading axes: this [..., m, k] (or [..., k, m] with transA) times
   * b [..., k, n] (or [..., n, k] with transB) → [..., m, n].
   */
  public Tensor bmm(Tensor b, boolean transA, boolean transB) {
    Tensor a = this;
    if (a.rank() < 2 || a.rank() != b.rank()) {
      throw new ShapeException("bmm", a.shape, b.shape, "needs two tensors of the same rank >= 2");
    }
    int r = a.rank();
    for (int i = 0; i < r - 2; i++) {
      if (a.shape[i] != b.shape[i]) {
        throw new ShapeException("bmm", a.shape, b.shape, "batch axes differ");
      }
    }
    int batch = a.leadingSize(r - 2);
    int m = transA ? a.shape[r - 1] : a.shape[r - 2];
    int k = transA ? a.shape[r - 2] : a.shape[r - 1];
    int kb = transB ? b.shape[r - 1] : b.shape[r - 2];
    int n = transB ? b.shape[r - 2] : b.shape[r - 1];
    if (k != kb) {
      throw new ShapeException("bmm", a.shape, b.shape, "inner dimensions differ (" + k + " vs " + kb + ")");
    }
    int[] outShape = a.shape.clone();
    outShape[r - 2] = m;
    outShape[r - 1] = n;
    Tensor out = empty(outShape);
    int lda = a.shape[r - 1];
    int ldb = b.shape[r - 1];
    int strideA = m * k;
    int strideB = k * n;
    int strideC = m * n;
    Kernels kern = Kernels.get();
    batchedGemm(kern, batch, transA, transB, m, n, k, a.data, a.offset, lda, strideA, b.data, b.offset, ldb,
        strideB, 0f, out.data, 0, n, strideC);
    return record(out, "bmm", o -> {
      float[] g = o.grad();
      if (a.requiresGrad) {
        // dA = dC · Bᵀ (or its transpose when A was transposed); overwritten when dA is fresh.
        float beta = a.initGradForOverwrite() ? 0f : 1f;
        if (transA) {
          batchedGemm(kern, batch, transB, true, k, m, n, b.data, b.offset, ldb, strideB, g, 0, n, strideC, beta,
              a.grad(), a.offset, lda, strideA);
        } else {
          batchedGemm(kern, batch, false, !transB, m, k, n, g, 0, n, strideC, b.data, b.offset, ldb, strideB, beta,
              a.grad(), a.offset, lda, strideA);
        }
      }
      if (b.requiresGrad) {
        // dB = Aᵀ · dC (or its transpose when B was transposed).
        float beta = b.initGradForOverwrite() ? 0f : 1f;
        if (transB) {
          batchedGemm(kern, batch, true, transA, n, k, m, g, 0, n, strideC, a.data, a.offset, lda, strideA, beta,
              b.grad(), b.offset, ldb, strideB);
        } else {
          batchedGemm(kern, batch, !transA, false, k, n, m, a.data, a.offset, lda, strideA, g, 0, n, strideC, beta,
              b.grad(), b.offset, ldb, strideB);
        }
      }
    }, a, b);
  }

  /**
   * Many independent GEMMs: parallel over the batch when there are enough of them (one fork per call, not one
   * per GEMM: attention has 256 per layer at B = 128 with 2 heads), else parallel inside each. Either way each
   * element gets the same arithmetic, so results do not depend on the choice.
   */
  static void batchedGemm(Kernels kern, int batch, boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, int strideA, float[] b, int bOff, int ldb, int strideB,
                          float beta, float[] c, int cOff, int ldc, int strideC) {
    long work = (long) m * n * k;
    if (batch == 1 || (work >= (1 << 20) && batch < 4 * Parallel.threads())) {
      for (int i = 0; i < batch; i++) {
        kern.gemm(transA, transB, m, n, k, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb, beta, c,
            cOff + i * strideC, ldc);
      }
    } else {
      Parallel.forRange(batch, 1, (from, to) -> {
        for (int i = from; i < to; i++) {
          kern.gemm(transA, transB, m, n, k, a, aOff + i * strideA, lda, b, bOff + i * strideB, ldb, beta, c,
              cOff + i * strideC, ldc);
        }
      });
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Product of the sizes of the axes before {@code axis}. */
  int leadingSize(int axis) {
    int p = 1;
    for (int i = 0; i < axis; i++) {
      p *= shape[i];
    }
    return p;
  }

  int axis(int axis) {
    int a = axis < 0 ? shape.length + axis : axis;
    if (a < 0 || a >= shape.length) {
      throw new ShapeException("axis", shape, "axis " + axis + " out of range");
    }
    return a;
  }

  static int sizeOf(int[] shape) {
    long s = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new ShapeException("shape", shape, "negative dimension");
      }
      s *= d;
    }
    if (s > Integer.MAX_VALUE) {
      throw new ShapeException("shape", shape, "more than 2^31-1 elements");
    }
    return (int) s;
  }

  static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  static int[] broadcastShape(String op, int[] a, int[] b) {
    int r = Math.max(a.length, b.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.length ? 1 : a[i - (r - a.length)];
      int db = i < r - b.length ? 1 : b[i - (r - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new ShapeException(op, a, b, "shapes cannot be broadcast together");
      }
      out[i] = da == 1 ? db : da;
    }
    return out;
  }

  /** Strides of {@code shape} aligned to {@code outShape}, 0 on broadcast axes. */
  static int[] broadcastStrides(int[] shape, int[] outShape) {
    int r = outShape.length;
    int[] own = strides(shape);
    int[] s = new int[r];
    for (int i = 0; i < r; i++) {
      int j = i - (r - shape.length);
      s[i] = (j < 0 || shape[j] == 1) ? 0 : own[j];
    }
    return s;
  }

  /** A run of n output elements starting at out index o, reading inputs at ia/ib with steps stepA/stepB. */
  interface BroadcastRun {
    void run(int o, int ia, int ib, int n, int stepA, int stepB);
  }

  static void forEachBroadcast(int[] outShape, int[] sa, int[] sb, BroadcastRun body) {
    int r = outShape.length;
    int n = sizeOf(outShape);
    int last = r == 0 ? 1 : outShape[r - 1];
    int rows = last == 0 ? 0 : n / last;
    if (rows == 0) {
      return;
    }
    Parallel.forRange(rows, Math.max(1, (1 << 15) / Math.max(1, last)), (from, to) -> {
      for (int row = from; row < to; row++) {
        runRow(outShape, sa, sb, row, last, body);
      }
    });
  }

  static void forEachBroadcastSerial(int[] outShape, int[] sa, int[] sb, BroadcastRun body) {
    int r = outShape.length;
    int n = sizeOf(outShape);
    int last = r == 0 ? 1 : outShape[r - 1];
    int rows = last == 0 ? 0 : n / last;
    for (int row = 0; row < rows; row++) {
      runRow(outShape, sa, sb, row, last, body);
    }
  }

  private static void runRow(int[] outShape, int[] sa, int[] sb, int row, int last, BroadcastRun body) {
    int r = outShape.length;
    int ia = 0;
    int ib = 0;
    int rem = row;
    for (int ax = r - 2; ax >= 0; ax--) {
      int c = rem % outShape[ax];
      rem /= outShape[ax];
      ia += c * sa[ax];
      ib += c * sb[ax];
    }
    int stepA = r == 0 ? 0 : sa[r - 1];
    int stepB = r == 0 ? 0 : sb[r - 1];
    body.run(row * last, ia, ib, last, stepA, stepB);
  }
}
