package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.Parallelism;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * CKKS encoder with SEAL's slot order: slot i is the evaluation at zeta^(3^i mod 2N), zeta =
 * e^(i*pi/N); the other N/2 evaluation points (their conjugates) carry the conjugate values, so
 * coefficients are real.
 *
 * <p>Encoding: interpolate with the N/2-point special FFT (real coefficients m_j, m_(j+N/2) packed
 * as one complex number), multiply by the scale, round, reduce mod each prime of the level and NTT.
 * Decoding inverts this; the CRT lift to doubles uses exact 128-bit arithmetic with a BigInteger
 * fallback for coefficients beyond 2^127. Thread-safe (immutable tables, per-call buffers).
 */
public final class CkksEncoder {
  private final CkksParameters params;
  private final Parallelism parallelism;
  private final int n;
  private final int slots;

  /** rotGroup[j] = 5^j mod 2N, the order the special FFT works in (HEAAN's). */
  private final int[] rotGroup;

  /**
   * SEAL's slot i (evaluation at zeta^(3^i)) is FFT position fftIndex[i]; if 3^i = -5^e mod 2N it
   * is the conjugate of that position (the coefficients are real, so m(zeta^-x) = conj(m(zeta^x))).
   */
  private final int[] fftIndex;

  private final boolean[] fftConjugate;

  /** zeta^k = e^(i pi k / N) for k &lt; 2N. */
  private final double[] ksiRe;

  private final double[] ksiIm;

  /** Bit reversal over the slot count. */
  private final int[] bitrev;

  private final LevelCrt[] crt;

  public CkksEncoder(CkksParameters params) {
    this(params, Parallelism.SERIAL);
  }

  public CkksEncoder(CkksParameters params, Parallelism parallelism) {
    this.params = params;
    this.parallelism = parallelism;
    this.n = params.n();
    this.slots = n / 2;
    rotGroup = new int[slots];
    long m = 2L * n;
    int[] exponentOf = new int[2 * n];
    long pos = 1;
    for (int e = 0; e < slots; e++) {
      rotGroup[e] = (int) pos;
      exponentOf[(int) pos] = e + 1;
      exponentOf[(int) (m - pos)] = -(e + 1);
      pos = pos * 5 % m;
    }
    fftIndex = new int[slots];
    fftConjugate = new boolean[slots];
    pos = 1;
    for (int i = 0; i < slots; i++) {
      int e = exponentOf[(int) pos];
      fftIndex[i] = Math.abs(e) - 1;
      fftConjugate[i] = e < 0;
      pos = pos * 3 % m;
    }
    ksiRe = new double[2 * n];
    ksiIm = new double[2 * n];
    for (int k = 0; k < 2 * n; k++) {
      double angle = Math.PI * k / n;
      ksiRe[k] = Math.cos(angle);
      ksiIm[k] = Math.sin(angle);
    }
    bitrev = new int[slots];
    int logSlots = Integer.numberOfTrailingZeros(slots);
    for (int i = 0; i < slots; i++) {
      bitrev[i] = logSlots == 0 ? 0 : Integer.reverse(i) >>> (32 - logSlots);
    }
    crt = new LevelCrt[params.maxLevel() + 1];
    for (int l = 0; l <= params.maxLevel(); l++) {
      crt[l] = new LevelCrt(params, l);
    }
  }

  public int slots() {
    return slots;
  }

  /**
   * Encodes real values (slot i = values[i], missing slots 0) at the given level and scale.
   *
   * @throws HeException if there are more values than slots or a value is not finite, or the
   *     encoded coefficients do not fit the modulus of the level
   * @throws ScaleException if the scale is not positive and finite or log2(scale)+1 reaches the
   *     level's bits
   * @throws LevelException if the level is out of range
   */
  public Plaintext encode(double[] values, int level, double scale) {
    Plaintext out = new Plaintext(params, level, scale);
    encode(values, null, level, scale, out);
    return out;
  }

