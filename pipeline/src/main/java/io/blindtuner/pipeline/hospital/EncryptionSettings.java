package io.blindtuner.pipeline.hospital;

import java.util.Arrays;
import java.util.Objects;

/**
 * How the encrypted run is set up: the CKKS ring and primes, how the cloud schedules the steps, and threads per
 * homomorphic operation. Whether the primes are secure and deep enough is checked when the run is prepared
 * ({@link TrainingService#prepare}), against the head it must carry.
 *
 * @param ringDegree the CKKS ring degree N
 * @param primeBits the prime sizes, data primes then the special prime
 * @param pipeline how the cloud runs the steps
 * @param threads threads per homomorphic operation (over RNS limbs)
 */
public record EncryptionSettings(int ringDegree, int[] primeBits, Pipeline pipeline, int threads) {

  /** More threads than this per operation cannot help: a level has at most a few dozen limbs. */
  public static final int MAX_THREADS = 256;

  /** How the cloud runs the encrypted steps (lower case: the names are the CLI's values). */
  public enum Pipeline {
    /** One micro-batch at a time on the calling thread. */
    sequential,
    /** Stage actors with several micro-batches in flight (blindtuner.pipeline settings). */
    overlapped
  }

  /** @throws IllegalArgumentException naming the option if threads are out of 1..{@value #MAX_THREADS} */
  public EncryptionSettings {
    Objects.requireNonNull(pipeline, "pipeline");
    if (threads < 1 || threads > MAX_THREADS) {
      throw new IllegalArgumentException("--threads must be in 1.." + MAX_THREADS + ", got " + threads);
    }
    primeBits = primeBits.clone();
  }

  /** The prime sizes (a copy). */
  @Override
  public int[] primeBits() {
    return primeBits.clone();
  }

  /** The options that set the ring, as a user typed them, for errors. */
  String describe() {
    return "--poly-degree " + ringDegree + " --coeff-bits " + Arrays.toString(primeBits).replaceAll("[\\[\\] ]", "");
  }
}
