package io.blindtuner.model.stage;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a {@link CipherOps} performed: the rotation steps it used, and how many rotations,
 * ciphertext products (which need relinearization keys) and rescaling plaintext or scalar products.
 * Not thread-safe: one per ops.
 */
public final class OpCounter {
  private final TreeSet<Integer> steps = new TreeSet<>();
  private long rotations;
  private long products;
  private long plainProducts;

  void rotation(int step) {
    steps.add(step);
    rotations++;
  }

  void product() {
    products++;
  }

  void plainProduct() {
    plainProducts++;
  }

  /** Every rotation step used, ascending (positive = left). */
  public SortedSet<Integer> steps() {
    return Collections.unmodifiableSortedSet(steps);
  }

  /** The steps as an array, ascending. */
  public int[] stepArray() {
    return steps.stream().mapToInt(Integer::intValue).toArray();
  }

  public long rotations() {
    return rotations;
  }

  /** Ciphertext-by-ciphertext products (each relinearized). */
  public long products() {
    return products;
  }

  /** Products by a plaintext mask or scalar (each rescaled). */
  public long plainProducts() {
    return plainProducts;
  }
}
