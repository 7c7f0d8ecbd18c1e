package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.wire.WireCodec;
import io.blindtuner.model.cloud.BatchFeed;
import io.blindtuner.model.cloud.EncryptedTrainer;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.plain.BatchOrder;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hospital encrypting its training micro-batches: micro-batch m of step s holds images {@code
 * [m B, (m + 1) B)} of the shared batch order's step s (B = the layout's images per ciphertext),
 * each operand in seeded form at the level the plan derived for it. Counts the bytes it sends.
 * Thread-safe (the encryptor's randomness is per call; the counter is an adder).
 */
public final class BatchEncryptor implements BatchFeed {
  private final KeyHolder keys;
  private final TrainingPlan plan;
  private final SlotLayout lay;
  private final TokenSet data;
  private final BatchOrder order;
  private final int microBatches;
  private final LongAdder bytes = new LongAdder();
  private final WireCodec codec;

  /**
   * @throws IllegalArgumentException if the order's batch is not a whole number of micro-batches
   */
  public BatchEncryptor(
      KeyHolder keys, TrainingPlan plan, TokenSet data, BatchOrder order, int batchSize) {
    this.keys = keys;
    this.codec = WireCodec.of(keys.parameters());
    this.plan = plan;
    this.lay = plan.spec().layout();
    this.data = data;
    this.order = order;
    if (batchSize % lay.batch() != 0) {
      throw new IllegalArgumentException(
          "batch size "
              + batchSize
              + " is not a multiple of the "
              + lay.batch()
              + " images one ciphertext packs");
    }
    this.microBatches = batchSize / lay.batch();
  }

  /** Encrypts on the calling thread; the feed's future is already complete. */
  @Override
  public CompletionStage<EncryptedTrainer.Batch> batch(int step, int microBatch) {
    try {
      return CompletableFuture.completedFuture(encrypt(step, microBatch));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Encrypts micro-batch {@code microBatch} of step {@code step}.
   *
   * @throws IllegalArgumentException if either is out of range
   */
  public EncryptedTrainer.Batch encrypt(int step, int microBatch) {
    List<SeededCiphertext> s = encryptSeeded(step, microBatch);
    return new EncryptedTrainer.Batch(
        s.get(0).ciphertext(), s.get(1).ciphertext(), s.get(2).ciphertext());
  }

  /**
   * Encrypts micro-batch {@code microBatch} of step {@code step} in seeded form, for the wire:
   * tokens, means, labels.
   *
   * @throws IllegalArgumentException if either is out of range
   */
  public List<SeededCiphertext> encryptSeeded(int step, int microBatch) {
    if (step < 0 || step >= order.steps()) {
      throw new IllegalArgumentException(
          "step " + step + " out of range 0.." + (order.steps() - 1));
    }
    if (microBatch < 0 || microBatch >= microBatches) {
      throw new IllegalArgumentException(
          "micro-batch " + microBatch + " out of range 0.." + (microBatches - 1));
    }
    int[] all = order.batch(step);
    int[] idx = Arrays.copyOfRange(all, microBatch * lay.batch(), (microBatch + 1) * lay.batch());
    List<SeededCiphertext> b =
        List.of(
            keys.encryptSeeded(lay.tokens(data, idx), plan.inputLevel(Operand.TOKENS)),
            keys.encryptSeeded(lay.means(data, idx), plan.inputLevel(Operand.MEANS)),
            keys.encryptSeeded(lay.labels(data, idx), plan.inputLevel(Operand.LABELS)));
    for (SeededCiphertext c : b) {
      bytes.add(codec.seededBytes(c.ciphertext()));
    }
    return b;
  }

  /** Micro-batches per step. */
  public int microBatches() {
    return microBatches;
  }

  /** Bytes of the micro-batches encrypted so far, in seeded form. */
  public long bytesSent() {
    return bytes.sum();
  }
}
