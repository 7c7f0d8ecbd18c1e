package io.blindtuner.he.ckks;

import java.util.Arrays;

/**
 * Unchecked description of a CKKS parameter set; {@link CkksParameters#create(CkksSpec)} validates it.
 *
 * <p>Give either prime bit sizes (primes are then chosen as SEAL's CoeffModulus::Create does) or explicit
 * primes. The last prime is the special (key-switching) prime P; the others are the data primes q_0..q_L.
 *
 * @param polyModulusDegree ring degree N
 * @param coeffModulusBits bit size per prime, or null when {@code primes} is given
 * @param primes explicit primes, or null when {@code coeffModulusBits} is given
 * @param insecure allow sets above the HE-standard 128-bit bound and N below 1024 (tests only)
 */
public record CkksSpec(int polyModulusDegree, int[] coeffModulusBits, long[] primes, boolean insecure) {
    public CkksSpec {
        coeffModulusBits = coeffModulusBits == null ? null : coeffModulusBits.clone();
        primes = primes == null ? null : primes.clone();
    }

    /** A 128-bit-secure-checked spec from bit sizes, e.g. {@code of(8192, 60, 40, 40, 60)}. */
    public static CkksSpec of(int polyModulusDegree, int... coeffModulusBits) {
        return new CkksSpec(polyModulusDegree, coeffModulusBits, null, false);
    }

    /** A spec with explicit primes. */
    public static CkksSpec ofPrimes(int polyModulusDegree, long... primes) {
        return new CkksSpec(polyModulusDegree, null, primes, false);
    }

    /** This spec with the insecure flag set: for tests with small rings only. */
    public CkksSpec asInsecure() {
        return new CkksSpec(polyModulusDegree, coeffModulusBits, primes, true);
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
        return o instanceof CkksSpec s && s.polyModulusDegree == polyModulusDegree && s.insecure == insecure
                && Arrays.equals(s.coeffModulusBits, coeffModulusBits) && Arrays.equals(s.primes, primes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Integer.hashCode(polyModulusDegree) + Arrays.hashCode(coeffModulusBits)) + Arrays.hashCode(primes)
                + Boolean.hashCode(insecure);
    }

    @Override
    public String toString() {
        return "CkksSpec[N=" + polyModulusDegree + ", bits=" + Arrays.toString(coeffModulusBits) + ", primes="
                + Arrays.toString(primes) + (insecure ? ", INSECURE" : "") + "]";
    }
}
