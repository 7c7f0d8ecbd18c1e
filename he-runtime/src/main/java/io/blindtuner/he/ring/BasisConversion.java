package io.blindtuner.he.ring;

import java.math.BigInteger;

/**
 * Fast RNS basis conversion (the ModUp and ModDown of hybrid key switching): from the residues of x
 * modulo the primes q_s of a source set S, with Q_S their product, to x' = sum_s y_s * (Q_S/q_s)
 * modulo any other prime, where y_s = [x_s * (Q_S/q_s)^-1]_(q_s) taken centered in (-q_s/2, q_s/2].
 * Then x' = x + u*Q_S with x centered and |u| &le; |S|/2: no big integers and no exact rounding, at
 * the price of a small multiple of Q_S, which key switching either keeps (ModUp: it weighs the
 * key's noise like the digit itself) or divides away (ModDown: a rounding error of at most |S|/2).
 * Centering keeps u's mean at zero, so its noise does not pile up near slot 0. Immutable.
 */
public final class BasisConversion {
  private final Modulus[] moduli;
  private final int[] source;

  /** (Q_S/q_s)^-1 mod q_s, with Shoup constants. */
  private final long[] hatInv;

  private final long[] hatInvShoup;

  /** hat[t][s] = (Q_S/q_s) mod moduli[t], with Shoup constants. */
  private final long[][] hat;

  private final long[][] hatShoup;

  /**
   * shift[t][s] = moduli[t] - (q_s mod moduli[t]): adding it to y_s stands for y_s - q_s mod
   * moduli[t].
   */
  private final long[][] shift;

  /** Q_S^-1 mod moduli[t] (0 for a source prime), with Shoup constants. */
  private final long[] productInv;

  private final long[] productInvShoup;

  /**
   * convert on vectors per target (null where it runs scalar: targets of 50 bits and more, no
   * Vector API).
   */
  private final VectorConversion[] vector;

  /**
   * @param moduli all primes the conversion may target
   * @param source indices into {@code moduli} of the source primes, distinct
   * @throws IllegalArgumentException if source is empty or an index is out of range
   */
  public BasisConversion(Modulus[] moduli, int[] source) {
    if (source.length == 0) {
      throw new IllegalArgumentException("basis conversion needs at least one source prime");
    }
    this.moduli = moduli.clone();
    this.source = source.clone();
    BigInteger product = BigInteger.ONE;
    for (int s : source) {
      if (s < 0 || s >= moduli.length) {
        throw new IllegalArgumentException(
            "source prime index " + s + " is not in [0, " + moduli.length + ")");
      }
      product = product.multiply(BigInteger.valueOf(moduli[s].value()));
    }
    int count = source.length;
    hatInv = new long[count];
    hatInvShoup = new long[count];
    hat = new long[moduli.length][count];
    hatShoup = new long[moduli.length][count];
    shift = new long[moduli.length][count];
    productInv = new long[moduli.length];
    productInvShoup = new long[moduli.length];
    for (int s = 0; s < count; s++) {
      Modulus qs = moduli[source[s]];
      BigInteger h = product.divide(BigInteger.valueOf(qs.value()));
      hatInv[s] = qs.inverse(h.mod(BigInteger.valueOf(qs.value())).longValue());
      hatInvShoup[s] = qs.shoup(hatInv[s]);
      for (int t = 0; t < moduli.length; t++) {
        Modulus m = moduli[t];
        hat[t][s] = h.mod(BigInteger.valueOf(m.value())).longValue();
        hatShoup[t][s] = m.shoup(hat[t][s]);
        shift[t][s] = m.value() - m.reduce(qs.value());
      }
    }
    for (int t = 0; t < moduli.length; t++) {
      BigInteger m = BigInteger.valueOf(moduli[t].value());
      if (product.mod(m).signum() != 0) {
        productInv[t] = product.modInverse(m).longValue();
        productInvShoup[t] = moduli[t].shoup(productInv[t]);
      }
    }
    vector = new VectorConversion[moduli.length];
    if (VectorKernels.AVAILABLE) {
      long[] sourceValues = new long[count];
      for (int s = 0; s < count; s++) {
        sourceValues[s] = moduli[source[s]].value();
      }
      for (int t = 0; t < moduli.length; t++) {
        if (moduli[t].value() < VectorKernels.MAX_MODULUS) {
          vector[t] = new VectorConversion(moduli[t].value(), sourceValues, hat[t], shift[t]);
        }
      }
    }
  }

  /** Number of source primes. */
  public int sourceCount() {
    return source.length;
  }

  /**
   * Index (into the moduli) of source prime s.
   *
   * @throws ArrayIndexOutOfBoundsException if s is not in [0, sourceCount())
   */
  public int source(int s) {
    return source[s];
  }

  /**
   * out = in * (Q_S/q_s)^-1 mod q_s, the y_s of source prime s, for in in [0, q_s); out may be in.
   *
   * @throws ArrayIndexOutOfBoundsException if s is not in [0, sourceCount()) or in is shorter than
   *     out
   */
  public void scale(int s, long[] in, long[] out) {
    LimbOps.mulScalar(in, hatInv[s], hatInvShoup[s], out, moduli[source[s]], 0, out.length);
  }

  /**
   * out = x' mod moduli[target], in [0, moduli[target]), from y[s] = the {@link #scale scaled}
   * residue of source prime s (in [0, q_s)).
   *
   * @throws ArrayIndexOutOfBoundsException if target is not an index of the moduli, or y has fewer
   *     than sourceCount() limbs or limbs shorter than out
   */
  public void convert(long[][] y, int target, long[] out) {
    if (vector[target] != null && out.length % VectorMulMod.LANES == 0) {
      vector[target].convert(y, out);
      return;
    }
    Modulus m = moduli[target];
    long mv = m.value();
    for (int s = 0; s < source.length; s++) {
      long[] ys = y[s];
      long half = moduli[source[s]].value() >>> 1;
      long sh = shift[target][s];
      long w = hat[target][s];
      long ws = hatShoup[target][s];
      if (s == 0) {
        for (int x = 0; x < out.length; x++) {
          long v = ys[x];
          out[x] = m.mulShoup(v > half ? v + sh : v, w, ws);
        }
      } else {
        for (int x = 0; x < out.length; x++) {
          long v = ys[x];
          long d = out[x] + m.mulShoup(v > half ? v + sh : v, w, ws) - mv;
          out[x] = d + ((d >> 63) & mv);
        }
      }
    }
  }

  /**
   * Q_S^-1 mod moduli[target] (0 for a source prime, which has no inverse).
   *
   * @throws ArrayIndexOutOfBoundsException if target is not an index of the moduli
   */
  public long productInverse(int target) {
    return productInv[target];
  }

  /**
   * Shoup constant of {@link #productInverse}.
   *
   * @throws ArrayIndexOutOfBoundsException if target is not an index of the moduli
   */
  public long productInverseShoup(int target) {
    return productInvShoup[target];
  }
}
