package io.blindtuner.pipeline.hospital;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import java.util.Arrays;
import java.util.Objects;

/**
 * How the encrypted run is set up: the CKKS ring and primes, how the cloud schedules the steps, and
 * threads per homomorphic operation. Whether the primes are secure and deep enough is checked when
 * the run is prepared ({@link TrainingService#prepare}), against the head it must carry.
 *
 * @param ringDegree the CKKS ring degree N
 * @param primeBits the prime sizes, data primes then the special prime
 * @param keySwitchDigits 0 for SEAL's key-switching layout; else the hybrid layout's digit count,
 *     with {@code specialPrimeBits} in place of the last prime of {@code primeBits}
 * @param specialPrimeBits the hybrid layout's special primes (empty for SEAL's layout)
 * @param pipeline how the cloud runs the steps
 * @param threads threads per homomorphic operation (over RNS limbs)
 */
public record EncryptionSettings(
    int ringDegree,
    int[] primeBits,
    int keySwitchDigits,
    int[] specialPrimeBits,
    Pipeline pipeline,
    int threads) {

  /**
   * The training default, hybrid key switching with 4 digits and special primes of 49 + 49 bits:
   * with the default primes (60 + 7 x 40 data bits) exactly the 438-bit bound at N = 16384, P as
   * wide as the widest digit (two data primes, up to 100 bits), and 54 NTTs per key switch against
   * SEAL's 72 (bench/key-switch-layouts.md). Keys in this layout are read by our own engine only
   * (SEAL cannot read them): {@code train} and the services, whose both ends are ours, use it.
   */
  public static final String DEFAULT_KEY_SWITCHING = "4:49,49";

  /** More threads than this per operation cannot help: a level has at most a few dozen limbs. */
  public static final int MAX_THREADS = 256;

  /** How the cloud runs the encrypted steps (lower case: the names are the CLI's values). */
  public enum Pipeline {
    /** One micro-batch at a time on the calling thread. */
    sequential,
    /** Stage actors with several micro-batches in flight (blindtuner.pipeline settings). */
    overlapped
  }

  /**
   * @throws IllegalArgumentException naming the option if threads are out of 1..{@value
   *     #MAX_THREADS}
   */
  public EncryptionSettings {
    Objects.requireNonNull(pipeline, "pipeline");
    if (threads < 1 || threads > MAX_THREADS) {
      throw new IllegalArgumentException(
          "--threads must be in 1.." + MAX_THREADS + ", got " + threads);
    }
    primeBits = primeBits.clone();
    specialPrimeBits = specialPrimeBits.clone();
    if (keySwitchDigits < 0 || (keySwitchDigits == 0) != (specialPrimeBits.length == 0)) {
      throw new IllegalArgumentException(
          "--key-switching: "
              + keySwitchDigits
              + " digits with "
              + specialPrimeBits.length
              + " special primes");
    }
  }

  /**
   * Parses {@code --key-switching}: {@code seal}, or {@code DIGITS:BITS,BITS...} for the hybrid
   * layout.
   *
   * @return {digits, special prime bits...}; {0} for SEAL's layout
   * @throws IllegalArgumentException naming the option if the value is neither
   */
  public static int[] parseKeySwitching(String value) {
    if ("seal".equals(value)) {
      return new int[] {0};
    }
    if (value == null || !value.matches("[0-9]{1,2}:[0-9]{1,2}(,[0-9]{1,2}){0,7}")) {
      throw new IllegalArgumentException(
          "--key-switching must be 'seal' or DIGITS:BITS,BITS... (e.g. "
              + DEFAULT_KEY_SWITCHING
              + "), got "
              + value);
    }
    String[] parts = value.split("[:,]");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = Integer.parseInt(parts[i]);
    }
    return out;
  }

  /** The parameter set these settings describe (validated by {@link CkksParameters#create}). */
  CkksSpec spec() {
    CkksSpec spec = CkksSpec.of(ringDegree, primeBits);
    return keySwitchDigits == 0 ? spec : spec.withKeySwitching(keySwitchDigits, specialPrimeBits);
  }

  /** The special primes' sizes (a copy). */
  @Override
  public int[] specialPrimeBits() {
    return specialPrimeBits.clone();
  }

  /** The prime sizes (a copy). */
  @Override
  public int[] primeBits() {
    return primeBits.clone();
  }

  /** The options that set the ring, as a user typed them, for errors. */
  String describe() {
    return "--poly-degree "
        + ringDegree
        + " --coeff-bits "
        + join(primeBits)
        + " --key-switching "
        + (keySwitchDigits == 0 ? "seal" : keySwitchDigits + ":" + join(specialPrimeBits));
  }

  private static String join(int[] bits) {
    return Arrays.toString(bits).replaceAll("[\\[\\] ]", "");
  }
}
