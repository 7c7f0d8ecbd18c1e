package io.blindtuner.vision.safetensors;

import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name the tensor name
 * @param dtype the element type
 * @param shape the dimensions
 * @param begin start of its bytes, relative to the data section
 * @param end end (exclusive) of its bytes
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The number of elements. */
  public long elements() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** True if the shape equals {@code dims}. */
  public boolean hasShape(long... dims) {
    return Arrays.equals(shape, dims);
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }
}
