package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.refresh.Refresher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The hospital side of {@link Refresher}, in the same process: decrypt, decode, re-encode at the requested level,
 * encrypt with the secret key in seeded form (the reply carries c0 and a seed: {@link #SEEDED_REPLIES}). Computes
 * on the calling thread; the actor graph calls it from the hospital's refresh actor.
 */
public final class InProcessRefresher implements Refresher {
  /** Replies are seeded symmetric ciphertexts (for {@link io.blindtuner.model.refresh.MeteredRefresher}). */
  public static final boolean SEEDED_REPLIES = true;

  private final KeyHolder keys;

  public InProcessRefresher(KeyHolder keys) {
    this.keys = keys;
  }

  @Override
  public CompletionStage<List<Ciphertext>> refresh(List<Ciphertext> cts, int[] levels) {
    try {
      return CompletableFuture.completedFuture(refreshNow(cts, levels));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * The refresh, synchronously.
   *
   * @throws IllegalArgumentException if there is not one level per ciphertext
   * @throws io.blindtuner.he.ckks.HeException if a ciphertext cannot be decrypted or a level is out of range
   */
  public List<Ciphertext> refreshNow(List<Ciphertext> cts, int[] levels) {
    if (levels.length != cts.size()) {
      throw new IllegalArgumentException(cts.size() + " ciphertexts but " + levels.length + " levels to refresh to");
    }
    List<Ciphertext> out = new ArrayList<>(cts.size());
    for (int i = 0; i < levels.length; i++) {
      out.add(keys.encryptSeeded(keys.decrypt(cts.get(i)), levels[i]).ciphertext());
    }
    return out;
  }
}
