package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.LimbOps;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.Parallelism;
import java.util.ArrayList;
import java.util.List;

/**
 * Homomorphic operations on CKKS ciphertexts, SEAL's semantics. Every {@code op(a, b, out)} writes
 * into {@code out} (which may be one of the inputs; it is re-shaped as needed) and has an {@code
 * opNew(a, b)} form. Metadata (parameter id, level, scale, size) is checked once per operation;
 * errors name the operands.
 *
 * <p>Stateless apart from immutable precomputation: safe to share between threads. Work inside one
 * operation is spread over RNS limbs according to the {@link Parallelism} given at construction.
 */
public final class Evaluator {
  /** Relative tolerance when comparing the scales of operands that are added. */
  public static final double SCALE_TOLERANCE = 1e-9;

  private final CkksParameters params;
  private final CkksKernels kernels;
  private final Parallelism parallelism;
  private final boolean composeRotations;
  private final int n;

  public Evaluator(CkksParameters params) {
    this(params, Parallelism.SERIAL);
  }

  /** An evaluator that composes a rotation without its own key from keyed steps, as SEAL does. */
  public Evaluator(CkksParameters params, Parallelism parallelism) {
    this(params, parallelism, true);
  }

  private Evaluator(CkksParameters params, Parallelism parallelism, boolean composeRotations) {
    this.params = params;
    this.parallelism = parallelism;
    this.composeRotations = composeRotations;
    this.kernels = new CkksKernels(params, parallelism);
    this.n = params.n();
  }

  /**
   * An evaluator whose rotations use only the key of the requested step and never compose other
   * steps: a component that was given the keys for a set of steps cannot silently rotate by any
   * other step.
   */
  public static Evaluator strict(CkksParameters params, Parallelism parallelism) {
    return new Evaluator(params, parallelism, false);
  }

  /** Whether {@link #rotate} composes missing steps from keyed ones (false for {@link #strict}). */
  public boolean composesRotations() {
    return composeRotations;
  }

  public CkksParameters parameters() {
    return params;
  }

  // ---------------------------------------------------------------- checks

  private void checkCt(Ciphertext a, String name, String op) {
    params.check(a.parametersId(), name, op);
  }

  private void checkOut(Ciphertext out, String op) {
    params.check(out.parametersId(), "out", op);
  }

  private void checkSameLevelAndScale(Ciphertext a, Ciphertext b, String op) {
    checkCt(a, "a", op);
    checkCt(b, "b", op);
    if (a.level() != b.level()) {
      throw new LevelException(
          op + ": level mismatch: a at level " + a.level() + ", b at level " + b.level());
    }
    checkScales(a.scale(), b.scale(), "a", "b", op);
  }

  private static void checkScales(double sa, double sb, String na, String nb, String op) {
    if (Math.abs(sa - sb) > SCALE_TOLERANCE * Math.max(Math.abs(sa), Math.abs(sb))) {
      throw new ScaleException(
          op
              + ": scale mismatch: "
              + na
              + " has scale "
              + sa
              + " (2^"
              + log2(sa)
              + "), "
              + nb
              + " has scale "
              + sb
              + " (2^"
              + log2(sb)
              + ")");
    }
  }

  private void checkPlain(Ciphertext a, Plaintext p, String op) {
    checkCt(a, "a", op);
    params.check(p.parametersId(), "plaintext", op);
    if (p.level() < a.level()) {
      throw new LevelException(
          op
              + ": level mismatch: a at level "
              + a.level()
              + ", plaintext at lower level "
              + p.level());
    }
  }

  private void checkProductScale(double scale, int level, String op) {
    if (!(scale > 0)
        || !Double.isFinite(scale)
        || (int) Math.floor(log2(scale)) + 1 >= params.levelBits(level)) {
      throw new ScaleException(
          op
              + ": result scale 2^"
              + log2(scale)
              + " does not fit level "
              + level
              + " (modulus of "
              + params.levelBits(level)
              + " bits)");
    }
  }

  private static void checkSize2(Ciphertext a, String name, String op) {
    if (a.size() != 2) {
      throw new HeException(
          op + ": " + name + " has size " + a.size() + ", expected 2 (relinearize first)");
    }
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private Modulus q(int j) {
    return params.moduli[j];
  }

  // ---------------------------------------------------------------- add / sub / negate

  /**
   * out = a + b.
   *
   * @throws ParameterMismatchException if a, b or out belong to other parameters
   * @throws LevelException if a and b are at different levels
   * @throws ScaleException if the scales differ
   */
  public void add(Ciphertext a, Ciphertext b, Ciphertext out) {
    addSub(a, b, out, false, "add");
  }

  /**
   * Allocating form of {@link #add(Ciphertext, Ciphertext, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #add(Ciphertext, Ciphertext, Ciphertext)} names (its
   *     subtypes name the operand at fault)
   */
  public Ciphertext addNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = new Ciphertext(params);
    add(a, b, out);
    return out;
  }

