package io.blindtuner.pipeline.hospital;

import io.blindtuner.model.HeadParameters;

/**
 * The report and the trained heads (plaintext: the encrypted run's parameters are decrypted here,
 * at the hospital).
 *
 * @param report what training found
 * @param prepared the job as prepared (PCA, scaling, shape)
 * @param floatParameters the float reference
 * @param twinParameters the plaintext twin
 * @param encryptedParameters the encrypted run's decrypted parameters; null without one
 */
public record TrainingResult(
    TrainingReport report,
    PreparedTraining prepared,
    HeadParameters floatParameters,
    HeadParameters twinParameters,
    HeadParameters encryptedParameters) {}
