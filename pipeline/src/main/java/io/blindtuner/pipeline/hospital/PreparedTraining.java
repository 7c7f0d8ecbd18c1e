package io.blindtuner.pipeline.hospital;

import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.data.TokenScaling;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.plan.TrainingPlan;
import io.blindtuner.vision.features.Pca;

/**
 * A validated training job with everything derived from it before any training or key generation: the PCA and
 * scaling fitted on the train split, the scaled tokens, the head's shape, the step count and, for an encrypted
 * run, the CKKS parameters and the plan a dry run derived. Made by {@link TrainingService#prepare}.
 *
 * @param request what was asked
 * @param pca the PCA fitted on train; null when the tokens already had {@code dim} values
 * @param scaling the standardisation and clipping fitted on train (after the PCA)
 * @param train the scaled train tokens
 * @param test the scaled test tokens
 * @param shape the head
 * @param reduction what the PCA did, for reports
 * @param steps optimizer steps in all
 * @param params the CKKS parameters; null without encryption
 * @param plan the encrypted step's plan; null without encryption
 * @param startNanos when preparation began ({@link System#nanoTime()}), for the report's total time
 */
public record PreparedTraining(TrainingRequest request, Pca pca, TokenScaling scaling, TokenSet train, TokenSet test,
    HeadShape shape, String reduction, int steps, CkksParameters params, TrainingPlan plan, long startNanos) {

  /** Steps per epoch. */
  public int stepsPerEpoch() {
    return steps / request.config().epochs();
  }
}