  /**
   * Encodes complex values re[i] + i*im[i] into {@code out} (reshaped to the level). {@code im} may
   * be null.
   *
   * @throws HeException if the arrays differ in length, exceed the slot count or hold non-finite
   *     values, or the encoded coefficients do not fit the modulus of the level
   * @throws ScaleException if the scale is not positive and finite or log2(scale)+1 reaches the
   *     level's bits
   * @throws LevelException if the level is out of range
   * @throws ParameterMismatchException if out belongs to other parameters
   */
  public void encode(double[] re, double[] im, int level, double scale, Plaintext out) {
    Ciphertext.checkLevel(params, level, "encode");
    params.check(out.parametersId(), "destination plaintext", "encode");
    checkScale(scale, level, "encode");
    if (re.length > slots || (im != null && im.length != re.length)) {
      throw new HeException(
          "encode: got "
              + re.length
              + " real and "
              + (im == null ? 0 : im.length)
              + " imaginary values for "
              + slots
              + " slots (imaginary part must be absent or match)");
    }
    double[] vr = new double[slots];
    double[] vi = new double[slots];
    for (int i = 0; i < re.length; i++) {
      double x = re[i];
      double y = im == null ? 0 : im[i];
      if (!Double.isFinite(x) || !Double.isFinite(y)) {
        throw new HeException(
            "encode: value " + i + " is not finite: " + x + (im == null ? "" : " + " + y + "i"));
      }
      vr[fftIndex[i]] = x;
      vi[fftIndex[i]] = fftConjugate[i] ? -y : y;
    }
    specialFftInverse(vr, vi);
    // Coefficient j is Re(w_j), coefficient j + N/2 is Im(w_j); both times the scale, rounded.
    double[] coeffs = new double[n];
    double maxAbs = 0;
    for (int j = 0; j < slots; j++) {
      double c0 = Math.rint(vr[j] * scale);
      double c1 = Math.rint(vi[j] * scale);
      coeffs[j] = c0;
      coeffs[j + slots] = c1;
      maxAbs = Math.max(maxAbs, Math.max(Math.abs(c0), Math.abs(c1)));
    }
    if (!Double.isFinite(maxAbs)) {
      throw new HeException("encode: values times scale overflow a double");
    }
    int maxBits = maxAbs == 0 ? 0 : Math.getExponent(maxAbs) + 1;
    if (maxBits >= params.levelBits(level)) {
      throw new HeException(
          "encode: encoded values are too large: "
              + maxBits
              + " bits at level "
              + level
              + " whose modulus has "
              + params.levelBits(level)
              + " bits");
    }
    out.reshape(level, scale);
    writeCoefficients(coeffs, maxAbs, level, out);
  }

  /**
   * Encodes the same real value in every slot (a constant polynomial).
   *
   * @throws HeException if the value is not finite or value*scale does not fit the level's modulus
   * @throws ScaleException if the scale does not fit
   * @throws LevelException if the level is out of range
   */
  public Plaintext encodeConstant(double value, int level, double scale) {
    Ciphertext.checkLevel(params, level, "encodeConstant");
    checkScale(scale, level, "encodeConstant");
    if (!Double.isFinite(value)) {
      throw new HeException("encodeConstant: value is not finite: " + value);
    }
    double c = Math.rint(value * scale);
    int bits = c == 0 ? 0 : Math.getExponent(c) + 1;
    if (!Double.isFinite(c) || bits >= params.levelBits(level)) {
      throw new HeException("encodeConstant: value*scale = " + c + " does not fit level " + level);
    }
    Plaintext out = new Plaintext(params, level, scale);
    for (int j = 0; j <= level; j++) {
      Arrays.fill(out.poly().limb(j), residue(c, params.modulus(j)));
    }
    return out;
  }

  /** The rounded integer c (a double holding an integer) mod q. */
  static long residue(double c, Modulus q) {
    if (Math.abs(c) < 0x1p62) {
      long r = (long) c;
      return r >= 0 ? q.reduce(r) : q.negate(q.reduce(-r));
    }
    return new BigDecimal(c).toBigInteger().mod(BigInteger.valueOf(q.value())).longValue();
  }

  private void writeCoefficients(double[] coeffs, double maxAbs, int level, Plaintext out) {
    parallelism.forEach(
        level + 1,
        j -> {
          Modulus q = params.modulus(j);
          long[] limb = out.poly().limb(j);
          long qv = q.value();
          if (maxAbs < qv) {
            // |c| < q: the residue is c or c + q, no reduction needed.
            for (int x = 0; x < n; x++) {
              long r = (long) coeffs[x];
              limb[x] = r + ((r >> 63) & qv);
            }
          } else if (maxAbs < 0x1p62) {
            for (int x = 0; x < n; x++) {
              long r = (long) coeffs[x];
              limb[x] = r >= 0 ? q.reduce(r) : qv - 1 - q.reduce(-r - 1);
            }
          } else {
            for (int x = 0; x < n; x++) {
              limb[x] = residue(coeffs[x], q);
            }
          }
          params.ntt[j].forward(limb);
        });
  }

  void checkScale(double scale, int level, String op) {
    if (!(scale > 0) || !Double.isFinite(scale)) {
      throw new ScaleException(op + ": scale must be positive and finite, got " + scale);
    }
    if ((int) Math.floor(Math.log(scale) / Math.log(2)) + 1 >= params.levelBits(level)) {
      throw new ScaleException(
          op
              + ": scale 2^"
              + Math.log(scale) / Math.log(2)
              + " does not fit level "
              + level
              + " (modulus of "
              + params.levelBits(level)
              + " bits)");
    }
  }

