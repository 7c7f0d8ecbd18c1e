package io.blindtuner.he.ring;

/**
 * Element-wise arithmetic on one limb (an array of residues mod q). Inputs are in [0, q) unless a method says
 * otherwise; {@code out} may be the same array as an input.
 */
public final class LimbOps {
    private LimbOps() {
    }

    public static void add(long[] a, long[] b, long[] out, Modulus m) {
        final long q = m.value();
        for (int i = 0; i < out.length; i++) {
            long s = a[i] + b[i];
            out[i] = s >= q ? s - q : s;
        }
    }

    public static void sub(long[] a, long[] b, long[] out, Modulus m) {
        final long q = m.value();
        for (int i = 0; i < out.length; i++) {
            long d = a[i] - b[i];
            out[i] = d < 0 ? d + q : d;
        }
    }

    public static void negate(long[] a, long[] out, Modulus m) {
        final long q = m.value();
        for (int i = 0; i < out.length; i++) {
            long x = a[i];
            out[i] = x == 0 ? 0 : q - x;
        }
    }

    /** out = a + c for a constant c in [0, q). */
    public static void addScalar(long[] a, long c, long[] out, Modulus m) {
        final long q = m.value();
        for (int i = 0; i < out.length; i++) {
            long s = a[i] + c;
            out[i] = s >= q ? s - q : s;
        }
    }

    /** out = a * w for a constant w in [0, q); a may be lazy (any value below 2^63). */
    public static void mulScalar(long[] a, long w, long[] out, Modulus m) {
        final long q = m.value();
        final long ws = m.shoup(w);
        final long mask = ws >> 63;
        for (int i = 0; i < out.length; i++) {
            long x = a[i];
            long r = x * w - (Math.multiplyHigh(x, ws) + (mask & x)) * q;
            out[i] = r >= q ? r - q : r;
        }
    }

    /** out = a * b element-wise (Barrett reduction of the 128-bit products). */
    public static void mul(long[] a, long[] b, long[] out, Modulus m) {
        for (int i = 0; i < out.length; i++) {
            long x = a[i];
            long y = b[i];
            out[i] = m.reduce128(Math.multiplyHigh(x, y), x * y);
        }
    }

    /** out += a * b element-wise. */
    public static void mulAdd(long[] a, long[] b, long[] out, Modulus m) {
        final long q = m.value();
        for (int i = 0; i < out.length; i++) {
            long x = a[i];
            long y = b[i];
            long s = out[i] + m.reduce128(Math.multiplyHigh(x, y), x * y);
            out[i] = s >= q ? s - q : s;
        }
    }

    /** Reduces values in [0, 4q) to [0, q). */
    public static void reduceFrom4q(long[] a, Modulus m) {
        final long q = m.value();
        final long twoQ = 2 * q;
        for (int i = 0; i < a.length; i++) {
            long x = a[i];
            if (x >= twoQ) {
                x -= twoQ;
            }
            if (x >= q) {
                x -= q;
            }
            a[i] = x;
        }
    }

    /** out = a mod q for arbitrary unsigned words a. */
    public static void reduce(long[] a, long[] out, Modulus m) {
        for (int i = 0; i < out.length; i++) {
            out[i] = m.reduce(a[i]);
        }
    }
}
