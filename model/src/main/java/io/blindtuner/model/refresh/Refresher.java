package io.blindtuner.model.refresh;

import io.blindtuner.he.ckks.Ciphertext;
import java.util.List;

/**
 * Client-aided refresh: one round trip to the key holder (the hospital), which decrypts each ciphertext and
 * re-encrypts the same slot values fresh at a requested level (a fresh ciphertext at level l is cheaper to compute
 * on and smaller on the wire than one at the top, so the cloud asks for just the levels its next segment needs). The slots are unchanged (up to CKKS noise), so a
 * bootstrapping implementation can replace this interface later. In-process today, over Kafka later.
 */
public interface Refresher {

  /**
   * Refreshes the ciphertexts in one round trip.
   *
   * @param levels the level of each fresh ciphertext, at most the parameter set's top level
   * @return fresh ciphertexts at {@code levels}, in the same order
   * @throws io.blindtuner.he.ckks.HeException if a ciphertext belongs to other parameters or cannot be decrypted
   * @throws io.blindtuner.he.ckks.LevelException if a level is out of range
   * @throws IllegalArgumentException if there is not one level per ciphertext
   */
  List<Ciphertext> refresh(List<Ciphertext> ciphertexts, int[] levels);
}
