package io.blindtuner.model.refresh;

import io.blindtuner.he.ckks.Ciphertext;
import java.util.List;

/**
 * Client-aided refresh: one round trip to the key holder (the hospital), which decrypts each ciphertext and
 * re-encrypts the same slot values fresh at the top level. The slots are unchanged (up to CKKS noise), so a
 * bootstrapping implementation can replace this interface later. In-process today, over Kafka later.
 */
public interface Refresher {

  /**
   * Refreshes the ciphertexts in one round trip.
   *
   * @return fresh ciphertexts at the top level, in the same order
   * @throws io.blindtuner.he.ckks.HeException if a ciphertext belongs to other parameters or cannot be decrypted
   */
  List<Ciphertext> refresh(List<Ciphertext> ciphertexts);
}
