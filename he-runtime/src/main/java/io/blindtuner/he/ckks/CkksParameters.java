package io.blindtuner.he.ckks;

import io.blindtuner.he.ring.BasisConversion;
import io.blindtuner.he.ring.CoeffModulus;
import io.blindtuner.he.ring.Modulus;
import io.blindtuner.he.ring.NttTables;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validated, immutable CKKS parameters with the precomputation every other class shares.
 *
 * <p>Moduli are ordered {@code q_0, ..., q_L, p_1, ..., p_k}: the first {@code L+1} are data
 * primes, the last k are the special primes used only by key switching (k = 1 in SEAL's layout; see
 * {@link #keySwitchLayout()}). Level l uses q_0..q_l; fresh ciphertexts are at {@link #maxLevel()}
 * = L; keys live at the key level (all moduli). Thread-safe.
 */
public final class CkksParameters {
  /**
   * HE-standard maximal log2(QP) for 128-bit security with ternary secrets, for N = 1024 .. 65536.
   */
  private static final int[] SECURE_BITS = {27, 54, 109, 218, 438, 881, 1761};

  public static final int MIN_SECURE_N = 1024;
  public static final int MAX_N = 65536;

  /** Smallest ring accepted with the insecure flag (4 coefficients, 2 slots). */
  public static final int MIN_INSECURE_N = 4;

  /** Key switching accumulates up to this many 122-bit products in 128 bits. */
  public static final int MAX_PRIMES = 60;

  private final CkksSpec spec;
  private final KeySwitchLayout layout;
  private final int n;
  private final int logN;
  final Modulus[] moduli;
  final NttTables[] ntt;
  private final long id;
  private final int totalBits;

  /** inv[k][j] = moduli[k]^-1 mod moduli[j] for j &lt; k, with Shoup constants. */
  final long[][] inv;

  final long[][] invShoup;

  /** half[k][j] = floor(moduli[k] / 2) mod moduli[j] for j &lt; k. */
  final long[][] half;

  /** P mod q_i for each data prime (P the product of the special primes), with Shoup constants. */
  final long[] specialModData;

  final long[] specialModDataShoup;

  /**
   * Fused mod-down and rescale at level l in SEAL's layout (see CkksKernels.relinearizeRescale): h
   * = floor(P*q_l/2). Null in the hybrid layout, whose mod-down converts bases instead.
   */
  final long[] fusedHalfModP;

  final long[] fusedHalfModLast;
  final long[][] fusedHalfModData;

  /** (P*q_l)^-1 mod q_j for j &lt; l, with Shoup constants. */
  final long[][] fusedInv;

  final long[][] fusedInvShoup;

  /** P^-1 mod q_l, with Shoup constant. */
  final long[] specialInvLast;

  final long[] specialInvLastShoup;
  private final ConcurrentHashMap<Integer, int[]> galoisTables = new ConcurrentHashMap<>();

  /** Basis conversions of hybrid key switching, by the bit mask of their source primes. */
  private final ConcurrentHashMap<Long, BasisConversion> conversions = new ConcurrentHashMap<>();

  private CkksParameters(CkksSpec spec, long[] primes, KeySwitchLayout layout) {
    this.spec = spec;
    this.layout = layout;
    this.n = spec.polyModulusDegree();
    this.logN = Integer.numberOfTrailingZeros(n);
    int k = primes.length;
    moduli = new Modulus[k];
    ntt = new NttTables[k];
    int bits = 0;
    for (int i = 0; i < k; i++) {
      moduli[i] = new Modulus(primes[i]);
      ntt[i] = new NttTables(n, moduli[i]);
      bits += moduli[i].bitCount();
    }
    totalBits = bits;
    inv = new long[k][];
    invShoup = new long[k][];
    half = new long[k][];
    for (int a = 1; a < k; a++) {
      inv[a] = new long[a];
      invShoup[a] = new long[a];
      half[a] = new long[a];
      for (int j = 0; j < a; j++) {
        inv[a][j] = moduli[j].inverse(moduli[j].reduce(primes[a]));
        invShoup[a][j] = moduli[j].shoup(inv[a][j]);
        half[a][j] = moduli[j].reduce(primes[a] >>> 1);
      }
    }
    int levels = layout.dataPrimeCount();
    specialModData = new long[levels];
    specialModDataShoup = new long[levels];
    for (int i = 0; i < levels; i++) {
      long p = 1;
      for (int sp = levels; sp < k; sp++) {
        p = moduli[i].mulReduced(p, moduli[i].reduce(primes[sp]));
      }
      specialModData[i] = p;
      specialModDataShoup[i] = moduli[i].shoup(specialModData[i]);
    }
    if (!layout.isSeal()) {
      fusedHalfModP = null;
      fusedHalfModLast = null;
      fusedHalfModData = null;
      fusedInv = null;
      fusedInvShoup = null;
      specialInvLast = null;
      specialInvLastShoup = null;
      id = computeId(n, primes, layout);
      return;
    }
    java.math.BigInteger bigP = BigInteger.valueOf(primes[k - 1]);
    fusedHalfModP = new long[levels];
    fusedHalfModLast = new long[levels];
    fusedHalfModData = new long[levels][];
    fusedInv = new long[levels][];
    fusedInvShoup = new long[levels][];
    specialInvLast = new long[levels];
    specialInvLastShoup = new long[levels];
    for (int l = 0; l < levels; l++) {
      java.math.BigInteger ql = BigInteger.valueOf(primes[l]);
      java.math.BigInteger pq = bigP.multiply(ql);
      java.math.BigInteger h = pq.shiftRight(1);
      fusedHalfModP[l] = h.mod(bigP).longValue();
      fusedHalfModLast[l] = h.mod(ql).longValue();
      specialInvLast[l] = moduli[l].inverse(specialModData[l]);
      specialInvLastShoup[l] = moduli[l].shoup(specialInvLast[l]);
      fusedHalfModData[l] = new long[l];
      fusedInv[l] = new long[l];
      fusedInvShoup[l] = new long[l];
      for (int j = 0; j < l; j++) {
        java.math.BigInteger qj = BigInteger.valueOf(primes[j]);
        fusedHalfModData[l][j] = h.mod(qj).longValue();
        fusedInv[l][j] = pq.mod(qj).modInverse(qj).longValue();
        fusedInvShoup[l][j] = moduli[j].shoup(fusedInv[l][j]);
      }
    }
    id = computeId(n, primes, layout);
  }

  /**
   * Validates a spec.
   *
   * @throws HeException if N is not a power of two in range, there are fewer than 2 primes, a prime
   *     is not an NTT-friendly prime of at most 60 bits or is repeated, the key-switching layout
   *     has no data prime, no special prime or not 1 to L+1 digits, or the set (every data and
   *     special prime counted) exceeds the 128-bit bound without the insecure flag
   */
  public static CkksParameters create(CkksSpec spec) {
    int n = spec.polyModulusDegree();
    if (n < MIN_INSECURE_N || n > MAX_N || Integer.bitCount(n) != 1) {
      throw new HeException(
          "poly modulus degree must be a power of two in ["
              + MIN_INSECURE_N
              + ", "
              + MAX_N
              + "], got "
              + n);
    }
    int[] bitSizes = spec.coeffModulusBits();
    long[] primes = spec.primes();
    if ((bitSizes == null) == (primes == null)) {
      throw new HeException("give exactly one of coeffModulusBits and primes");
    }
    if (primes == null) {
      try {
        primes = CoeffModulus.create(n, bitSizes);
      } catch (IllegalArgumentException e) {
        throw new HeException("cannot choose primes for " + spec + ": " + e.getMessage());
      }
    }
    if (primes.length < 2 || primes.length > MAX_PRIMES) {
      throw new HeException(
          "need between 2 and "
              + MAX_PRIMES
              + " primes (data primes and the special prime), got "
              + primes.length);
    }
    int special = spec.specialPrimes();
    if (special < 1 || special >= primes.length) {
      throw new HeException(
          "need at least one data prime and one special prime, got "
              + special
              + " special primes of "
              + primes.length);
    }
    int data = primes.length - special;
    KeySwitchLayout layout;
    if (spec.keySwitchDigits() == 0) {
      if (special != 1) {
        throw new HeException(
            "SEAL's key-switching layout has one special prime, got "
                + special
                + "; use CkksSpec.withKeySwitching for more");
      }
      layout = KeySwitchLayout.seal(data);
    } else {
      layout = KeySwitchLayout.hybrid(data, spec.keySwitchDigits(), special);
    }
    Set<Long> seen = new HashSet<>();
    int bits = 0;
    for (long p : primes) {
      if (p < 2 || 64 - Long.numberOfLeadingZeros(p) > CoeffModulus.MAX_BITS) {
        throw new HeException("prime " + p + " is not in [2, 2^" + CoeffModulus.MAX_BITS + ")");
      }
      if ((p - 1) % (2L * n) != 0 || !Modulus.isPrime(p)) {
        throw new HeException(p + " is not a prime congruent to 1 mod 2N = " + 2L * n);
      }
      if (!seen.add(p)) {
        throw new HeException("prime " + p + " is repeated");
      }
      bits += 64 - Long.numberOfLeadingZeros(p);
    }
    if (!spec.insecure()) {
      if (n < MIN_SECURE_N) {
        throw new HeException(
            "N = "
                + n
                + " is below "
                + MIN_SECURE_N
                + " and cannot be 128-bit secure; "
                + "only an explicitly insecure spec (tests) may use it");
      }
      int bound = maxSecureBits(n);
      if (bits > bound) {
        throw new HeException(
            "log2(QP) = "
                + bits
                + " exceeds the HE-standard 128-bit bound "
                + bound
                + " for N = "
                + n
                + "; only an explicitly insecure spec (tests) may use it");
      }
    }
    return new CkksParameters(spec, primes, layout);
  }

  /**
   * HE-standard maximal log2(QP) for 128-bit security (ternary secret) at ring degree n &ge; 1024.
   */
  public static int maxSecureBits(int n) {
    int idx = Integer.numberOfTrailingZeros(n) - 10;
    if (n < MIN_SECURE_N || n > MAX_N || Integer.bitCount(n) != 1) {
      throw new HeException("no 128-bit bound for N = " + n);
    }
    return SECURE_BITS[idx];
  }

  /**
   * SEAL's layout hashes N and the primes (as it always did); the hybrid layout adds its digits and
   * special primes.
   */
  private static long computeId(int n, long[] primes, KeySwitchLayout layout) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer b = ByteBuffer.allocate(4 + 8 * primes.length + (layout.isSeal() ? 0 : 8));
      b.putInt(n);
      for (long p : primes) {
        b.putLong(p);
      }
      if (!layout.isSeal()) {
        b.putInt(layout.digitCount());
        b.putInt(layout.specialPrimeCount());
      }
      return ByteBuffer.wrap(md.digest(b.array())).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  public CkksSpec spec() {
    return spec;
  }

  /** Ring degree N. */
  public int n() {
    return n;
  }

  public int logN() {
    return logN;
  }

  /** Number of complex slots, N/2. */
  public int slots() {
    return n / 2;
  }

  /** L: the level of fresh ciphertexts; there are L+1 data primes. */
  public int maxLevel() {
    return layout.dataPrimeCount() - 1;
  }

  /** Number of moduli at the key level: L+1+k (all data primes and the k special primes). */
  public int keyLimbCount() {
    return moduli.length;
  }

  /** Index of the first special prime among the moduli (L+1; in SEAL's layout the only one, P). */
  public int specialIndex() {
    return layout.dataPrimeCount();
  }

  /**
   * How key switching decomposes and which special primes it uses: SEAL's layout unless the spec
   * asked otherwise.
   */
  public KeySwitchLayout keySwitchLayout() {
    return layout;
  }

  /**
   * The basis conversion from the primes whose indices are the set bits of {@code sourceMask},
   * built once.
   */
  BasisConversion conversion(long sourceMask) {
    return conversions.computeIfAbsent(
        sourceMask,
        mask -> {
          int[] source = new int[Long.bitCount(mask)];
          long m = mask;
          for (int s = 0; s < source.length; s++) {
            source[s] = Long.numberOfTrailingZeros(m);
            m &= m - 1;
          }
          return new BasisConversion(moduli, source);
        });
  }

  /** Prime i (i &gt; L are the special primes). */
  public long prime(int i) {
    return moduli[i].value();
  }

  /** All primes, data primes first, special primes last. */
  public long[] primes() {
    long[] p = new long[moduli.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = moduli[i].value();
    }
    return p;
  }

  public Modulus modulus(int i) {
    return moduli[i];
  }

  public NttTables nttTables(int i) {
    return ntt[i];
  }

  /**
   * Sum of the bit lengths of all primes (SEAL's total coeff modulus bit count at the key level).
   */
  public int totalBits() {
    return totalBits;
  }

  /** Sum of the bit lengths of q_0..q_level. */
  public int levelBits(int level) {
    int b = 0;
    for (int i = 0; i <= level; i++) {
      b += moduli[i].bitCount();
    }
    return b;
  }

  public boolean isInsecure() {
    return spec.insecure();
  }

  /**
   * Identifier of this parameter set (a hash of N and the primes); carried by every ciphertext and
   * key.
   */
  public long id() {
    return id;
  }

  /**
   * SEAL's GaloisTool::get_elt_from_step: step &gt; 0 rotates left, 3^step mod 2N; step &lt; 0
   * gives 3^(N/2 - |step|) mod 2N; steps are taken modulo the slot count, and 0 gives 1 (identity).
   */
  public int galoisElement(int step) {
    int slots = slots();
    int s = Math.floorMod(step, slots);
    long m = 2L * n;
    long e = 1;
    long base = 3;
    int k = s;
    while (k > 0) {
      if ((k & 1) != 0) {
        e = e * base % m;
      }
      base = base * base % m;
      k >>= 1;
    }
    return (int) e;
  }

  /** The Galois element of complex conjugation, 2N - 1. */
  public int conjugationElement() {
    return 2 * n - 1;
  }

  /**
   * Permutation of NTT slots for X -&gt; X^elt in SEAL's bit-reversed layout: result[k] =
   * a[table[k]].
   *
   * @throws HeException if elt is not odd or not in [1, 2N)
   */
  public int[] galoisTable(int elt) {
    if ((elt & 1) == 0 || elt < 1 || elt >= 2 * n) {
      throw new HeException("Galois element must be odd and in [1, 2N), got " + elt);
    }
    return galoisTables.computeIfAbsent(elt, this::buildGaloisTable);
  }

  private int[] buildGaloisTable(int elt) {
    int[] t = new int[n];
    long mask = n - 1;
    for (int k = 0; k < n; k++) {
      long e = 2L * NttTables.bitReverse(k, logN) + 1;
      int src = (int) (((e * elt) >> 1) & mask);
      t[k] = NttTables.bitReverse(src, logN);
    }
    return t;
  }

  /**
   * Checks that an object (ciphertext, plaintext, key) carrying {@code otherId} belongs to this
   * parameter set.
   *
   * @param what names the object in the message
   * @param op names the operation in the message
   * @throws ParameterMismatchException if {@code otherId} is not this set's id
   */
  public void check(long otherId, String what, String op) {
    if (otherId != id) {
      throw new ParameterMismatchException(
          op
              + ": "
              + what
              + " belongs to parameter set "
              + Long.toHexString(otherId)
              + ", not "
              + Long.toHexString(id));
    }
  }

  @Override
  public String toString() {
    return "CkksParameters[N="
        + n
        + ", primes="
        + Arrays.toString(primes())
        + ", log2QP="
        + totalBits
        + (layout.isSeal() ? "" : ", key switching " + layout)
        + (isInsecure() ? ", INSECURE" : "")
        + ", id="
        + Long.toHexString(id)
        + "]";
  }
}
