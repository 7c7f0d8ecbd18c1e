package io.blindtuner.vision.data;

import java.util.Arrays;

/**
 * A uint8 array read from a .npy entry, in C (row-major) order.
 *
 * @param name where it came from (file and entry), used in error messages
 * @param shape the dimensions; their product equals {@code data.length}
 * @param data the raw bytes, C order
 */
public record NpyArray(String name, int[] shape, byte[] data) {

  /**
   * @throws IllegalArgumentException if the shape has a negative dimension or does not match the
   *     data length
   */
  public NpyArray {
    shape = shape.clone();
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            name + ": negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          name
              + ": shape "
              + Arrays.toString(shape)
              + " holds "
              + n
              + " elements but data has "
              + data.length);
    }
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Dimension {@code i}. */
  public int dim(int i) {
    return shape[i];
  }

  public String shapeString() {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(shape[i]);
      if (i + 1 < shape.length || shape.length == 1) {
        b.append(shape.length == 1 ? "," : ", ");
      }
    }
    return b.append(')').toString();
  }
}
