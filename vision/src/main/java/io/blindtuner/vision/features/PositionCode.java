package io.blindtuner.vision.features;

/**
 * A fixed, learning-free code of each token's place on its square pooling grid, appended to the
 * token's values. Attention pooling averages tokens, so without it the head cannot tell where in
 * the image a token's content was; with it the attention score {@code q . x_t} gains a learned
 * per-place term, and the pooled vector carries where the attention went.
 *
 * <p>Two values are the token's row and column as ramps over [-1, 1] (top/left -1); four add their
 * absolute values, so that a linear score can prefer the centre over the border.
 */
public final class PositionCode {
  private PositionCode() {}

  /**
   * @throws IllegalArgumentException naming the value if it is not 0, 2 or 4
   */
  public static void check(int values) {
    if (values != 0 && values != 2 && values != 4) {
      throw new IllegalArgumentException("position code values must be 0, 2 or 4, got " + values);
    }
  }

  /**
   * The tokens with {@code values} position values appended after their own.
   *
   * @throws IllegalArgumentException if {@code values} is not 0, 2 or 4, or the tokens are not a
   *     square grid
   */
  public static FeatureSet append(FeatureSet f, int values) {
    check(values);
    if (values == 0) {
      return f;
    }
    int side = (int) Math.round(Math.sqrt(f.tokens()));
    if (side * side != f.tokens()) {
      throw new IllegalArgumentException(
          f.split() + ": " + f.tokens() + " tokens are not a square grid to code positions on");
    }
    int d = f.dim() + values;
    float[] out = new float[f.n() * f.tokens() * d];
    for (int i = 0; i < f.n(); i++) {
      for (int t = 0; t < f.tokens(); t++) {
        int at = (i * f.tokens() + t) * d;
        System.arraycopy(f.values(), (i * f.tokens() + t) * f.dim(), out, at, f.dim());
        float row = ramp(t / side, side);
        float col = ramp(t % side, side);
        out[at + f.dim()] = row;
        out[at + f.dim() + 1] = col;
        if (values == 4) {
          out[at + f.dim() + 2] = Math.abs(row);
          out[at + f.dim() + 3] = Math.abs(col);
        }
      }
    }
    return new FeatureSet(f.split(), f.n(), f.tokens(), d, out, f.labels());
  }

  private static float ramp(int k, int side) {
    return side == 1 ? 0 : 2f * k / (side - 1) - 1;
  }
}
