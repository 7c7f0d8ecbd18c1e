package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.refresh.Refresher;
import java.util.ArrayList;
import java.util.List;

/** The hospital side of {@link Refresher}, in the same process: decrypt, decode, re-encode at the requested level, encrypt. */
public final class InProcessRefresher implements Refresher {
  private final KeyHolder keys;

  public InProcessRefresher(KeyHolder keys) {
    this.keys = keys;
  }

  @Override
  public List<Ciphertext> refresh(List<Ciphertext> cts, int[] levels) {
    if (levels.length != cts.size()) {
      throw new IllegalArgumentException(cts.size() + " ciphertexts but " + levels.length + " levels to refresh to");
    }
    List<Ciphertext> out = new ArrayList<>(cts.size());
    for (int i = 0; i < levels.length; i++) {
      out.add(keys.encrypt(keys.decrypt(cts.get(i)), levels[i]));
    }
    return out;
  }
}
