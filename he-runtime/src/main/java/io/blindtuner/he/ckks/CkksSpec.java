package io.blindtuner.he.ckks;

import java.util.Arrays;

/**
 * Unchecked description of a CKKS parameter set; {@link CkksParameters#create(CkksSpec)} validates
 * it.
 *
 * <p>Give either prime bit sizes (primes are then chosen as SEAL's CoeffModulus::Create does) or
 * explicit primes. The last {@code specialPrimes} primes are the special (key-switching) primes P;
 * the others are the data primes q_0..q_L. By default key switching uses SEAL's layout (one special
 * prime, one digit per data prime); {@link #withKeySwitching} asks for the hybrid layout (see
 * {@link KeySwitchLayout}), which SEAL cannot read.
 *
 * @param polyModulusDegree ring degree N
 * @param coeffModulusBits bit size per prime, or null when {@code primes} is given
 * @param primes explicit primes, or null when {@code coeffModulusBits} is given
 * @param keySwitchDigits number of hybrid key-switching digits, or 0 for SEAL's layout
 * @param specialPrimes number of special primes at the end of the list (1 in SEAL's layout)
 * @param insecure allow sets above the HE-standard 128-bit bound and N below 1024 (tests only)
 */
public record CkksSpec(
    int polyModulusDegree,
    int[] coeffModulusBits,
    long[] primes,
    int keySwitchDigits,
    int specialPrimes,
    boolean insecure) {
  public CkksSpec {
    coeffModulusBits = coeffModulusBits == null ? null : coeffModulusBits.clone();
    primes = primes == null ? null : primes.clone();
  }

  /** A 128-bit-secure-checked spec from bit sizes, e.g. {@code of(8192, 60, 40, 40, 60)}. */
  public static CkksSpec of(int polyModulusDegree, int... coeffModulusBits) {
    return new CkksSpec(polyModulusDegree, coeffModulusBits, null, 0, 1, false);
  }

  /** A spec with explicit primes. */
  public static CkksSpec ofPrimes(int polyModulusDegree, long... primes) {
    return new CkksSpec(polyModulusDegree, null, primes, 0, 1, false);
  }

  /** This spec with the insecure flag set: for tests with small rings only. */
  public CkksSpec asInsecure() {
    return new CkksSpec(
        polyModulusDegree, coeffModulusBits, primes, keySwitchDigits, specialPrimes, true);
  }

  /**
   * This spec with hybrid key switching: the data primes grouped into {@code digits} digits and
   * this spec's special primes replaced by primes of {@code specialPrimeBits}, e.g. {@code
   * of(16384, 60, 40, 40, 40, 40, 40, 40, 60).withKeySwitching(3, 60, 60)}. For the noise of SEAL's
   * layout, P (the product of the special primes) should be about as large as the widest digit.
   * Validated by {@link CkksParameters#create}, which counts the special primes in the 128-bit
   * bound.
   *
   * @throws HeException if digits &lt; 1 (more than the data primes is refused by create), there is
   *     no special prime, this spec gives explicit primes instead of bit sizes, or it has no data
   *     prime left
   */
  public CkksSpec withKeySwitching(int digits, int... specialPrimeBits) {
    if (digits < 1 || specialPrimeBits.length < 1) {
      throw new HeException(
          "withKeySwitching needs at least one digit and one special prime, got "
              + digits
              + " digits and "
              + specialPrimeBits.length
              + " special primes");
    }
    if (coeffModulusBits == null) {
      throw new HeException(
          "withKeySwitching needs a spec of prime bit sizes (CkksSpec.of), not explicit primes");
    }
    int data = coeffModulusBits.length - specialPrimes;
    if (data < 1) {
      throw new HeException("withKeySwitching: " + this + " has no data prime");
    }
    int[] bits = Arrays.copyOf(coeffModulusBits, data + specialPrimeBits.length);
    System.arraycopy(specialPrimeBits, 0, bits, data, specialPrimeBits.length);
    return new CkksSpec(polyModulusDegree, bits, null, digits, specialPrimeBits.length, insecure);
  }

  @Override
  public int[] coeffModulusBits() {
    return coeffModulusBits == null ? null : coeffModulusBits.clone();
  }

  @Override
  public long[] primes() {
    return primes == null ? null : primes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CkksSpec s
        && s.polyModulusDegree == polyModulusDegree
        && s.insecure == insecure
        && s.keySwitchDigits == keySwitchDigits
        && s.specialPrimes == specialPrimes
        && Arrays.equals(s.coeffModulusBits, coeffModulusBits)
        && Arrays.equals(s.primes, primes);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Integer.hashCode(polyModulusDegree) + Arrays.hashCode(coeffModulusBits))
        + Arrays.hashCode(primes)
        + Boolean.hashCode(insecure)
        + 17 * keySwitchDigits
        + 257 * specialPrimes;
  }

  @Override
  public String toString() {
    return "CkksSpec[N="
        + polyModulusDegree
        + ", bits="
        + Arrays.toString(coeffModulusBits)
        + ", primes="
        + Arrays.toString(primes)
        + (keySwitchDigits == 0
            ? ""
            : ", hybrid key switching: "
                + keySwitchDigits
                + " digits, "
                + specialPrimes
                + " special primes")
        + (insecure ? ", INSECURE" : "")
        + "]";
  }
}
