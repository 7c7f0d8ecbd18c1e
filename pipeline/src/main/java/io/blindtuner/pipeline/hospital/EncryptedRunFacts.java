package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.eval.Metrics;
import java.util.Arrays;
import java.util.Map;

/**
 * What the encrypted run did and cost.
 *
 * @param metrics the decrypted model's test metrics
 * @param maxParameterDiff the largest difference between the encrypted run's parameters and the
 *     twin's
 * @param releaseFloodingSigma the deviation of the noise flooding the released parameters carry
 *     (IND-CPA-D)
 * @param steps weight versions
 * @param microBatches micro-batches per step
 * @param secondsPerStep wall time per step
 * @param rotations rotations in all
 * @param multiplications ciphertext products in all
 * @param refreshRoundTrips refresh round trips in all
 * @param refreshedCiphertexts ciphertexts refreshed in all
 * @param bytesToCloud bytes the hospital sent
 * @param bytesFromCloud bytes the cloud sent
 * @param peakCiphertextsAlive the most ciphertexts alive at once
 * @param ringDegree N
 * @param primeBits the prime sizes, data then special
 * @param keySwitching the key-switching layout ({@link io.blindtuner.he.ckks.KeySwitchLayout})
 * @param totalModulusBits log2(QP)
 * @param securityBits 128, or 0 for test-only insecure parameters
 * @param slots CKKS slots
 * @param topLevel the level of fresh ciphertexts
 * @param threads threads per operation
 * @param pipeline how the cloud ran the steps
 */
public record EncryptedRunFacts(
    Metrics metrics,
    double maxParameterDiff,
    double releaseFloodingSigma,
    int steps,
    int microBatches,
    double secondsPerStep,
    long rotations,
    long multiplications,
    long refreshRoundTrips,
    long refreshedCiphertexts,
    long bytesToCloud,
    long bytesFromCloud,
    long peakCiphertextsAlive,
    int ringDegree,
    int[] primeBits,
    String keySwitching,
    int totalModulusBits,
    int securityBits,
    int slots,
    int topLevel,
    int threads,
    EncryptionSettings.Pipeline pipeline) {

  public EncryptedRunFacts {
    primeBits = primeBits.clone();
  }

  @Override
  public int[] primeBits() {
    return primeBits.clone();
  }

  /**
   * Adds the run's report fields, compared with the twin's metrics, to {@code rep} in the report's
   * order.
   */
  void putInto(Map<String, Object> rep, Metrics twin) {
    TrainingReport.put(rep, "encrypted", metrics);
    rep.put("encrypted_vs_twin_accuracy_pp", 100 * (metrics.accuracy() - twin.accuracy()));
    rep.put("encrypted_vs_twin_auc", metrics.auc() - twin.auc());
    rep.put("encrypted_vs_twin_max_parameter_diff", maxParameterDiff);
    rep.put("release_flooding_sigma", releaseFloodingSigma);
    rep.put("seconds_per_step", secondsPerStep);
    rep.put("refreshes_per_step", (double) refreshRoundTrips / steps);
    rep.put("refreshed_ciphertexts_per_step", (double) refreshedCiphertexts / steps);
    rep.put("rotations_per_step", (double) rotations / steps);
    rep.put("multiplications_per_step", (double) multiplications / steps);
    rep.put("bytes_to_cloud", bytesToCloud);
    rep.put("bytes_from_cloud", bytesFromCloud);
    rep.put("poly_modulus_degree", ringDegree);
    rep.put("coeff_modulus_bits", Arrays.stream(primeBits).boxed().toList());
    rep.put("key_switching", keySwitching);
    rep.put("total_modulus_bits", totalModulusBits);
    rep.put("security_bits", securityBits);
    rep.put("threads", threads);
    rep.put("pipeline", pipeline.name());
    rep.put("micro_batches_per_step", microBatches);
    rep.put("peak_ciphertexts_alive", peakCiphertextsAlive);
  }
}
