package io.blindtuner.model.stage;

import io.blindtuner.model.packing.Mask;
import io.blindtuner.model.packing.ScaleLadder;
import io.blindtuner.model.packing.SlotLayout;

/**
 * The homomorphic primitives the stages are written in, over a ciphertext type {@code C}: products
 * that relinearize and rescale onto the {@link ScaleLadder}, level matching, masks and rotations.
 * Two implementations: {@link HeOps} computes on real ciphertexts with one stage's evaluation keys;
 * {@link DryRunOps} runs the same stage code on {@link SymbolicCiphertext}s (level, scale, size
 * only) and records the levels, rotation steps and products it needs — the training plan is derived
 * from it rather than kept by hand (Lattigo's simulated evaluator, in spirit).
 *
 * @param <C> the ciphertext type
 */
public interface CipherOps<C> {

  /** The level of a ciphertext. */
  int level(C a);

  /**
   * a * b, relinearized and rescaled (one level below the lower operand).
   *
   * @throws io.blindtuner.he.ckks.LevelException if an operand is at level 0
   */
  C mul(C a, C b);

  /**
   * a * mask slot-wise, rescaled: one level.
   *
   * @throws io.blindtuner.he.ckks.LevelException if a is at level 0
   */
  C mulPlain(C a, SlotLayout lay, Mask mask);

  /**
   * a * c in every slot, rescaled: one level.
   *
   * @throws io.blindtuner.he.ckks.LevelException if a is at level 0
   */
  C mulScalar(C a, double c);

  /** a + c in every slot (no level used). */
  C addScalar(C a, double c);

  /** a + mask slot-wise (no level used). */
  C addPlain(C a, SlotLayout lay, Mask mask);

  /** a + b at the lower of their levels. */
  C add(C a, C b);

  /** a - b at the lower of their levels. */
  C sub(C a, C b);

  /**
   * a brought down to {@code level} on the ladder; a itself if it is already there.
   *
   * @throws IllegalArgumentException if level is above a's level or negative
   */
  C down(C a, int level);

  /**
   * Left rotation by step (negative: right), with the key of exactly that step.
   *
   * @throws io.blindtuner.he.ckks.MissingGaloisKeyException naming the stage and the step if it has
   *     no such key
   */
  C rotate(C a, int step);

  /**
   * Rotations of a by each step, sharing one key-switch decomposition (hoisting).
   *
   * @throws io.blindtuner.he.ckks.MissingGaloisKeyException naming the stage and the step if one
   *     has no key
   */
  C[] rotateHoisted(C a, int[] steps);

  /**
   * {@code sum_{i < count} rot(a, i * stride)} by doubling (count a power of two): log2(count)
   * rotations. Within a block of count positions the sum is valid at index 0; over the outermost
   * index it is valid everywhere.
   *
   * @throws IllegalArgumentException if count is not a power of two
   */
  default C rotateSum(C a, int stride, int count) {
    checkPowerOfTwo(count);
    C acc = a;
    for (int k = 1; k < count; k <<= 1) {
      acc = add(acc, rotate(acc, k * stride));
    }
    return acc;
  }

  /**
   * Copies index 0 of a dimension (all other indices zero) to indices 0 .. count-1: {@code sum_{i <
   * count} rot(a, -i * stride)}; doubling for a power of two, else count - 1 hoisted rotations of
   * a.
   */
  default C replicate(C a, int stride, int count) {
    if (Integer.bitCount(count) == 1) {
      return rotateSum(a, -stride, count);
    }
    int[] steps = new int[count - 1];
    for (int i = 1; i < count; i++) {
      steps[i - 1] = -i * stride;
    }
    C acc = a;
    for (C r : rotateHoisted(a, steps)) {
      acc = add(acc, r);
    }
    return acc;
  }

  /** The smallest power of two at least n. */
  static int ceilPowerOfTwo(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  private static void checkPowerOfTwo(int count) {
    if (count <= 0 || Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException(
          "rotate-and-sum count must be a power of two, got " + count);
    }
  }
}
