package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.stage.HeOps;
import java.util.Objects;
import java.util.Optional;

/**
 * The evaluation keys one stage holds: Galois keys of exactly its planned steps, relinearization
 * keys only if it multiplies ciphertexts. Passed by value to the stage's actor.
 *
 * @param stage the stage
 * @param relinKeys present iff the stage's plan has ciphertext products
 * @param galoisKeys the keys of the stage's planned steps
 */
public record StageKeys(StageKind stage, Optional<RelinKeys> relinKeys, GaloisKeys galoisKeys) {
  public StageKeys {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(relinKeys, "relinKeys");
    Objects.requireNonNull(galoisKeys, "galoisKeys");
  }

  /**
   * Ops for this stage over these keys, with a strict evaluator (no rotation composed from other
   * keys).
   */
  public HeOps ops(CkksParameters params, CkksEncoder encoder, Parallelism parallelism) {
    return new HeOps(
        stage.label(),
        params,
        Evaluator.strict(params, parallelism),
        encoder,
        relinKeys,
        galoisKeys);
  }
}
