package io.blindtuner.he.seal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SEAL's EncryptionParameters (scheme, poly_modulus_degree, coeff_modulus, plain_modulus) with its
 * wire codec and modulus chain. Members on the wire: scheme (u8), N (u64), k (u64), then each prime
 * and finally the plain modulus as a nested Modulus object (header + u64 value).
 *
 * <p>The chain follows SEALContext: level k-1 is the key level (all primes, the special prime
 * last); data levels drop primes from the end, the first data level having k-1 primes.
 *
 * @param scheme 0 none, 1 BFV, 2 CKKS, 3 BGV
 * @param degree N, a power of two in [2, 131072]
 * @param coeffModulus the primes q_0 … q_{k-1}, each in (1, 2^61)
 * @param plainModulus 0 for CKKS
 */
public record SealEncryptionParameters(
    int scheme, int degree, long[] coeffModulus, long plainModulus) {
  public static final int SCHEME_CKKS = 2;

  /** SEAL_POLY_MOD_DEGREE_MAX and SEAL_COEFF_MOD_COUNT_MAX. */
  public static final int MAX_DEGREE = 131072;

  public static final int MAX_PRIMES = 64;

  public SealEncryptionParameters {
    if (scheme < 0 || scheme > 3) {
      throw new SealFormatException("EncryptionParameters: scheme " + scheme + " (expected 0..3)");
    }
    if (degree < 2 || degree > MAX_DEGREE || Integer.bitCount(degree) != 1) {
      throw new SealFormatException(
          "EncryptionParameters: poly_modulus_degree "
              + degree
              + " is not a power of two in [2, "
              + MAX_DEGREE
              + "]");
    }
    if (coeffModulus == null || coeffModulus.length < 1 || coeffModulus.length > MAX_PRIMES) {
      throw new SealFormatException(
          "EncryptionParameters: coeff_modulus must hold 1.." + MAX_PRIMES + " primes");
    }
    coeffModulus = coeffModulus.clone();
    for (long q : coeffModulus) {
      if (q <= 1 || q >= (1L << 61)) {
        throw new SealFormatException(
            "EncryptionParameters: coeff_modulus value "
                + Long.toUnsignedString(q)
                + " outside (1, 2^61)");
      }
    }
    if (plainModulus < 0 || plainModulus >= (1L << 61)) {
      throw new SealFormatException("EncryptionParameters: plain_modulus out of range");
    }
  }

  /** CKKS parameters with the given primes. */
  public static SealEncryptionParameters ckks(int degree, long... primes) {
    return new SealEncryptionParameters(SCHEME_CKKS, degree, primes, 0);
  }

  @Override
  public long[] coeffModulus() {
    return coeffModulus.clone();
  }

  /** Number of primes, special prime included. */
  public int primeCount() {
    return coeffModulus.length;
  }

  /** The primes of the level with count primes (the first count of the chain). */
  public long[] primes(int count) {
    return Arrays.copyOf(coeffModulus, count);
  }

  /** The parms_id of the level holding the first count primes. */
  public SealParmsId parmsId(int count) {
    return SealParmsId.of(scheme, degree, primes(count), plainModulus);
  }

  /** parms_id of the full parameters: the key level. */
  public SealParmsId keyParmsId() {
    return parmsId(coeffModulus.length);
  }

  /** parms_ids of the chain, key level first, then the data levels from the highest down. */
  public List<SealParmsId> chain() {
    List<SealParmsId> ids = new ArrayList<>();
    for (int c = coeffModulus.length; c >= 1; c--) {
      ids.add(parmsId(c));
      if (coeffModulus.length == 1) {
        break;
      }
    }
    return ids;
  }

  /**
   * Number of primes of the level with this parms_id.
   *
   * @throws SealFormatException if the id belongs to no level of these parameters
   */
  public int primeCountOf(SealParmsId id, String what) {
    for (int c = coeffModulus.length; c >= 1; c--) {
      if (parmsId(c).equals(id)) {
        return c;
      }
    }
    throw new SealFormatException(
        what
            + ": parms_id "
            + id
            + " belongs to no level of these encryption parameters "
            + "(N="
            + degree
            + ", coeff_modulus="
            + Arrays.toString(coeffModulus)
            + ")");
  }

  /** The SEAL 4.1 bytes of these parameters. */
  public byte[] save(SealComprMode mode) {
    return SealSerialization.save(
        mode,
        64 + 24 * coeffModulus.length,
        o -> {
          o.u8(scheme);
          o.u64(degree);
          o.u64(coeffModulus.length);
          for (long q : coeffModulus) {
            o.nested(8, m -> m.u64(q));
          }
          o.nested(8, m -> m.u64(plainModulus));
        });
  }

  /**
   * Reads SEAL EncryptionParameters.
   *
   * @throws SealFormatException if the bytes are malformed or the values invalid
   */
  public static SealEncryptionParameters load(byte[] data) {
    String what = "EncryptionParameters";
    return SealSerialization.load(
        data,
        what,
        1 << 20,
        lc -> {
          SealInput in = lc.in();
          int scheme = in.u8("scheme");
          long n = in.u64("poly_modulus_degree");
          long k = in.u64("coeff_modulus size");
          if (k < 1 || k > MAX_PRIMES) {
            throw new SealFormatException(
                what
                    + ": coeff_modulus size "
                    + Long.toUnsignedString(k)
                    + " (expected 1.."
                    + MAX_PRIMES
                    + ")");
          }
          if (n < 2 || n > MAX_DEGREE) {
            throw new SealFormatException(
                what + ": poly_modulus_degree " + Long.toUnsignedString(n) + " out of range");
          }
          long[] primes = new long[(int) k];
          for (int i = 0; i < k; i++) {
            primes[i] = in.nested("coeff_modulus[" + i + "]", h -> in.u64("modulus value"));
          }
          long plain = in.nested("plain_modulus", h -> in.u64("modulus value"));
          return new SealEncryptionParameters(scheme, (int) n, primes, plain);
        });
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SealEncryptionParameters p
        && scheme == p.scheme
        && degree == p.degree
        && plainModulus == p.plainModulus
        && Arrays.equals(coeffModulus, p.coeffModulus);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * scheme + degree) + Arrays.hashCode(coeffModulus);
  }

  @Override
  public String toString() {
    return "SealEncryptionParameters[scheme="
        + scheme
        + ", N="
        + degree
        + ", coeff_modulus="
        + Arrays.toString(coeffModulus)
        + ", plain_modulus="
        + plainModulus
        + "]";
  }
}
