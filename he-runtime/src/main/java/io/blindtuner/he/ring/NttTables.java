package io.blindtuner.he.ring;

/**
 * SEAL's negacyclic NTT mod a prime q &equiv; 1 mod 2n (ntt_negacyclic_harvey).
 *
 * <p>psi is the smallest primitive 2n-th root of unity mod q (SEAL's try_minimal_primitive_root). Forward
 * transform: Cooley-Tukey in place with powers psi^bitrev(i), output in bit-reversed order, so entry k holds
 * a(psi^(2*bitrev(k)+1)) — the layout SEAL stores on the wire. Inverse: Gentleman-Sande with inverse powers,
 * the factor n^-1 folded into the last stage. Butterflies are Harvey's lazy ones with Shoup constants: the
 * forward keeps values in [0, 4q), the inverse in [0, 2q); the non-lazy entry points reduce to [0, q).
 */
public final class NttTables {
    private final int n;
    private final int logN;
    private final Modulus modulus;
    private final long root;
    /** rootPowers[bitrev(i)] = psi^i. */
    private final long[] rootPowers;
    private final long[] rootPowersShoup;
    /** invRootPowers[bitrev(i)] = psi^-i. */
    private final long[] invRootPowers;
    private final long[] invRootPowersShoup;
    private final long nInv;
    private final long nInvShoup;
    /** psi^-1 * n^-1 for the merged last inverse stage. */
    private final long lastInv;
    private final long lastInvShoup;

