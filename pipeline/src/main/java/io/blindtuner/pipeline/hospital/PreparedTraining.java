package io.blindtuner.pipeline.hospital;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.plan.TrainingPlan;

/**
 * A validated training job with everything derived from it before any training or key generation:
 * the tokens (with the PCA and scaling fitted on the train split), the step count and, for an
 * encrypted run, the CKKS parameters and the plan a dry run derived. Made by {@link
 * TrainingService#prepare}.
 *
 * @param request what was asked
 * @param tokens the scaled tokens and what made them
 * @param steps optimizer steps in all
 * @param params the CKKS parameters; null without encryption
 * @param plan the encrypted step's plan; null without encryption
 * @param startNanos when preparation began ({@link System#nanoTime()}), for the report's total time
 */
public record PreparedTraining(
    TrainingRequest request,
    HospitalTokens tokens,
    int steps,
    CkksParameters params,
    TrainingPlan plan,
    long startNanos) {

  /** Steps per epoch. */
  public int stepsPerEpoch() {
    return steps / request.config().epochs();
  }

  /** The scaled train tokens. */
  public TokenSet train() {
    return tokens.train();
  }

  /** The scaled test tokens. */
  public TokenSet test() {
    return tokens.test();
  }

  /** The head. */
  public HeadShape shape() {
    return tokens.shape();
  }

  /** What the PCA did, for reports. */
  public String reduction() {
    return tokens.reduction();
  }
}
