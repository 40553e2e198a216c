package dev.sequent.tensor;

import java.util.Arrays;

/** An immutable-shape int tensor (row-major), used for ids, labels and masks. No gradients. */
public final class IntTensor {
  private final int[] data;
  private final int[] shape;

  public IntTensor(int[] data, int... shape) {
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size != data.length) {
      throw new ShapeException("IntTensor", shape, "data length " + data.length + " does not match shape");
    }
    this.data = data;
    this.shape = shape.clone();
  }

  public int[] data() {
    return data;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int dim(int axis) {
    return shape[axis < 0 ? shape.length + axis : axis];
  }

  public int rank() {
    return shape.length;
  }

  public int size() {
    return data.length;
  }

  public int get(int i) {
    return data[i];
  }

  public IntTensor reshape(int... newShape) {
    return new IntTensor(data, newShape);
  }

  @Override
  public String toString() {
    return "IntTensor" + Arrays.toString(shape);
  }
}
