package io.blindtuner.model.packing;

import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.data.TokenSet;

/**
 * How a batch and the head's parameters sit in the slots: slot {@code (b, r, s) = b*rows*cols +
 * r*cols + s}, the batch index outermost. One ciphertext holds the whole batch: {@code batch * rows
 * * cols == slots}.
 *
 * <ul>
 *   <li>tokens: (b, t, k) = centred token t of image b, value k (rows = T, cols = d);
 *   <li>token means, pooled z, dz and q: (b, *, k), replicated over rows;
 *   <li>W1: (b, j, k) = W1[j][k]; h, b1 and the activation: (b, j, *), replicated over columns;
 *   <li>W2: (b, j, c) = W2[c][j]; logits, b2, labels and the loss gradient: (b, *, c), replicated
 *       over rows, zero for c >= C.
 * </ul>
 *
 * Every parameter is replicated over the batch, so a batch sum is a cyclic all-sum over the
 * outermost index (log2 B rotations, no mask) that leaves the gradient already replicated like its
 * parameter. Sums over rows or columns are rotate-and-sum within a block, valid at index 0, then a
 * mask and a rotate-and-sum back (replication). Hidden units reuse the token rows ({@code m <= T})
 * and classes reuse the value columns ({@code C <= d}), padded with zeros that stay zero.
 *
 * @param batch B images per ciphertext
 * @param rows R = T (a power of two)
 * @param cols S = d (a power of two)
 */
public record SlotLayout(int batch, int rows, int cols) {

  /**
   * @throws IllegalArgumentException if a size is not a positive power of two
   */
  public SlotLayout {
    for (int v : new int[] {batch, rows, cols}) {
      if (v <= 0 || Integer.bitCount(v) != 1) {
        throw new IllegalArgumentException(
            "slot layout sizes must be powers of two: B=" + batch + " R=" + rows + " S=" + cols);
      }
    }
  }

  /**
   * The layout that fills {@code slots} for a head shape.
   *
   * @throws IllegalArgumentException if T or d is not a power of two, m > T, C > d, or T*d does not
   *     divide slots
   */
  public static SlotLayout forShape(HeadShape s, int slots) {
    if (s.hidden() > s.tokens() || s.classes() > s.dim()) {
      throw new IllegalArgumentException("packing needs hidden <= tokens and classes <= dim: " + s);
    }
    int block = s.tokens() * s.dim();
    if (block > slots || slots % block != 0) {
      throw new IllegalArgumentException("T*d = " + block + " does not divide " + slots + " slots");
    }
    return new SlotLayout(slots / block, s.tokens(), s.dim());
  }

  public int slots() {
    return batch * rows * cols;
  }

  /** Rotation step between neighbouring rows. */
  public int rowStride() {
    return cols;
  }

  /** Rotation step between neighbouring images. */
  public int batchStride() {
    return rows * cols;
  }

  public int index(int b, int r, int s) {
    return (b * rows + r) * cols + s;
  }

  /** A slot vector with {@code f(r, s)} in every image's block. */
  public double[] perBlock(CellFunction f) {
    double[] v = new double[slots()];
    for (int b = 0; b < batch; b++) {
      for (int r = 0; r < rows; r++) {
        for (int s = 0; s < cols; s++) {
          v[index(b, r, s)] = f.apply(r, s);
        }
      }
    }
    return v;
  }

  /** A function of (row, column). */
  @FunctionalInterface
  public interface CellFunction {
    double apply(int r, int s);
  }

  /** {@code value} at column 0 of every row, 0 elsewhere. */
  public double[] column0(double value) {
    return perBlock((r, s) -> s == 0 ? value : 0);
  }

  /** {@code value} at row 0 of every column, 0 elsewhere. */
  public double[] row0(double value) {
    return perBlock((r, s) -> r == 0 ? value : 0);
  }

  /** {@code value} in the first {@code n} columns, 0 elsewhere. */
  public double[] firstColumns(int n, double value) {
    return perBlock((r, s) -> s < n ? value : 0);
  }

  private void checkBatch(int[] index) {
    if (index.length != batch) {
      throw new IllegalArgumentException(
          "a packed batch holds " + batch + " images, got " + index.length);
    }
  }

  /** Centred tokens of the images {@code index}: (b, t, k). */
  public double[] tokens(TokenSet data, int[] index) {
    checkBatch(index);
    double[] v = new double[slots()];
    for (int b = 0; b < batch; b++) {
      double[][] x = data.centred()[index[b]];
      for (int t = 0; t < rows; t++) {
        for (int k = 0; k < cols; k++) {
          v[index(b, t, k)] = x[t][k];
        }
      }
    }
    return v;
  }

  /** Token means, replicated over rows: (b, *, k). */
  public double[] means(TokenSet data, int[] index) {
    checkBatch(index);
    double[] v = new double[slots()];
    for (int b = 0; b < batch; b++) {
      double[] m = data.mean()[index[b]];
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < cols; k++) {
          v[index(b, r, k)] = m[k];
        }
      }
    }
    return v;
  }

  /** One-hot labels divided by the batch size, replicated over rows: (b, *, c). */
  public double[] labels(TokenSet data, int[] index) {
    checkBatch(index);
    double[] v = new double[slots()];
    for (int b = 0; b < batch; b++) {
      int y = data.labels()[index[b]];
      for (int r = 0; r < rows; r++) {
        v[index(b, r, y)] = 1.0 / batch;
      }
    }
    return v;
  }

  /** The five parameter vectors in the order q, W1, b1, W2, b2. */
  public double[][] pack(HeadParameters p) {
    int m = p.b1.length;
    int classes = p.b2.length;
    return new double[][] {
      perBlock((r, s) -> p.q[s]),
      perBlock((r, s) -> r < m ? p.w1[r][s] : 0),
      perBlock((r, s) -> r < m ? p.b1[r] : 0),
      perBlock((r, s) -> r < m && s < classes ? p.w2[s][r] : 0),
      perBlock((r, s) -> s < classes ? p.b2[s] : 0)
    };
  }

  /**
   * Reads parameters back from the five vectors of {@link #pack} (image 0's block; the others are
   * copies).
   *
   * @throws IllegalArgumentException if there are not five vectors of {@code slots()} values
   */
  public HeadParameters unpack(HeadShape shape, double[][] v) {
    if (v.length != 5) {
      throw new IllegalArgumentException("expected 5 parameter vectors, got " + v.length);
    }
    for (double[] x : v) {
      if (x.length < slots()) {
        throw new IllegalArgumentException(
            "parameter vector of " + x.length + " values for " + slots() + " slots");
      }
    }
    HeadParameters p = HeadParameters.zeros(shape);
    for (int k = 0; k < shape.dim(); k++) {
      p.q[k] = v[0][index(0, 0, k)];
    }
    for (int j = 0; j < shape.hidden(); j++) {
      for (int k = 0; k < shape.dim(); k++) {
        p.w1[j][k] = v[1][index(0, j, k)];
      }
      p.b1[j] = v[2][index(0, j, 0)];
      for (int c = 0; c < shape.classes(); c++) {
        p.w2[c][j] = v[3][index(0, j, c)];
      }
    }
    for (int c = 0; c < shape.classes(); c++) {
      p.b2[c] = v[4][index(0, 0, c)];
    }
    return p;
  }
}
