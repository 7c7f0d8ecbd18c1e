package io.blindtuner.model.plain;

import io.blindtuner.model.TrainingConfig;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The seeded order in which images are visited, cut into full batches of the same count every epoch
 * (the tail that does not fill a batch is skipped, since the encrypted packing has a fixed batch
 * size). Twin, float reference and encrypted run share it; the hospital, which knows the labels,
 * makes it.
 *
 * <p>Plain order: each epoch a fresh Fisher-Yates shuffle of all images. Class-balanced order: each
 * epoch's n slots are split equally among the classes present; a class fills its share by cycling
 * through fresh shuffles of its own images (minority images repeat, majority images take turns
 * across epochs), then the epoch is shuffled. That trains the head as if the classes were equally
 * likely, so its decision threshold does not lean to the majority class: the split's own mix
 * differs between train and test on PneumoniaMNIST (74% against 62.5% pneumonia).
 */
public final class BatchOrder {
  private final int[][] batches;

  /**
   * @param labels the training images' labels, in their order
   * @throws IllegalArgumentException if there are fewer images than one batch
   */
  public BatchOrder(int[] labels, TrainingConfig config) {
    int images = labels.length;
    int batchSize = config.batchSize();
    if (images < batchSize) {
      throw new IllegalArgumentException(images + " images cannot fill one batch of " + batchSize);
    }
    int perEpoch = images / batchSize;
    batches = new int[perEpoch * config.epochs()][];
    SplittableRandom r = new SplittableRandom(config.seed());
    int[][] pools =
        config.classBalanced()
            ? byClass(labels)
            : new int[][] {IntStream.range(0, images).toArray()};
    int[] drawn = new int[pools.length];
    int[] epoch = new int[images];
    for (int e = 0; e < config.epochs(); e++) {
      int o = 0;
      for (int c = 0; c < pools.length; c++) {
        int share = images / pools.length + (c < images % pools.length ? 1 : 0);
        for (int k = 0; k < share; k++, drawn[c]++) {
          if (drawn[c] % pools[c].length == 0) {
            shuffle(pools[c], r);
          }
          epoch[o++] = pools[c][drawn[c] % pools[c].length];
        }
      }
      if (pools.length > 1) {
        shuffle(epoch, r);
      }
      for (int s = 0; s < perEpoch; s++) {
        batches[e * perEpoch + s] = Arrays.copyOfRange(epoch, s * batchSize, (s + 1) * batchSize);
      }
    }
  }

  /** The image indices of each class that has any, in ascending class order. */
  private static int[][] byClass(int[] labels) {
    return IntStream.of(labels)
        .distinct()
        .sorted()
        .mapToObj(c -> IntStream.range(0, labels.length).filter(i -> labels[i] == c).toArray())
        .toArray(int[][]::new);
  }

  private static void shuffle(int[] a, SplittableRandom r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
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
