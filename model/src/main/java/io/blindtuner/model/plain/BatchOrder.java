package io.blindtuner.model.plain;

import java.util.SplittableRandom;

/**
 * The seeded order in which images are visited: each epoch a fresh Fisher-Yates shuffle, cut into full batches
 * (the tail that does not fill a batch is skipped, since the encrypted packing has a fixed batch size). Twin,
 * float reference and encrypted run share it.
 */
public final class BatchOrder {
  private final int[][] batches;

  /** @throws IllegalArgumentException if there are fewer images than one batch */
  public BatchOrder(int images, int batchSize, int epochs, long seed) {
    if (batchSize <= 0 || epochs <= 0) {
      throw new IllegalArgumentException("batch size and epochs must be positive: " + batchSize + ", " + epochs);
    }
    if (images < batchSize) {
      throw new IllegalArgumentException(images + " images cannot fill one batch of " + batchSize);
    }
    int perEpoch = images / batchSize;
    batches = new int[perEpoch * epochs][];
    SplittableRandom r = new SplittableRandom(seed);
    int[] perm = new int[images];
    for (int i = 0; i < images; i++) {
      perm[i] = i;
    }
    for (int e = 0; e < epochs; e++) {
      for (int i = images - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      for (int s = 0; s < perEpoch; s++) {
        batches[e * perEpoch + s] = java.util.Arrays.copyOfRange(perm, s * batchSize, (s + 1) * batchSize);
      }
    }
  }

  public int steps() {
    return batches.length;
  }

  /** The image indices of step s (a copy). */
  public int[] batch(int s) {
    return batches[s].clone();
  }
}
