package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the round trips, ciphertexts and bytes that pass through a {@link Refresher}. Thread-safe:
 * the actor graph has several round trips in flight.
 */
public final class MeteredRefresher implements Refresher {
  /** Bytes of a seed that stands for c1 in a seeded ciphertext. */
  public static final int SEED_BYTES = 32;

  private final Refresher inner;
  private final boolean seededReplies;
  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder ciphertexts = new LongAdder();
  private final LongAdder bytesToHospital = new LongAdder();
  private final LongAdder bytesToCloud = new LongAdder();

  /**
   * @param seededReplies whether the key holder replies with seeded symmetric ciphertexts (c0 and a
   *     seed on the wire)
   */
  public MeteredRefresher(Refresher inner, boolean seededReplies) {
    this.inner = inner;
    this.seededReplies = seededReplies;
  }

  @Override
  public CompletionStage<List<Ciphertext>> refresh(
      RefreshId id, List<Ciphertext> cts, int[] levels) {
    if (cts.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    roundTrips.increment();
    ciphertexts.add(cts.size());
    for (Ciphertext c : cts) {
      bytesToHospital.add(wireBytes(c));
    }
    return inner
        .refresh(id, cts, levels)
        .thenApply(
            out -> {
              for (Ciphertext c : out) {
                bytesToCloud.add(seededReplies ? seededWireBytes(c) : wireBytes(c));
              }
              return out;
            });
  }

  /**
   * Raw size of a ciphertext: size * (level + 1) * N residues of 8 bytes (no compression, no seed).
   */
  public static long wireBytes(Ciphertext c) {
    return 8L * c.flatLength();
  }

  /**
   * Size of a fresh symmetric ciphertext in seeded form: c0 ((level + 1) * N residues) and the seed
   * of c1.
   */
  public static long seededWireBytes(Ciphertext c) {
    return 8L * (c.level() + 1) * c.n() + SEED_BYTES;
  }

  public long roundTrips() {
    return roundTrips.sum();
  }

  public long ciphertexts() {
    return ciphertexts.sum();
  }

  public long bytesToHospital() {
    return bytesToHospital.sum();
  }

  public long bytesToCloud() {
    return bytesToCloud.sum();
  }
}