    /**
     * @throws IllegalArgumentException if n is not a power of two &ge; 2, or q is not a prime &equiv; 1 mod 2n
     */
    public NttTables(int n, Modulus modulus) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("NTT size must be a power of two >= 2, got " + n);
        }
        long q = modulus.value();
        if ((q - 1) % (2L * n) != 0 || !Modulus.isPrime(q)) {
            throw new IllegalArgumentException("modulus " + q + " is not a prime congruent to 1 mod " + 2L * n);
        }
        if (modulus.bitCount() > CoeffModulus.MAX_BITS) {
            throw new IllegalArgumentException("modulus " + q + " exceeds " + CoeffModulus.MAX_BITS + " bits");
        }
        this.n = n;
        this.logN = Integer.numberOfTrailingZeros(n);
        this.modulus = modulus;
        this.root = minimalPrimitiveRoot(2L * n, modulus);
        long inv = modulus.inverse(root);
        rootPowers = new long[n];
        rootPowersShoup = new long[n];
        invRootPowers = new long[n];
        invRootPowersShoup = new long[n];
        long p = 1;
        long ip = 1;
        for (int i = 0; i < n; i++) {
            int r = bitReverse(i, logN);
            rootPowers[r] = p;
            rootPowersShoup[r] = modulus.shoup(p);
            invRootPowers[r] = ip;
            invRootPowersShoup[r] = modulus.shoup(ip);
            p = modulus.mul(p, root);
            ip = modulus.mul(ip, inv);
        }
        nInv = modulus.inverse(n);
        nInvShoup = modulus.shoup(nInv);
        lastInv = modulus.mul(invRootPowers[1], nInv);
        lastInvShoup = modulus.shoup(lastInv);
    }

    /** Smallest primitive m-th root of unity mod a prime q (m a power of two dividing q - 1). */
    static long minimalPrimitiveRoot(long m, Modulus modulus) {
        long q = modulus.value();
        long exponent = (q - 1) / m;
        long generator = -1;
        for (long x = 2; x < q; x++) {
            long r = modulus.pow(x, exponent);
            if (modulus.pow(r, m / 2) == q - 1) {
                generator = r;
                break;
            }
        }
        if (generator < 0) {
            throw new IllegalArgumentException("no primitive " + m + "-th root of unity mod " + q);
        }
        // All primitive m-th roots are the odd powers of one of them.
        long sq = modulus.mul(generator, generator);
        long best = generator;
        long cur = generator;
        for (long i = 0; i < m / 2; i++) {
            if (cur < best) {
                best = cur;
            }
            cur = modulus.mul(cur, sq);
        }
        return best;
    }

    public static int bitReverse(int x, int bits) {
        return bits == 0 ? 0 : Integer.reverse(x) >>> (32 - bits);
    }

    public int n() {
        return n;
    }

    public Modulus modulus() {
        return modulus;
    }

    /** The primitive 2n-th root psi used by the transform. */
    public long root() {
        return root;
    }

    /** Forward NTT, input in [0, 4q), output in [0, q). */
    public void forward(long[] a) {
        forwardLazy(a);
        long q = modulus.value();
        long twoQ = 2 * q;
        for (int i = 0; i < n; i++) {
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

    /** Forward NTT, input in [0, 4q), output in [0, 4q). */
    public void forwardLazy(long[] a) {
        final long q = modulus.value();
        final long twoQ = 2 * q;
        final long[] rp = rootPowers;
        final long[] rps = rootPowersShoup;
        int t = n;
        for (int m = 1; m < n; m <<= 1) {
            t >>= 1;
            if (t >= 4) {
                for (int i = 0; i < m; i++) {
                    final long w = rp[m + i];
                    final long ws = rps[m + i];
                    final long wsMask = ws >> 63;
                    final int j1 = 2 * i * t;
                    final int j2 = j1 + t;
                    for (int j = j1; j < j2; j++) {
                        long x = a[j];
                        x -= twoQ & ((twoQ - 1 - x) >> 63);
                        long y = a[j + t];
                        long u = y * w - (Math.multiplyHigh(y, ws) + (wsMask & y)) * q;
                        a[j] = x + u;
                        a[j + t] = x - u + twoQ;
                    }
                }
            } else if (t == 2) {
                for (int i = 0; i < m; i++) {
                    final long w = rp[m + i];
                    final long ws = rps[m + i];
                    final long wsMask = ws >> 63;
                    final int j = 4 * i;
                    long x0 = a[j];
                    x0 -= twoQ & ((twoQ - 1 - x0) >> 63);
                    long x1 = a[j + 1];
                    x1 -= twoQ & ((twoQ - 1 - x1) >> 63);
                    long y0 = a[j + 2];
                    long y1 = a[j + 3];
                    long u0 = y0 * w - (Math.multiplyHigh(y0, ws) + (wsMask & y0)) * q;
                    long u1 = y1 * w - (Math.multiplyHigh(y1, ws) + (wsMask & y1)) * q;
                    a[j] = x0 + u0;
                    a[j + 1] = x1 + u1;
                    a[j + 2] = x0 - u0 + twoQ;
                    a[j + 3] = x1 - u1 + twoQ;
                }
            } else {
                for (int i = 0; i < m; i++) {
                    final long w = rp[m + i];
                    final long ws = rps[m + i];
                    final int j = 2 * i;
                    long x = a[j];
                    x -= twoQ & ((twoQ - 1 - x) >> 63);
                    long y = a[j + 1];
                    long u = y * w - (Math.multiplyHigh(y, ws) + ((ws >> 63) & y)) * q;
                    a[j] = x + u;
                    a[j + 1] = x - u + twoQ;
                }
            }
        }
    }

    /** Inverse NTT, input in [0, 2q), output in [0, q). */
    public void inverse(long[] a) {
        inverseLazy(a);
        long q = modulus.value();
        for (int i = 0; i < n; i++) {
            long x = a[i];
            a[i] = x >= q ? x - q : x;
        }
    }

    /** Inverse NTT, input in [0, 2q), output in [0, 2q). */
    public void inverseLazy(long[] a) {
        final long q = modulus.value();
        final long twoQ = 2 * q;
        final long[] rp = invRootPowers;
        final long[] rps = invRootPowersShoup;
        int t = 1;
        for (int m = n >> 1; m > 1; m >>= 1) {
            for (int i = 0; i < m; i++) {
                final long w = rp[m + i];
                final long ws = rps[m + i];
                final long wsMask = ws >> 63;
                final int j1 = 2 * i * t;
                final int j2 = j1 + t;
                for (int j = j1; j < j2; j++) {
                    long x = a[j];
                    long y = a[j + t];
                    long s = x + y;
                    s -= twoQ & ((twoQ - 1 - s) >> 63);
                    long d = x - y + twoQ;
                    a[j] = s;
                    a[j + t] = d * w - (Math.multiplyHigh(d, ws) + (wsMask & d)) * q;
                }
            }
            t <<= 1;
        }
        // Last stage (m = 1, t = n/2) merged with the scaling by n^-1.
        final int half = n >> 1;
        final long ni = nInv;
        final long nis = nInvShoup;
        final long nisMask = nis >> 63;
        final long li = lastInv;
        final long lis = lastInvShoup;
        final long lisMask = lis >> 63;
        for (int j = 0; j < half; j++) {
            long x = a[j];
            long y = a[j + half];
            long s = x + y;
            long d = x - y + twoQ;
            a[j] = s * ni - (Math.multiplyHigh(s, nis) + (nisMask & s)) * q;
            a[j + half] = d * li - (Math.multiplyHigh(d, lis) + (lisMask & d)) * q;
        }
    }
}