  /**
   * Decodes the real parts of all slots.
   *
   * @throws ParameterMismatchException if the plaintext belongs to other parameters
   */
  public double[] decode(Plaintext plain) {
    return decodeComplex(plain)[0];
  }

  /**
   * Decodes all slots as {re, im}.
   *
   * @throws ParameterMismatchException if the plaintext belongs to other parameters
   */
  public double[][] decodeComplex(Plaintext plain) {
    params.check(plain.parametersId(), "plaintext", "decode");
    int level = plain.level();
    long[][] limbs = new long[level + 1][];
    parallelism.forEach(
        level + 1,
        j -> {
          limbs[j] = plain.poly().limb(j).clone();
          params.ntt[j].inverse(limbs[j]);
        });
    double[] coeffs = new double[n];
    crt[level].lift(limbs, coeffs);
    double inv = 1.0 / plain.scale();
    double[] re = new double[slots];
    double[] im = new double[slots];
    for (int j = 0; j < slots; j++) {
      re[j] = coeffs[j] * inv;
      im[j] = coeffs[j + slots] * inv;
    }
    specialFft(re, im);
    double[] outRe = new double[slots];
    double[] outIm = new double[slots];
    for (int i = 0; i < slots; i++) {
      outRe[i] = re[fftIndex[i]];
      outIm[i] = fftConjugate[i] ? -im[fftIndex[i]] : im[fftIndex[i]];
    }
    re = outRe;
    im = outIm;
    return new double[][] {re, im};
  }

  /**
   * The N/2-point "special" FFT (HEAAN's fftSpecial, generator 5): from w_j = m_j + i*m_(j+N/2) to
   * the values m(zeta^(5^e)) at position e. Works on N/2 complex points instead of N because the
   * coefficients are real.
   */
  private void specialFft(double[] re, double[] im) {
    bitReverse(re, im);
    int m = 2 * n;
    for (int len = 2; len <= slots; len <<= 1) {
      int lenh = len >> 1;
      int lenq = len << 2;
      int gap = m / lenq;
      for (int i = 0; i < slots; i += len) {
        for (int j = 0; j < lenh; j++) {
          int idx = (rotGroup[j] & (lenq - 1)) * gap;
          int a = i + j;
          int b = a + lenh;
          double wr = ksiRe[idx];
          double wi = ksiIm[idx];
          double vr = re[b] * wr - im[b] * wi;
          double vi = re[b] * wi + im[b] * wr;
          double ur = re[a];
          double ui = im[a];
          re[a] = ur + vr;
          im[a] = ui + vi;
          re[b] = ur - vr;
          im[b] = ui - vi;
        }
      }
    }
  }

  /** Inverse of {@link #specialFft}, including the division by N/2. */
  private void specialFftInverse(double[] re, double[] im) {
    int m = 2 * n;
    for (int len = slots; len >= 2; len >>= 1) {
      int lenh = len >> 1;
      int lenq = len << 2;
      int gap = m / lenq;
      for (int i = 0; i < slots; i += len) {
        for (int j = 0; j < lenh; j++) {
          int idx = (lenq - (rotGroup[j] & (lenq - 1))) * gap;
          int a = i + j;
          int b = a + lenh;
          double ur = re[a] + re[b];
          double ui = im[a] + im[b];
          double vr = re[a] - re[b];
          double vi = im[a] - im[b];
          double wr = ksiRe[idx];
          double wi = ksiIm[idx];
          re[a] = ur;
          im[a] = ui;
          re[b] = vr * wr - vi * wi;
          im[b] = vr * wi + vi * wr;
        }
      }
    }
    bitReverse(re, im);
    double f = 1.0 / slots;
    for (int i = 0; i < slots; i++) {
      re[i] *= f;
      im[i] *= f;
    }
  }

  private void bitReverse(double[] re, double[] im) {
    for (int i = 0; i < slots; i++) {
      int r = bitrev[i];
      if (r > i) {
        double t = re[i];
        re[i] = re[r];
        re[r] = t;
        t = im[i];
        im[i] = im[r];
        im[r] = t;
      }
    }
  }

  /** CRT lift of residues mod q_0..q_l to centered integers, as doubles. */
  private static final class LevelCrt {
    private final Modulus[] q;
    private final long[] qHatInv;
    private final long[] qHatInvShoup;
    private final double[] qInv;

    /** Q/q_i mod 2^128 (lo, hi). */
    private final long[] qHatLo;

    private final long[] qHatHi;
    private final long bigQLo;
    private final long bigQHi;
    private final int bits;

