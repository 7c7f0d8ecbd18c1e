package io.blindtuner.actors.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.cloud.Values;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the optimizer knows, as one immutable value that is replaced whole: the weights of the
 * current version and the gradients accumulated towards the next. An update either produces a
 * complete new state or none.
 *
 * @param version updates applied so far (the next update is for step {@code version})
 * @param weights the encrypted parameters and velocities of this version
 * @param accumulated the micro-batches of step {@code version} whose gradients are in {@code
 *     gradients}
 * @param gradients their sum (empty if none)
 */
public record OptimizerState(
    long version,
    Values<Ciphertext> weights,
    Set<Integer> accumulated,
    Values<Ciphertext> gradients) {

  public OptimizerState {
    accumulated = Set.copyOf(accumulated);
  }

  /**
   * The state of weights of version {@code version} (0 before the first update), nothing
   * accumulated.
   */
  public static OptimizerState initial(long version, Values<Ciphertext> weights) {
    return new OptimizerState(version, weights, Set.of(), Values.empty());
  }

  /** This state with one more micro-batch's gradients summed in. */
  OptimizerState accumulate(int microBatch, Values<Ciphertext> sum) {
    Set<Integer> acc = new TreeSet<>(accumulated);
    acc.add(microBatch);
    return new OptimizerState(version, weights, acc, sum);
  }

  /** The next version: new weights, nothing accumulated. */
  OptimizerState next(Values<Ciphertext> newWeights) {
    return new OptimizerState(version + 1, newWeights, Set.of(), Values.empty());
  }
}
