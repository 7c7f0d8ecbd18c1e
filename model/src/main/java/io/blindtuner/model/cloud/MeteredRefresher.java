package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.wire.WireCodec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the round trips, ciphertexts and bytes that pass through a {@link Refresher}. Thread-safe:
 * the actor graph has several round trips in flight.
 */
public final class MeteredRefresher implements Refresher {
  private final Refresher inner;
  private final WireCodec codec;
  private final boolean seededReplies;
  private final LongAdder roundTrips = new LongAdder();
  private final LongAdder ciphertexts = new LongAdder();
  private final LongAdder bytesToHospital = new LongAdder();
  private final LongAdder bytesToCloud = new LongAdder();

  /**
   * @param codec the wire format the bytes are counted in (residues; headers apart)
   * @param seededReplies whether the key holder replies with seeded symmetric ciphertexts (c0 and a
   *     seed on the wire)
   */
  public MeteredRefresher(Refresher inner, WireCodec codec, boolean seededReplies) {
    this.inner = inner;
    this.codec = codec;
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
      bytesToHospital.add(codec.residueBytes(c));
    }
    return inner
        .refresh(id, cts, levels)
        .thenApply(
            out -> {
              for (Ciphertext c : out) {
                bytesToCloud.add(seededReplies ? codec.seededBytes(c) : codec.residueBytes(c));
              }
              return out;
            });
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
