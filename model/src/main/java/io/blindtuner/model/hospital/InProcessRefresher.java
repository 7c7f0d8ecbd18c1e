package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.refresh.Refresher;
import java.util.ArrayList;
import java.util.List;

/** The hospital side of {@link Refresher}, in the same process: decrypt, decode, re-encode at the top, encrypt. */
public final class InProcessRefresher implements Refresher {
  private final KeyHolder keys;

  public InProcessRefresher(KeyHolder keys) {
    this.keys = keys;
  }

  @Override
  public List<Ciphertext> refresh(List<Ciphertext> cts) {
    List<Ciphertext> out = new ArrayList<>(cts.size());
    for (Ciphertext c : cts) {
      out.add(keys.encrypt(keys.decrypt(c)));
    }
    return out;
  }
}