    /**
     * Q &gt; 2^126: the 128-bit result is exact only if |x| &lt; 2^127, which must be established.
     */
    private final boolean needsCheck;

    /**
     * Q &le; 2^168: |frac - v| &lt; 2^(125 - bits) proves |x| &lt; 2^126 despite the rounding of
     * frac.
     */
    private final boolean estimateDecides;

    private final double smallBound;
    private final BigInteger bigQ;
    private final BigInteger[] qHat;

    LevelCrt(CkksParameters params, int level) {
      int k = level + 1;
      q = new Modulus[k];
      qHatInv = new long[k];
      qHatInvShoup = new long[k];
      qInv = new double[k];
      qHatLo = new long[k];
      qHatHi = new long[k];
      qHat = new BigInteger[k];
      BigInteger big = BigInteger.ONE;
      for (int i = 0; i < k; i++) {
        q[i] = params.modulus(i);
        big = big.multiply(BigInteger.valueOf(q[i].value()));
      }
      bigQ = big;
      BigInteger mask = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
      for (int i = 0; i < k; i++) {
        BigInteger qi = BigInteger.valueOf(q[i].value());
        qHat[i] = big.divide(qi);
        qHatInv[i] = qHat[i].mod(qi).modInverse(qi).longValue();
        qHatInvShoup[i] = q[i].shoup(qHatInv[i]);
        qInv[i] = 1.0 / q[i].value();
        BigInteger m = qHat[i].and(mask);
        qHatLo[i] = m.longValue();
        qHatHi[i] = m.shiftRight(64).longValue();
      }
      BigInteger m = big.and(mask);
      bigQLo = m.longValue();
      bigQHi = m.shiftRight(64).longValue();
      bits = big.bitLength();
      // |x| < 2^125 is certain from the double estimate while its error, k*2^-52*Q, stays far below
      // 2^125.
      needsCheck = bits > 126;
      estimateDecides = bits <= 168;
      smallBound = Math.scalb(1.0, 125 - bits);
    }

    void lift(long[][] limbs, double[] out) {
      int k = q.length;
      int n = out.length;
      long[] y = new long[k];
      for (int x = 0; x < n; x++) {
        double frac = 0;
        long lo = 0;
        long hi = 0;
        for (int i = 0; i < k; i++) {
          long yi = q[i].mulShoup(limbs[i][x], qHatInv[i], qHatInvShoup[i]);
          y[i] = yi;
          frac += yi * qInv[i];
          long plo = yi * qHatLo[i];
          long phi = Modulus.mulHiUnsigned(yi, qHatLo[i]) + yi * qHatHi[i];
          long s = lo + plo;
          hi += phi + (Long.compareUnsigned(s, plo) < 0 ? 1 : 0);
          lo = s;
        }
        long v = (long) Math.rint(frac);
        long plo = v * bigQLo;
        long phi = Modulus.mulHiUnsigned(v, bigQLo) + v * bigQHi;
        long nlo = lo - plo;
        hi = hi - phi - (Long.compareUnsigned(lo, plo) < 0 ? 1 : 0);
        lo = nlo;
        boolean exact =
            !needsCheck
                || (estimateDecides
                    ? Math.abs(frac - v) < smallBound
                    : consistent(hi, lo, limbs, x));
        if (!exact) {
          out[x] = bigLift(y);
        } else if (hi == (lo >> 63)) {
          out[x] = (double) lo; // fits a signed long: avoid cancellation in hi*2^64 + lo
        } else {
          out[x] = hi * 0x1p64 + unsignedToDouble(lo);
        }
      }
    }

    private boolean consistent(long hi, long lo, long[][] limbs, int x) {
      boolean negative = hi < 0;
      long h = hi;
      long l = lo;
      if (negative) {
        l = -lo;
        h = ~hi + (lo == 0 ? 1 : 0);
      }
      for (int i = 0; i < q.length; i++) {
        long r = q[i].reduce128(q[i].reduce(h), l);
        if (negative) {
          r = q[i].negate(r);
        }
        if (r != limbs[i][x]) {
          return false;
        }
      }
      return true;
    }

    private double bigLift(long[] y) {
      BigInteger s = BigInteger.ZERO;
      for (int i = 0; i < q.length; i++) {
        s = s.add(qHat[i].multiply(BigInteger.valueOf(y[i])));
      }
      s = s.mod(bigQ);
      if (s.shiftLeft(1).compareTo(bigQ) > 0) {
        s = s.subtract(bigQ);
      }
      return s.doubleValue();
    }

    private static double unsignedToDouble(long v) {
      double d = (double) (v >>> 1) * 2.0;
      return d + (v & 1);
    }
  }
}
