package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * The cloud's training step run sequentially on the calling thread: for each micro-batch of a
 * weight version the {@link Phase#MICRO_BATCH} phases in order with their refreshes, then one
 * {@link Phase#OPTIMIZER_UPDATE} of the accumulated gradients. Each stage computes with its own
 * {@link io.blindtuner.model.stage.HeOps} (its own keys); levels come from the {@link
 * TrainingPlan}. This is the schedule the overlapped actor graph must reproduce; it is kept as the
 * reference and for {@code --pipeline sequential}. Not thread-safe.
 */
public final class EncryptedTrainer {
  private final TrainingPlan plan;
  private final Stages<Ciphertext> stages;
  private final Refresher refresher;
  private Values<Ciphertext> weights;
  private long version;

  /** One micro-batch as the hospital sends it. */
  public record Batch(Ciphertext tokens, Ciphertext means, Ciphertext labels) {
    /** As values named {@link Operand#TOKENS}, {@link Operand#MEANS}, {@link Operand#LABELS}. */
    public Values<Ciphertext> values() {
      return Values.of(
          Map.of(Operand.TOKENS, tokens, Operand.MEANS, means, Operand.LABELS, labels));
    }
  }

  /**
   * @param stages all four stages, each over its own ops and keys
   * @param weights the encrypted parameters and velocities ({@link Operand#PARAMETERS}, {@link
   *     Operand#VELOCITIES})
   * @param version the weight version they are (the next step to run)
   * @throws IllegalArgumentException if a parameter or velocity is missing
   */
  public EncryptedTrainer(
      TrainingPlan plan,
      Stages<Ciphertext> stages,
      Refresher refresher,
      Values<Ciphertext> weights,
      long version) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.stages = Objects.requireNonNull(stages, "stages");
    this.refresher = Objects.requireNonNull(refresher, "refresher");
    this.weights = checkWeights(weights);
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    this.version = version;
  }

  /**
   * @throws IllegalArgumentException naming the first parameter or velocity that is missing
   */
  public static <C> Values<C> checkWeights(Values<C> weights) {
    List<Operand> need = new ArrayList<>(Operand.PARAMETERS);
    need.addAll(Operand.VELOCITIES);
    for (Operand op : need) {
      if (!weights.has(op)) {
        throw new IllegalArgumentException("the encrypted weights lack " + op);
      }
    }
    return weights.only(need);
  }

  /**
   * One weight version: refresh what the last update left below the plan, run every micro-batch,
   * apply the mean of their gradients with learning rate {@code lr}. The new weights replace the
   * old ones only once complete.
   *
   * @throws IllegalArgumentException if there is no micro-batch
   * @throws io.blindtuner.he.ckks.HeException from a stage or the refresher
   */
  public void step(List<Batch> microBatches, double lr) {
    if (microBatches.isEmpty()) {
      throw new IllegalArgumentException("a step needs at least one micro-batch");
    }
    Values<Ciphertext> w = refreshLow(plan, refresher, version, weights);
    int index = 0;
    Values<Ciphertext> gradients = Values.empty();
    for (Batch b : microBatches) {
      Values<Ciphertext> env = b.values().with(w.only(Operand.PARAMETERS));
      int mb = index++;
      for (Phase p : Phase.MICRO_BATCH) {
        env = env.with(p.run(stages, env, plan.entryLevels(p), null));
        env =
            env.with(
                refresh(
                    refresher,
                    new RefreshId(version, mb, p),
                    env,
                    p.refreshed(),
                    plan.refreshLevels(p)));
        env = env.only(Phase.liveAfter(p)).with(env.only(Operand.PARAMETERS));
      }
      gradients =
          Phase.accumulate(stages.ops(StageKind.OPTIMIZER), gradients, env.only(Operand.GRADIENTS));
    }
    Phase.Update u = new Phase.Update(lr, microBatches.size());
    weights =
        Phase.OPTIMIZER_UPDATE.run(
            stages, w.with(gradients), plan.entryLevels(Phase.OPTIMIZER_UPDATE), u);
    version++;
  }

  /**
   * The weights with those below plan refreshed as version {@code version} starts, part by part
   * ({@link TrainingPlan#weightRefreshParts}).
   */
  static Values<Ciphertext> refreshLow(
      TrainingPlan plan, Refresher refresher, long version, Values<Ciphertext> w) {
    List<List<Operand>> parts = plan.belowPlanByPart(w, Ciphertext::level);
    Values<Ciphertext> out = w;
    for (int part = 0; part < parts.size(); part++) {
      List<Operand> ops = parts.get(part);
      out =
          out.with(
              refresh(refresher, RefreshId.weights(version, part), w, ops, plan.inputLevels(ops)));
    }
    return out;
  }

  /**
   * One round trip for {@code ops} of {@code env}, as values (empty if there is nothing to
   * refresh).
   */
  static Values<Ciphertext> refresh(
      Refresher refresher, RefreshId id, Values<Ciphertext> env, List<Operand> ops, int[] levels) {
    if (ops.isEmpty()) {
      return Values.empty();
    }
    List<Ciphertext> out;
    try {
      out = refresher.refresh(id, Refresher.request(env, ops), levels).toCompletableFuture().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    Values<Ciphertext> v = Values.empty();
    for (int i = 0; i < ops.size(); i++) {
      v = v.with(ops.get(i), out.get(i));
    }
    return v;
  }

  /** The current encrypted parameters and velocities. */
  public Values<Ciphertext> weights() {
    return weights;
  }
}
