package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Client-aided refresh: one round trip to the key holder (the hospital), which decrypts each
 * ciphertext and re-encrypts the same slot values fresh at a requested level (a fresh ciphertext at
 * level l is cheaper to compute on and smaller on the wire than one at the top, so the cloud asks
 * for just the levels the plan derived). The slots are unchanged (up to CKKS noise), so
 * bootstrapping could replace this interface. Asynchronous: a round trip may cross a network, and a
 * caller on an actor's dispatcher must not block on it.
 */
public interface Refresher {

  /**
   * Refreshes the ciphertexts in one round trip.
   *
   * @param id which refresh of the job's plan this is; the key holder answers only what its agreed
   *     plan asks for
   * @param levels the level of each fresh ciphertext, at most the parameter set's top level
   * @return fresh ciphertexts at {@code levels}, in the same order; completes exceptionally with
   *     {@link io.blindtuner.he.ckks.HeException} if a ciphertext belongs to other parameters or
   *     cannot be refreshed (a key holder that refuses says nothing more: {@link
   *     RefreshRefusedException}), {@link io.blindtuner.he.ckks.LevelException} if a level is out
   *     of range, or {@link IllegalArgumentException} if there is not one level per ciphertext
   */
  CompletionStage<List<Ciphertext>> refresh(
      RefreshId id, List<Ciphertext> ciphertexts, int[] levels);

  /**
   * The ciphertexts of {@code ops} in {@code env} as a refresh request carries them: copies at
   * {@link TrainingPlan#REQUEST_LEVEL}, the primes above dropped.
   *
   * @throws IllegalStateException naming the operand if env lacks one of ops
   */
  static List<Ciphertext> request(Values<Ciphertext> env, List<Operand> ops) {
    List<Ciphertext> in = new ArrayList<>(ops.size());
    for (Operand op : ops) {
      in.add(env.get(op).copyAtLevel(TrainingPlan.REQUEST_LEVEL));
    }
    return in;
  }
}
