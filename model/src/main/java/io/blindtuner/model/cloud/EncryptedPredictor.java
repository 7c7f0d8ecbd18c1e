package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.List;
import java.util.Objects;

/**
 * The cloud's half of encrypted inference with a trained head: a packed batch of encrypted images
 * (tokens and means; no labels) through {@link Phase#ATTENTION_FORWARD}, its planned refresh and
 * {@link Phase#MLP_FORWARD}, to encrypted logits (b, *, c) that only the key holder can read. The
 * same stages, keys and plan as training, so nothing new is derived or trusted; the final weights
 * are refreshed once, on the first request, if the last update left them below the plan ({@link
 * RefreshId#weights}{@code (steps, part)}). Thread-safe: requests run one at a time.
 */
public final class EncryptedPredictor {
  private static final List<Phase> FORWARD = List.of(Phase.ATTENTION_FORWARD, Phase.MLP_FORWARD);

  private final TrainingPlan plan;
  private final Stages<Ciphertext> stages;
  private final Refresher refresher;
  private final long steps;
  private Values<Ciphertext> weights;
  private boolean refreshed;

  /**
   * @param stages the attention and MLP stages (at least), each over its own ops and keys
   * @param steps the job's weight versions; {@code weights} are the last one's
   * @param weights the trained parameters and velocities (the velocities are not used)
   * @throws IllegalArgumentException if a parameter or velocity is missing
   */
  public EncryptedPredictor(
      TrainingPlan plan,
      Stages<Ciphertext> stages,
      Refresher refresher,
      long steps,
      Values<Ciphertext> weights) {
    this.plan = Objects.requireNonNull(plan, "plan");
    this.stages = Objects.requireNonNull(stages, "stages");
    this.refresher = Objects.requireNonNull(refresher, "refresher");
    this.steps = steps;
    this.weights = EncryptedTrainer.checkWeights(weights);
  }

  /**
   * The encrypted logits of one packed batch.
   *
   * @param request the request's number, unique within the job (it names the refresh: {@link
   *     RefreshId#inference})
   * @param tokens the images' centred tokens, at the plan's level for {@link Operand#TOKENS}
   * @param means their token means, at the plan's level for {@link Operand#MEANS}
   * @throws io.blindtuner.he.ckks.HeException from a stage (e.g. a ciphertext of other parameters)
   * @throws RefreshRefusedException if the key holder refused a refresh
   */
  public synchronized Ciphertext logits(long request, Ciphertext tokens, Ciphertext means) {
    if (!refreshed) {
      // Only the parameters: the velocities' part of the refresh is not asked for.
      weights =
          EncryptedTrainer.refreshLow(plan, refresher, steps, weights.only(Operand.PARAMETERS));
      refreshed = true;
    }
    Values<Ciphertext> env =
        Values.<Ciphertext>empty()
            .with(Operand.TOKENS, tokens)
            .with(Operand.MEANS, means)
            .with(weights.only(Operand.PARAMETERS));
    for (Phase p : FORWARD) {
      env = env.with(p.run(stages, env, plan.entryLevels(p), null));
      if (p == Phase.ATTENTION_FORWARD) {
        env =
            env.with(
                EncryptedTrainer.refresh(
                    refresher,
                    RefreshId.inference(steps, request),
                    env,
                    p.refreshed(),
                    plan.refreshLevels(p)));
      }
    }
    return env.get(Operand.LOGITS);
  }
}