  /**
   * out = a - b.
   *
   * @throws ParameterMismatchException if a, b or out belong to other parameters
   * @throws LevelException if a and b are at different levels
   * @throws ScaleException if the scales differ
   */
  public void sub(Ciphertext a, Ciphertext b, Ciphertext out) {
    addSub(a, b, out, true, "sub");
  }

  /**
   * Allocating form of {@link #sub(Ciphertext, Ciphertext, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #sub(Ciphertext, Ciphertext, Ciphertext)} names (its
   *     subtypes name the operand at fault)
   */
  public Ciphertext subNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = new Ciphertext(params);
    sub(a, b, out);
    return out;
  }

  private void addSub(Ciphertext a, Ciphertext b, Ciphertext out, boolean subtract, String op) {
    checkSameLevelAndScale(a, b, op);
    checkOut(out, op);
    int level = a.level();
    int sa = a.size();
    int sb = b.size();
    int size = Math.max(sa, sb);
    out.reshape(size, level, a.scale());
    parallelism.forEachRange(
        level + 1,
        n,
        (j, from, to) -> {
          Modulus m = q(j);
          for (int p = 0; p < size; p++) {
            long[] dst = out.poly(p).limb(j);
            if (p < sa && p < sb) {
              if (subtract) {
                LimbOps.sub(a.poly(p).limb(j), b.poly(p).limb(j), dst, m, from, to);
              } else {
                LimbOps.add(a.poly(p).limb(j), b.poly(p).limb(j), dst, m, from, to);
              }
            } else if (p < sa) {
              System.arraycopy(a.poly(p).limb(j), from, dst, from, to - from);
            } else if (subtract) {
              LimbOps.negate(b.poly(p).limb(j), dst, m, from, to);
            } else {
              System.arraycopy(b.poly(p).limb(j), from, dst, from, to - from);
            }
          }
        });
  }

  /**
   * out = -a.
   *
   * @throws ParameterMismatchException if a or out belong to other parameters
   */
  public void negate(Ciphertext a, Ciphertext out) {
    checkCt(a, "a", "negate");
    checkOut(out, "negate");
    int size = a.size();
    out.reshape(size, a.level(), a.scale());
    parallelism.forEachRange(
        a.level() + 1,
        n,
        (j, from, to) -> {
          for (int p = 0; p < size; p++) {
            LimbOps.negate(a.poly(p).limb(j), out.poly(p).limb(j), q(j), from, to);
          }
        });
  }

  /**
   * Allocating form of {@link #negate(Ciphertext, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #negate(Ciphertext, Ciphertext)} names (its subtypes
   *     name the operand at fault)
   */
  public Ciphertext negateNew(Ciphertext a) {
    Ciphertext out = new Ciphertext(params);
    negate(a, out);
    return out;
  }

  /**
   * out = a + p (p's first a.level()+1 limbs are used, so p may be at a higher level).
   *
   * @throws ParameterMismatchException if a, p or out belong to other parameters
   * @throws LevelException if p is at a lower level than a
   * @throws ScaleException if the scales differ
   */
  public void addPlain(Ciphertext a, Plaintext p, Ciphertext out) {
    addSubPlain(a, p, out, false, "addPlain");
  }

  /**
   * Allocating form of {@link #addPlain(Ciphertext, Plaintext, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #addPlain(Ciphertext, Plaintext, Ciphertext)} names
   *     (its subtypes name the operand at fault)
   */
  public Ciphertext addPlainNew(Ciphertext a, Plaintext p) {
    Ciphertext out = new Ciphertext(params);
    addPlain(a, p, out);
    return out;
  }

  /**
   * out = a - p.
   *
   * @throws ParameterMismatchException if a, p or out belong to other parameters
   * @throws LevelException if p is at a lower level than a
   * @throws ScaleException if the scales differ
   */
  public void subPlain(Ciphertext a, Plaintext p, Ciphertext out) {
    addSubPlain(a, p, out, true, "subPlain");
  }

  /**
   * Allocating form of {@link #subPlain(Ciphertext, Plaintext, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #subPlain(Ciphertext, Plaintext, Ciphertext)} names
   *     (its subtypes name the operand at fault)
   */
  public Ciphertext subPlainNew(Ciphertext a, Plaintext p) {
    Ciphertext out = new Ciphertext(params);
    subPlain(a, p, out);
    return out;
  }

  private void addSubPlain(Ciphertext a, Plaintext p, Ciphertext out, boolean subtract, String op) {
    checkPlain(a, p, op);
    checkOut(out, op);
    checkScales(a.scale(), p.scale(), "a", "plaintext", op);
    int size = a.size();
    out.reshape(size, a.level(), a.scale());
    parallelism.forEachRange(
        a.level() + 1,
        n,
        (j, from, to) -> {
          Modulus m = q(j);
          if (subtract) {
            LimbOps.sub(a.poly(0).limb(j), p.poly().limb(j), out.poly(0).limb(j), m, from, to);
          } else {
            LimbOps.add(a.poly(0).limb(j), p.poly().limb(j), out.poly(0).limb(j), m, from, to);
          }
          for (int k = 1; k < size; k++) {
            if (out != a) {
              System.arraycopy(a.poly(k).limb(j), from, out.poly(k).limb(j), from, to - from);
            }
          }
        });
  }

  /**
   * out = a + c in every slot (c encoded at a's scale, rounded).
   *
   * @throws ParameterMismatchException if a or out belong to other parameters
   * @throws HeException if c is not finite or c*scale does not fit the level
   */
  public void addScalar(Ciphertext a, double c, Ciphertext out) {
    checkCt(a, "a", "addScalar");
    checkOut(out, "addScalar");
    double v = Math.rint(c * a.scale());
    if (!Double.isFinite(v) || (v != 0 && Math.getExponent(v) + 1 >= params.levelBits(a.level()))) {
      throw new HeException(
          "addScalar: c = " + c + " times the scale of a does not fit level " + a.level());
    }
    int size = a.size();
    out.reshape(size, a.level(), a.scale());
    parallelism.forEachRange(
        a.level() + 1,
        n,
        (j, from, to) -> {
          LimbOps.addScalar(
              a.poly(0).limb(j), CkksEncoder.residue(v, q(j)), out.poly(0).limb(j), q(j), from, to);
          for (int k = 1; k < size; k++) {
            if (out != a) {
              System.arraycopy(a.poly(k).limb(j), from, out.poly(k).limb(j), from, to - from);
            }
          }
        });
  }

  /**
   * Allocating form of {@link #addScalar(Ciphertext, double, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #addScalar(Ciphertext, double, Ciphertext)} names (its
   *     subtypes name the operand at fault)
   */
  public Ciphertext addScalarNew(Ciphertext a, double c) {
    Ciphertext out = new Ciphertext(params);
    addScalar(a, c, out);
    return out;
  }

  // ---------------------------------------------------------------- multiplications

  /**
   * out = a * p (slot-wise), scale = a.scale * p.scale.
   *
   * @throws ParameterMismatchException if a, p or out belong to other parameters
   * @throws LevelException if p is at a lower level than a
   * @throws ScaleException if the product scale does not fit the level
   */
  public void multiplyPlain(Ciphertext a, Plaintext p, Ciphertext out) {
    checkPlain(a, p, "multiplyPlain");
    checkOut(out, "multiplyPlain");
    double scale = a.scale() * p.scale();
    checkProductScale(scale, a.level(), "multiplyPlain");
    int size = a.size();
    out.reshape(size, a.level(), scale);
    parallelism.forEachRange(
        a.level() + 1,
        n,
        (j, from, to) -> {
          long[] pj = p.poly().limb(j);
          for (int k = 0; k < size; k++) {
            LimbOps.mul(a.poly(k).limb(j), pj, out.poly(k).limb(j), q(j), from, to);
          }
        });
  }

  /**
   * Allocating form of {@link #multiplyPlain(Ciphertext, Plaintext, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #multiplyPlain(Ciphertext, Plaintext, Ciphertext)}
   *     names (its subtypes name the operand at fault)
   */
  public Ciphertext multiplyPlainNew(Ciphertext a, Plaintext p) {
    Ciphertext out = new Ciphertext(params);
    multiplyPlain(a, p, out);
    return out;
  }

  /**
   * out = a * c in every slot, with c encoded as round(c * scalarScale); the result scale is
   * a.scale * scalarScale (use a prime-sized scalarScale and rescale afterwards, or 1 for
   * integers).
   *
   * @throws ParameterMismatchException if a or out belong to other parameters
   * @throws HeException if c is not finite or c*scalarScale does not fit the level
   * @throws ScaleException if the product scale does not fit the level
   */
  public void multiplyScalar(Ciphertext a, double c, double scalarScale, Ciphertext out) {
    checkCt(a, "a", "multiplyScalar");
    checkOut(out, "multiplyScalar");
    double v = Math.rint(c * scalarScale);
    if (!Double.isFinite(v) || (v != 0 && Math.getExponent(v) + 1 >= params.levelBits(a.level()))) {
      throw new HeException(
          "multiplyScalar: c = "
              + c
              + " times scalarScale "
              + scalarScale
              + " does not fit level "
              + a.level());
    }
    double scale = a.scale() * scalarScale;
    checkProductScale(scale, a.level(), "multiplyScalar");
    int size = a.size();
    out.reshape(size, a.level(), scale);
    parallelism.forEachRange(
        a.level() + 1,
        n,
        (j, from, to) -> {
          long w = CkksEncoder.residue(v, q(j));
          long ws = q(j).shoup(w);
          for (int k = 0; k < size; k++) {
            LimbOps.mulScalar(a.poly(k).limb(j), w, ws, out.poly(k).limb(j), q(j), from, to);
          }
        });
  }

  /**
   * Allocating form of {@link #multiplyScalar(Ciphertext, double, double, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #multiplyScalar(Ciphertext, double, double,
   *     Ciphertext)} names (its subtypes name the operand at fault)
   */
  public Ciphertext multiplyScalarNew(Ciphertext a, double c, double scalarScale) {
    Ciphertext out = new Ciphertext(params);
    multiplyScalar(a, c, scalarScale, out);
    return out;
  }

  /**
   * out = a * b, a size-3 ciphertext (a0b0, a0b1 + a1b0, a1b1) with scale a.scale * b.scale.
   *
   * @throws ParameterMismatchException if a, b or out belong to other parameters
   * @throws LevelException if a and b are at different levels
   * @throws HeException if a or b is not of size 2
   * @throws ScaleException if the product scale does not fit the level
   */
  public void multiply(Ciphertext a, Ciphertext b, Ciphertext out) {
    checkCt(a, "a", "multiply");
    checkCt(b, "b", "multiply");
    checkOut(out, "multiply");
    if (a.level() != b.level()) {
      throw new LevelException(
          "multiply: level mismatch: a at level " + a.level() + ", b at level " + b.level());
    }
    checkSize2(a, "a", "multiply");
    checkSize2(b, "b", "multiply");
    double scale = a.scale() * b.scale();
    checkProductScale(scale, a.level(), "multiply");
    out.reshape(3, a.level(), scale);
    parallelism.forEachRange(
        a.level() + 1,
        n,
        (j, from, to) -> {
          Modulus m = q(j);
          long[] a0 = a.poly(0).limb(j);
          long[] a1 = a.poly(1).limb(j);
          long[] b0 = b.poly(0).limb(j);
          long[] b1 = b.poly(1).limb(j);
          long[] o0 = out.poly(0).limb(j);
          long[] o1 = out.poly(1).limb(j);
          long[] o2 = out.poly(2).limb(j);
          if (LimbOps.vectorized(m) && o0 != a0 && o0 != b0 && o1 != a1 && o1 != b1) {
            // On vectors each product is reduced on its own, one pass each (so out must not be an
            // input); the
            // scalar loop below sums the cross terms in 128 bits.
            LimbOps.mul(a0, b0, o0, m, from, to);
            LimbOps.mul(a0, b1, o1, m, from, to);
            LimbOps.mulAdd(a1, b0, o1, m, from, to);
            LimbOps.mul(a1, b1, o2, m, from, to);
            return;
          }
          for (int x = from; x < to; x++) {
            long x0 = a0[x];
            long x1 = a1[x];
            long y0 = b0[x];
            long y1 = b1[x];
            long lo1 = x0 * y1;
            long lo2 = x1 * y0;
            long lo = lo1 + lo2;
            long hi =
                Math.multiplyHigh(x0, y1)
                    + Math.multiplyHigh(x1, y0)
                    + (Long.compareUnsigned(lo, lo1) < 0 ? 1 : 0);
            o0[x] = m.reduceProduct(Math.multiplyHigh(x0, y0), x0 * y0);
            o1[x] = m.reduceProduct(hi, lo);
            o2[x] = m.reduceProduct(Math.multiplyHigh(x1, y1), x1 * y1);
          }
        });
  }

  /**
   * Allocating form of {@link #multiply(Ciphertext, Ciphertext, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #multiply(Ciphertext, Ciphertext, Ciphertext)} names
   *     (its subtypes name the operand at fault)
   */
  public Ciphertext multiplyNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = new Ciphertext(params);
    multiply(a, b, out);
    return out;
  }

  /**
   * out = a * a (size 3).
   *
   * @throws ParameterMismatchException if a or out belong to other parameters
   * @throws HeException if a is not of size 2
   * @throws ScaleException if the squared scale does not fit the level
   */
  public void square(Ciphertext a, Ciphertext out) {
    checkCt(a, "a", "square");
    checkOut(out, "square");
    checkSize2(a, "a", "square");
    double scale = a.scale() * a.scale();
    checkProductScale(scale, a.level(), "square");
    out.reshape(3, a.level(), scale);
    parallelism.forEachRange(
        a.level() + 1,
        n,
        (j, from, to) -> {
          Modulus m = q(j);
          long[] a0 = a.poly(0).limb(j);
          long[] a1 = a.poly(1).limb(j);
          long[] o0 = out.poly(0).limb(j);
          long[] o1 = out.poly(1).limb(j);
          long[] o2 = out.poly(2).limb(j);
          if (LimbOps.vectorized(m) && o0 != a0 && o1 != a1) {
            // As in multiply: one pass per product on vectors, out apart from a.
            LimbOps.mul(a0, a0, o0, m, from, to);
            LimbOps.mul(a0, a1, o1, m, from, to);
            LimbOps.mulAdd(a0, a1, o1, m, from, to);
            LimbOps.mul(a1, a1, o2, m, from, to);
            return;
          }
          for (int x = from; x < to; x++) {
            long x0 = a0[x];
            long x1 = a1[x];
            long c = m.reduceProduct(Math.multiplyHigh(x0, x1), x0 * x1);
            o0[x] = m.reduceProduct(Math.multiplyHigh(x0, x0), x0 * x0);
            o1[x] = m.add(c, c);
            o2[x] = m.reduceProduct(Math.multiplyHigh(x1, x1), x1 * x1);
          }
        });
  }

  /**
   * Allocating form of {@link #square(Ciphertext, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #square(Ciphertext, Ciphertext)} names (its subtypes
   *     name the operand at fault)
   */
  public Ciphertext squareNew(Ciphertext a) {
    Ciphertext out = new Ciphertext(params);
    square(a, out);
    return out;
  }

  /**
   * Relinearizes a size-3 ciphertext to size 2: (c0 + ks0(c2), c1 + ks1(c2)) with the key for s^2.
   * A size-2 input is copied.
   *
   * @throws ParameterMismatchException if a, the keys or out belong to other parameters
   * @throws HeException if the keys are in another key-switching layout than these parameters
   */
  public void relinearize(Ciphertext a, RelinKeys keys, Ciphertext out) {
    checkCt(a, "a", "relinearize");
    checkOut(out, "relinearize");
    keys.key().checkUsableWith(params, "relinearization keys", "relinearize");
    int level = a.level();
    if (a.size() == 2) {
      copyInto(a, out);
      return;
    }
    long[][] c2 = a.poly(2).limbs();
    if (out != a) {
      out.reshape(2, level, a.scale());
      for (int p = 0; p < 2; p++) {
        for (int j = 0; j <= level; j++) {
          System.arraycopy(a.poly(p).limb(j), 0, out.poly(p).limb(j), 0, n);
        }
      }
    } else {
      out.reshape(2, level, a.scale());
    }
    kernels.keySwitch(c2, level, keys.key(), out.poly(0).limbs(), out.poly(1).limbs(), true);
  }

  /**
   * Allocating form of {@link #relinearize(Ciphertext, RelinKeys, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #relinearize(Ciphertext, RelinKeys, Ciphertext)} names
   *     (its subtypes name the operand at fault)
   */
  public Ciphertext relinearizeNew(Ciphertext a, RelinKeys keys) {
    Ciphertext out = new Ciphertext(params);
    relinearize(a, keys, out);
    return out;
  }

  /**
   * Relinearizes a size-3 ciphertext and rescales it in one rounding division by P*q_level (cheaper
   * than {@link #relinearize} then {@link #rescale}, same result up to rounding): size 2, level -
   * 1, scale / q_level.
   *
   * @throws ParameterMismatchException if a, the keys or out belong to other parameters
   * @throws HeException if a is not of size 3 or the keys are in another key-switching layout
   * @throws LevelException if a is at level 0
   */
  public void relinearizeRescale(Ciphertext a, RelinKeys keys, Ciphertext out) {
    checkCt(a, "a", "relinearizeRescale");
    checkOut(out, "relinearizeRescale");
    keys.key().checkUsableWith(params, "relinearization keys", "relinearizeRescale");
    if (a.size() != 3) {
      throw new HeException("relinearizeRescale: a has size " + a.size() + ", expected 3");
    }
    int level = a.level();
    if (level == 0) {
      throw new LevelException("relinearizeRescale: a is at level 0; no prime left to divide by");
    }
    double scale = a.scale() / params.prime(level);
    long[][] c0 = a.poly(0).limbs();
    long[][] c1 = a.poly(1).limbs();
    long[][] c2 = a.poly(2).limbs();
    out.reshape(2, level, scale);
    kernels.relinearizeRescale(
        c0, c1, c2, level, keys.key(), out.poly(0).limbs(), out.poly(1).limbs());
    out.reshape(2, level - 1, scale);
  }

  /**
   * Allocating form of {@link #relinearizeRescale(Ciphertext, RelinKeys, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #relinearizeRescale(Ciphertext, RelinKeys, Ciphertext)}
   *     names (its subtypes name the operand at fault)
   */
  public Ciphertext relinearizeRescaleNew(Ciphertext a, RelinKeys keys) {
    Ciphertext out = new Ciphertext(params);
    relinearizeRescale(a, keys, out);
    return out;
  }

  /**
   * out = rescale(relinearize(a * b)) with the fused {@link #relinearizeRescale}: level - 1, scale
   * a.scale * b.scale / q_level.
   *
   * @throws ParameterMismatchException if a, b, the keys or out belong to other parameters
   * @throws LevelException if a and b are at different levels or at level 0
   * @throws HeException if a or b is not of size 2 or the keys are in another key-switching layout
   * @throws ScaleException if the product scale does not fit the level
   */
  public void multiplyRelinRescale(Ciphertext a, Ciphertext b, RelinKeys keys, Ciphertext out) {
    checkCt(a, "a", "multiplyRelinRescale");
    Ciphertext product = new Ciphertext(params, 3, a.level(), 1.0);
    multiply(a, b, product);
    relinearizeRescale(product, keys, out);
  }

  /**
   * Allocating form of {@link #multiplyRelinRescale(Ciphertext, Ciphertext, RelinKeys,
   * Ciphertext)}.
   *
   * @throws HeException in the cases {@link #multiplyRelinRescale(Ciphertext, Ciphertext,
   *     RelinKeys, Ciphertext)} names (its subtypes name the operand at fault)
   */
  public Ciphertext multiplyRelinRescaleNew(Ciphertext a, Ciphertext b, RelinKeys keys) {
    Ciphertext out = new Ciphertext(params);
    multiplyRelinRescale(a, b, keys, out);
    return out;
  }

  private void copyInto(Ciphertext a, Ciphertext out) {
    if (out == a) {
      return;
    }
    out.reshape(a.size(), a.level(), a.scale());
    for (int p = 0; p < a.size(); p++) {
      for (int j = 0; j <= a.level(); j++) {
        System.arraycopy(a.poly(p).limb(j), 0, out.poly(p).limb(j), 0, n);
      }
    }
  }

  // ---------------------------------------------------------------- levels

  /**
   * Divides by the last prime of a's level with rounding (SEAL's rescale_to_next): level - 1, scale
   * / q_level.
   *
   * @throws ParameterMismatchException if a or out belong to other parameters
   * @throws LevelException if a is at level 0
   */
  public void rescale(Ciphertext a, Ciphertext out) {
    checkCt(a, "a", "rescale");
    checkOut(out, "rescale");
    int level = a.level();
    if (level == 0) {
      throw new LevelException("rescale: a is at level 0; no prime left to divide by");
    }
    double scale = a.scale() / params.prime(level);
    copyInto(a, out);
    long[][][] polys = new long[out.size()][][];
    for (int p = 0; p < polys.length; p++) {
      polys[p] = out.poly(p).limbs();
    }
    kernels.divideRoundByLast(polys, level + 1);
    out.reshape(out.size(), level - 1, scale);
  }

  /**
   * Allocating form of {@link #rescale(Ciphertext, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #rescale(Ciphertext, Ciphertext)} names (its subtypes
   *     name the operand at fault)
   */
  public Ciphertext rescaleNew(Ciphertext a) {
    Ciphertext out = new Ciphertext(params);
    rescale(a, out);
    return out;
  }

  /**
   * Drops primes down to {@code level} without changing the scale (SEAL's mod_switch_to).
   *
   * @throws ParameterMismatchException if a or out belong to other parameters
   * @throws LevelException if level is above a's level or negative
   */
  public void modSwitchTo(Ciphertext a, int level, Ciphertext out) {
    checkCt(a, "a", "modSwitchTo");
    checkOut(out, "modSwitchTo");
    if (level < 0 || level > a.level()) {
      throw new LevelException(
          "modSwitchTo: cannot switch a from level " + a.level() + " to level " + level);
    }
    copyInto(a, out);
    out.reshape(a.size(), level, a.scale());
  }

  /**
   * Allocating form of {@link #modSwitchTo(Ciphertext, int, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #modSwitchTo(Ciphertext, int, Ciphertext)} names (its
   *     subtypes name the operand at fault)
   */
  public Ciphertext modSwitchToNew(Ciphertext a, int level) {
    Ciphertext out = new Ciphertext(params);
    modSwitchTo(a, level, out);
    return out;
  }

  /**
   * Drops one prime (level - 1), scale unchanged.
   *
   * @throws ParameterMismatchException if a or out belong to other parameters
   * @throws LevelException if a is at level 0
   */
  public void modSwitchToNext(Ciphertext a, Ciphertext out) {
    if (a.level() == 0) {
      throw new LevelException("modSwitchToNext: a is at level 0");
    }
    modSwitchTo(a, a.level() - 1, out);
  }

  /**
   * Drops primes of a plaintext down to {@code level}.
   *
   * @throws ParameterMismatchException if p belongs to other parameters
   * @throws LevelException if level is above p's level or negative
   */
  public Plaintext modSwitchToNew(Plaintext p, int level) {
    params.check(p.parametersId(), "plaintext", "modSwitchTo");
    if (level < 0 || level > p.level()) {
      throw new LevelException(
          "modSwitchTo: cannot switch plaintext from level " + p.level() + " to level " + level);
    }
    Plaintext out = new Plaintext(params, level, p.scale());
    for (int j = 0; j <= level; j++) {
      System.arraycopy(p.poly().limb(j), 0, out.poly().limb(j), 0, n);
    }
    return out;
  }

  /**
   * Brings a and b to the lower of their two levels (in place, by dropping primes).
   *
   * @throws ParameterMismatchException if a or b belong to other parameters
   */
  public void matchLevels(Ciphertext a, Ciphertext b) {
    checkCt(a, "a", "matchLevels");
    checkCt(b, "b", "matchLevels");
    int level = Math.min(a.level(), b.level());
    modSwitchTo(a, level, a);
    modSwitchTo(b, level, b);
  }

  // ---------------------------------------------------------------- rotations

  /**
   * Rotates the slots left by {@code step} (negative: right), SEAL's rotate_vector. Uses the key
   * for 3^step mod 2N if present, otherwise (unless the evaluator is {@link #strict}) composes
   * keyed steps along the NAF of step (as SEAL does).
   *
   * @throws ParameterMismatchException if a, keys or out belong to other parameters
   * @throws HeException if a is not of size 2 or the keys are in another key-switching layout
   * @throws MissingGaloisKeyException if the step has no key and the evaluator is strict, or
   *     neither the step nor every term of its NAF has a key
   */
  public void rotate(Ciphertext a, int step, GaloisKeys keys, Ciphertext out) {
    checkCt(a, "a", "rotate");
    checkOut(out, "rotate");
    keys.checkUsableWith(params, "rotate");
    checkSize2(a, "a", "rotate");
    int slots = params.slots();
    int s = Math.abs(step) < slots ? step : Math.floorMod(step, slots);
    if (s == 0) {
      copyInto(a, out);
      return;
    }
    int elt = params.galoisElement(s);
    if (keys.has(elt)) {
      applyGalois(a, elt, keys.get(elt), out);
      return;
    }
    if (!composeRotations) {
      throw new MissingGaloisKeyException(
          "rotate: no Galois key for step "
              + step
              + " (Galois element "
              + elt
              + "); this evaluator is strict and does not compose rotations from other steps");
    }
    List<Integer> terms = new ArrayList<>();
    for (int t : naf(s)) {
      if (Math.abs(t) != slots) {
        terms.add(t);
      }
    }
    for (int t : terms) {
      int g = params.galoisElement(t);
      if (terms.size() == 1 || !keys.has(g)) {
        throw new MissingGaloisKeyException(
            "rotate: no Galois key for step "
                + step
                + " (Galois element "
                + elt
                + ") and its NAF decomposition "
                + terms
                + " needs step "
                + t
                + " (Galois element "
                + g
                + ") which is missing too");
      }
    }
    Ciphertext src = a;
    for (int t : terms) {
      applyGalois(src, params.galoisElement(t), keys.get(params.galoisElement(t)), out);
      src = out;
    }
  }

  /**
   * Allocating form of {@link #rotate(Ciphertext, int, GaloisKeys, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #rotate(Ciphertext, int, GaloisKeys, Ciphertext)} names
   *     (its subtypes name the operand at fault)
   */
  public Ciphertext rotateNew(Ciphertext a, int step, GaloisKeys keys) {
    Ciphertext out = new Ciphertext(params);
    rotate(a, step, keys, out);
    return out;
  }

  /**
   * Complex conjugation of every slot (Galois element 2N - 1).
   *
   * @throws ParameterMismatchException if a, keys or out belong to other parameters
   * @throws HeException if a is not of size 2 or the keys are in another key-switching layout
   * @throws MissingGaloisKeyException if there is no conjugation key
   */
  public void conjugate(Ciphertext a, GaloisKeys keys, Ciphertext out) {
    checkCt(a, "a", "conjugate");
    checkOut(out, "conjugate");
    keys.checkUsableWith(params, "conjugate");
    checkSize2(a, "a", "conjugate");
    int elt = params.conjugationElement();
    if (!keys.has(elt)) {
      throw new MissingGaloisKeyException(
          "conjugate: no Galois key for conjugation (Galois element " + elt + ")");
    }
    applyGalois(a, elt, keys.get(elt), out);
  }

  /**
   * Allocating form of {@link #conjugate(Ciphertext, GaloisKeys, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #conjugate(Ciphertext, GaloisKeys, Ciphertext)} names
   *     (its subtypes name the operand at fault)
   */
  public Ciphertext conjugateNew(Ciphertext a, GaloisKeys keys) {
    Ciphertext out = new Ciphertext(params);
    conjugate(a, keys, out);
    return out;
  }

  /**
   * Several rotations of one ciphertext sharing one decomposition of c1 (hoisting): about one
   * key-switch decomposition in total instead of one per step. Every step needs its own key (no NAF
   * composition).
   *
   * @return result[i] = a rotated by steps[i]
   * @throws ParameterMismatchException if a or keys belong to other parameters
   * @throws HeException if a is not of size 2 or the keys are in another key-switching layout
   * @throws MissingGaloisKeyException if a step has no key
   */
  public Ciphertext[] rotateHoisted(Ciphertext a, int[] steps, GaloisKeys keys) {
    checkCt(a, "a", "rotateHoisted");
    keys.checkUsableWith(params, "rotateHoisted");
    checkSize2(a, "a", "rotateHoisted");
    int[] elts = new int[steps.length];
    for (int i = 0; i < steps.length; i++) {
      elts[i] = params.galoisElement(steps[i]);
      if (elts[i] != 1 && !keys.has(elts[i])) {
        throw new MissingGaloisKeyException(
            "rotateHoisted: no Galois key for step "
                + steps[i]
                + " (Galois element "
                + elts[i]
                + "); hoisted rotations need a direct key per step");
      }
    }
    int level = a.level();
    long[][][] ext = kernels.decompose(a.poly(1).limbs(), level);
    Ciphertext[] result = new Ciphertext[steps.length];
    for (int i = 0; i < steps.length; i++) {
      Ciphertext out = new Ciphertext(params, 2, level, a.scale());
      if (elts[i] == 1) {
        copyInto(a, out);
      } else {
        permuteC0AndSwitch(a, ext, elts[i], keys.get(elts[i]), out);
      }
      result[i] = out;
    }
    return result;
  }

  /**
   * Sum over windows of {@code count} consecutive slots (cyclically): slot i of out = a[i] + ... +
   * a[i+count-1]. With count = slots every slot holds the total. Uses rotations by 1, 2, 4, ...,
   * count/2.
   *
   * @throws ParameterMismatchException if a, keys or out belong to other parameters
   * @throws HeException if count is not a power of two in [1, slots], a is not of size 2 or the
   *     keys are in another key-switching layout
   * @throws MissingGaloisKeyException if a power-of-two rotation key is missing
   */
  public void sumSlots(Ciphertext a, int count, GaloisKeys keys, Ciphertext out) {
    checkCt(a, "a", "sumSlots");
    checkOut(out, "sumSlots");
    if (count < 1 || count > params.slots() || Integer.bitCount(count) != 1) {
      throw new HeException(
          "sumSlots: count must be a power of two in [1, " + params.slots() + "], got " + count);
    }
    checkSize2(a, "a", "sumSlots");
    Ciphertext acc = a.copy();
    Ciphertext tmp = new Ciphertext(params, 2, a.level(), a.scale());
    for (int k = 1; k < count; k <<= 1) {
      rotate(acc, k, keys, tmp);
      add(acc, tmp, acc);
    }
    copyInto(acc, out);
  }

  /**
   * Allocating form of {@link #sumSlots(Ciphertext, int, GaloisKeys, Ciphertext)}.
   *
   * @throws HeException in the cases {@link #sumSlots(Ciphertext, int, GaloisKeys, Ciphertext)}
   *     names (its subtypes name the operand at fault)
   */
  public Ciphertext sumSlotsNew(Ciphertext a, int count, GaloisKeys keys) {
    Ciphertext out = new Ciphertext(params);
    sumSlots(a, count, keys, out);
    return out;
  }

  /** SEAL's apply_galois: permute c0 and c1 in NTT form, then key-switch the permuted c1. */
  private void applyGalois(Ciphertext a, int elt, KeySwitchKey key, Ciphertext out) {
    int level = a.level();
    int[] perm = params.galoisTable(elt);
    long[][] c0 = a.poly(0).limbs();
    long[][] c1 = a.poly(1).limbs();
    out.reshape(2, level, a.scale());
    kernels.applyGalois(c0, c1, level, perm, key, out.poly(0).limbs(), out.poly(1).limbs());
  }

  /** out = (perm(c0) + ks0(perm(c1)), ks1(perm(c1))) given the decomposition of c1. */
  private void permuteC0AndSwitch(
      Ciphertext a, long[][][] ext, int elt, KeySwitchKey key, Ciphertext out) {
    int level = a.level();
    int[] perm = params.galoisTable(elt);
    out.reshape(2, level, a.scale());
    parallelism.forEachRange(
        level + 1,
        n,
        (j, from, to) -> {
          long[] src = a.poly(0).limb(j);
          long[] dst = out.poly(0).limb(j);
          for (int x = from; x < to; x++) {
            dst[x] = src[perm[x]];
          }
        });
    kernels.keySwitch(ext, level, key, perm, out.poly(0).limbs(), out.poly(1).limbs(), false);
  }

  /** SEAL's util::naf: non-adjacent form of value as signed powers of two. */
  static List<Integer> naf(int value) {
    List<Integer> res = new ArrayList<>();
    boolean negative = value < 0;
    int v = Math.abs(value);
    for (int i = 0; v != 0; i++) {
      int zi = (v & 1) != 0 ? 2 - (v & 3) : 0;
      v = (v - zi) >> 1;
      if (zi != 0) {
        res.add((negative ? -zi : zi) * (1 << i));
      }
    }
    return res;
  }
}
