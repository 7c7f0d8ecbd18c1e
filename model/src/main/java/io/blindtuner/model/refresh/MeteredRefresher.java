package io.blindtuner.model.refresh;

import io.blindtuner.he.ckks.Ciphertext;
import java.util.List;

/** Counts the round trips, ciphertexts and bytes that pass through a {@link Refresher}. */
public final class MeteredRefresher implements Refresher {
  private final Refresher inner;
  private long roundTrips;
  private long ciphertexts;
  private long bytesToHospital;
  private long bytesToCloud;

  public MeteredRefresher(Refresher inner) {
    this.inner = inner;
  }

  @Override
  public List<Ciphertext> refresh(List<Ciphertext> cts, int[] levels) {
    if (cts.isEmpty()) {
      return List.of();
    }
    roundTrips++;
    ciphertexts += cts.size();
    for (Ciphertext c : cts) {
      bytesToHospital += wireBytes(c);
    }
    List<Ciphertext> out = inner.refresh(cts, levels);
    for (Ciphertext c : out) {
      bytesToCloud += wireBytes(c);
    }
    return out;
  }

  /** Raw size of a ciphertext: size * (level + 1) * N residues of 8 bytes (no compression, no seed). */
  public static long wireBytes(Ciphertext c) {
    return 8L * c.flatLength();
  }

  public long roundTrips() {
    return roundTrips;
  }

  public long ciphertexts() {
    return ciphertexts;
  }

  public long bytesToHospital() {
    return bytesToHospital;
  }

  public long bytesToCloud() {
    return bytesToCloud;
  }
}
