package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.Parallelism;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * CKKS encoder with SEAL's slot order: slot i is the evaluation at zeta^(3^i mod 2N), zeta = e^(i*pi/N); the
 * other N/2 evaluation points (their conjugates) carry the conjugate values, so coefficients are real.
 *
 * <p>Encoding: place values at those points, interpolate with a size-N complex FFT (evaluation at the odd
 * powers of zeta is a DFT of the coefficients twisted by zeta^j), multiply by the scale, round, reduce mod each
 * prime of the level and NTT. Decoding inverts this; the CRT lift to doubles uses exact 128-bit arithmetic with a
 * BigInteger fallback for coefficients beyond 2^127. Thread-safe (immutable tables, per-call buffers).
 */
public final class CkksEncoder {
    private final CkksParameters params;
    private final Parallelism parallelism;
    private final int n;
    private final int slots;
    /** slotIndex[i] = (3^i mod 2N - 1) / 2: index into the odd-power evaluations for slot i. */
    private final int[] slotIndex;
    private final int[] conjIndex;
    /** Twiddles per FFT stage, contiguous: entry halfLen + k = e^(i pi k / halfLen), and the conjugate. */
    private final double[] twiddleRe;
    private final double[] twiddleIm;
    private final double[] twiddleImConj;
    /** zeta^j = e^(i pi j / N), j &lt; N. */
    private final double[] cosZ;
    private final double[] sinZ;
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
        slotIndex = new int[slots];
        conjIndex = new int[slots];
        long m = 2L * n;
        long pos = 1;
        for (int i = 0; i < slots; i++) {
            slotIndex[i] = (int) ((pos - 1) / 2);
            conjIndex[i] = (int) ((m - pos - 1) / 2);
            pos = pos * 3 % m;
        }
        twiddleRe = new double[n];
        twiddleIm = new double[n];
        twiddleImConj = new double[n];
        for (int halfLen = 1; halfLen < n; halfLen <<= 1) {
            for (int k = 0; k < halfLen; k++) {
                double a = Math.PI * k / halfLen;
                twiddleRe[halfLen + k] = Math.cos(a);
                twiddleIm[halfLen + k] = Math.sin(a);
                twiddleImConj[halfLen + k] = -Math.sin(a);
            }
        }
        cosZ = new double[n];
        sinZ = new double[n];
        for (int j = 0; j < n; j++) {
            double a = Math.PI * j / n;
            cosZ[j] = Math.cos(a);
            sinZ[j] = Math.sin(a);
        }
        bitrev = new int[n];
        int logN = params.logN();
        for (int i = 0; i < n; i++) {
            bitrev[i] = Integer.reverse(i) >>> (32 - logN);
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
     * @throws HeException if there are more values than slots or a value is not finite, or the encoded
     *         coefficients do not fit the modulus of the level
     * @throws ScaleException if the scale is not positive and finite or log2(scale)+1 reaches the level's bits
     * @throws LevelException if the level is out of range
     */
    public Plaintext encode(double[] values, int level, double scale) {
        Plaintext out = new Plaintext(params, level, scale);
        encode(values, null, level, scale, out);
        return out;
    }

    /**
     * Encodes complex values re[i] + i*im[i] into {@code out} (reshaped to the level). {@code im} may be null.
     *
     * @throws HeException if the arrays differ in length, exceed the slot count or hold non-finite values, or
     *         the encoded coefficients do not fit the modulus of the level
     * @throws ScaleException if the scale is not positive and finite or log2(scale)+1 reaches the level's bits
     * @throws LevelException if the level is out of range
     * @throws ParameterMismatchException if out belongs to other parameters
     */
    public void encode(double[] re, double[] im, int level, double scale, Plaintext out) {
        Ciphertext.checkLevel(params, level, "encode");
        params.check(out.parametersId(), "destination plaintext", "encode");
        checkScale(scale, level, "encode");
        if (re.length > slots || (im != null && im.length != re.length)) {
            throw new HeException("encode: got " + re.length + " real and " + (im == null ? 0 : im.length)
                    + " imaginary values for " + slots + " slots (imaginary part must be absent or match)");
        }
        double[] vr = new double[n];
        double[] vi = new double[n];
        for (int i = 0; i < re.length; i++) {
            double a = re[i];
            double b = im == null ? 0 : im[i];
            if (!Double.isFinite(a) || !Double.isFinite(b)) {
                throw new HeException("encode: value " + i + " is not finite: " + a + (im == null ? "" : " + " + b + "i"));
            }
            vr[slotIndex[i]] = a;
            vi[slotIndex[i]] = b;
            vr[conjIndex[i]] = a;
            vi[conjIndex[i]] = -b;
        }
        fft(vr, vi, -1);
        // m_j = zeta^-j * (1/N) * IDFT; only the real part matters (the imaginary part is 0 up to rounding).
        double f = scale / n;
        double[] coeffs = vr;
        double maxAbs = 0;
        for (int j = 0; j < n; j++) {
            double c = (vr[j] * cosZ[j] + vi[j] * sinZ[j]) * f;
            coeffs[j] = Math.rint(c);
            maxAbs = Math.max(maxAbs, Math.abs(coeffs[j]));
        }
        if (!Double.isFinite(maxAbs)) {
            throw new HeException("encode: values times scale overflow a double");
        }
        int maxBits = maxAbs == 0 ? 0 : Math.getExponent(maxAbs) + 1;
        if (maxBits >= params.levelBits(level)) {
            throw new HeException("encode: encoded values are too large: " + maxBits + " bits at level " + level
                    + " whose modulus has " + params.levelBits(level) + " bits");
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
            java.util.Arrays.fill(out.poly().limb(j), residue(c, params.modulus(j)));
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
        parallelism.forEach(level + 1, j -> {
            Modulus q = params.modulus(j);
            long[] limb = out.poly().limb(j);
            if (maxAbs < 0x1p62) {
                long qv = q.value();
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
            throw new ScaleException(op + ": scale 2^" + Math.log(scale) / Math.log(2) + " does not fit level " + level
                    + " (modulus of " + params.levelBits(level) + " bits)");
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
        parallelism.forEach(level + 1, j -> {
            limbs[j] = plain.poly().limb(j).clone();
            params.ntt[j].inverse(limbs[j]);
        });
        double[] vr = new double[n];
        double[] vi = new double[n];
        crt[level].lift(limbs, vr);
        double inv = 1.0 / plain.scale();
        for (int j = 0; j < n; j++) {
            double c = vr[j] * inv;
            vr[j] = c * cosZ[j];
            vi[j] = c * sinZ[j];
        }
        fft(vr, vi, 1);
        double[] re = new double[slots];
        double[] im = new double[slots];
        for (int i = 0; i < slots; i++) {
            re[i] = vr[slotIndex[i]];
            im[i] = vi[slotIndex[i]];
        }
        return new double[][] {re, im};
    }

    /** In-place radix-2 DFT: X[k] = sum_j x[j] e^(sign * 2 pi i jk / N). */
    private void fft(double[] re, double[] im, int sign) {
        for (int i = 0; i < n; i++) {
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
        final double[] tr = twiddleRe;
        final double[] ti = sign > 0 ? twiddleIm : twiddleImConj;
        for (int halfLen = 1; halfLen < n; halfLen <<= 1) {
            int len = halfLen << 1;
            for (int start = 0; start < n; start += len) {
                for (int k = 0; k < halfLen; k++) {
                    double wr = tr[halfLen + k];
                    double wi = ti[halfLen + k];
                    int a = start + k;
                    int b = a + halfLen;
                    double br = re[b];
                    double bi = im[b];
                    double xr = br * wr - bi * wi;
                    double xi = br * wi + bi * wr;
                    double ar = re[a];
                    double ai = im[a];
                    re[b] = ar - xr;
                    im[b] = ai - xi;
                    re[a] = ar + xr;
                    im[a] = ai + xi;
                }
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
        /** Q &gt; 2^126: the 128-bit result is exact only if |x| &lt; 2^127, which must be established. */
        private final boolean needsCheck;
        /** Q &le; 2^168: |frac - v| &lt; 2^(125 - bits) proves |x| &lt; 2^126 despite the rounding of frac. */
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
            // |x| < 2^125 is certain from the double estimate while its error, k*2^-52*Q, stays far below 2^125.
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
                boolean exact = !needsCheck
                        || (estimateDecides ? Math.abs(frac - v) < smallBound : consistent(hi, lo, limbs, x));
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
