package io.blindtuner.model.packing;

/**
 * A plaintext slot pattern of the {@link SlotLayout}, with a constant folded in: {@code value} at
 * column 0, at row 0, or in the first {@code count} columns of every image's block, 0 elsewhere. A
 * record, so equal masks are equal keys (encoded plaintexts are cached by mask and level).
 *
 * @param kind where the value goes
 * @param count columns for {@link Kind#FIRST_COLUMNS}; 1 otherwise
 * @param value the constant
 */
public record Mask(Kind kind, int count, double value) {

  /** Where a mask's value goes. */
  public enum Kind {
    COLUMN0,
    ROW0,
    FIRST_COLUMNS
  }

  /**
   * @throws IllegalArgumentException if count is not positive or value is not finite
   */
  public Mask {
    if (count <= 0 || !Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "bad mask: " + kind + " count " + count + " value " + value);
    }
  }

  public static Mask column0(double value) {
    return new Mask(Kind.COLUMN0, 1, value);
  }

  public static Mask row0(double value) {
    return new Mask(Kind.ROW0, 1, value);
  }

  public static Mask firstColumns(int count, double value) {
    return new Mask(Kind.FIRST_COLUMNS, count, value);
  }

  /** The slot values on a layout. */
  public double[] values(SlotLayout lay) {
    return switch (kind) {
      case COLUMN0 -> lay.column0(value);
      case ROW0 -> lay.row0(value);
      case FIRST_COLUMNS -> lay.firstColumns(count, value);
    };
  }
}
