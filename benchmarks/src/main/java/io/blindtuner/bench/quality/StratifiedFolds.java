package io.blindtuner.bench.quality;

import io.blindtuner.vision.features.FeatureSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * K stratified folds over the train and val splits pooled: every class is dealt round the folds in
 * a seeded random order, so each fold holds about 1/K of every class. The folds depend on the seed
 * only, not on the head being scored, so every setting is scored on the same folds.
 */
final class StratifiedFolds {
  private final FeatureSet pooled;
  private final int[] foldOf;
  private final int k;

  /**
   * @throws IllegalArgumentException if k is below 2 or some class has fewer than k images
   */
  StratifiedFolds(FeatureSet train, FeatureSet val, int k, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException(
          "--folds must be 0 (the val split) or at least 2, got " + k);
    }
    this.k = k;
    this.pooled = concat(train, val);
    int classes = 0;
    for (int l : pooled.labels()) {
      classes = Math.max(classes, l + 1);
    }
    List<List<Integer>> byClass = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      byClass.add(new ArrayList<>());
    }
    for (int i = 0; i < pooled.n(); i++) {
      byClass.get(pooled.labels()[i]).add(i);
    }
    foldOf = new int[pooled.n()];
    Random r = new Random(seed);
    for (int c = 0; c < classes; c++) {
      List<Integer> members = byClass.get(c);
      if (members.size() < k) {
        throw new IllegalArgumentException(
            "--folds " + k + ": class " + c + " has only " + members.size() + " images");
      }
      Collections.shuffle(members, r);
      for (int j = 0; j < members.size(); j++) {
        foldOf[members.get(j)] = j % k;
      }
    }
  }

  int k() {
    return k;
  }

  /** The images outside fold f (to train on). */
  FeatureSet trainOf(int f) {
    return select("train", f, false);
  }

  /** The images of fold f (to score on). */
  FeatureSet heldOut(int f) {
    return select("fold" + f, f, true);
  }

  private FeatureSet select(String name, int f, boolean in) {
    int per = pooled.tokens() * pooled.dim();
    int n = 0;
    for (int i = 0; i < pooled.n(); i++) {
      if ((foldOf[i] == f) == in) {
        n++;
      }
    }
    float[] v = new float[n * per];
    int[] labels = new int[n];
    int at = 0;
    for (int i = 0; i < pooled.n(); i++) {
      if ((foldOf[i] == f) == in) {
        System.arraycopy(pooled.values(), i * per, v, at * per, per);
        labels[at++] = pooled.labels()[i];
      }
    }
    return new FeatureSet(name, n, pooled.tokens(), pooled.dim(), v, labels);
  }

  private static FeatureSet concat(FeatureSet a, FeatureSet b) {
    float[] v = new float[a.values().length + b.values().length];
    System.arraycopy(a.values(), 0, v, 0, a.values().length);
    System.arraycopy(b.values(), 0, v, a.values().length, b.values().length);
    int[] labels = new int[a.n() + b.n()];
    System.arraycopy(a.labels(), 0, labels, 0, a.n());
    System.arraycopy(b.labels(), 0, labels, a.n(), b.n());
    return new FeatureSet("train+val", a.n() + b.n(), a.tokens(), a.dim(), v, labels);
  }
}
