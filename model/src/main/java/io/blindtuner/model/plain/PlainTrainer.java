package io.blindtuner.model.plain;

import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.data.TokenSet;
import java.util.function.IntConsumer;

/**
 * Trains the head in double precision (the twin with polynomial functions, the reference with exact
 * ones).
 */
public final class PlainTrainer {
  private final TrainingConfig config;

  public PlainTrainer(TrainingConfig config) {
    this.config = config;
  }

  /** Sees each step as it finishes. */
  @FunctionalInterface
  public interface StepListener {
    /**
     * @param step the step index
     * @param loss the batch's loss before the update
     * @param parameters the parameters after the update (read only; the trainer does not change
     *     them later)
     */
    void afterStep(int step, double loss, HeadParameters parameters);
  }

  /**
   * Runs every step of the shared batch order from the shared initialisation.
   *
   * @param onStep called with the step index after each step
   * @throws IllegalArgumentException if the data cannot fill a batch or its sizes disagree with the
   *     shape
   */
  public HeadParameters train(
      HeadShape shape, HeadFunctions functions, TokenSet train, IntConsumer onStep) {
    return train(shape, functions, train, (s, loss, p) -> onStep.accept(s));
  }

  /**
   * Runs every step of the shared batch order from the shared initialisation.
   *
   * @param listener called after each step with its loss and the updated parameters
   * @throws IllegalArgumentException if the data cannot fill a batch or its sizes disagree with the
   *     shape
   */
  public HeadParameters train(
      HeadShape shape, HeadFunctions functions, TokenSet train, StepListener listener) {
    return train(shape, functions, train, HeadParameters.initial(shape, config.seed()), listener);
  }

  /**
   * Runs every step of the shared batch order from {@code start} with zero velocities: the twin of
   * a job that fine-tunes a model the hospital already has.
   *
   * @param listener called after each step with its loss and the updated parameters
   * @throws IllegalArgumentException if the data cannot fill a batch, its sizes disagree with the
   *     shape, or {@code start} is for another shape
   */
  public HeadParameters train(
      HeadShape shape,
      HeadFunctions functions,
      TokenSet train,
      HeadParameters start,
      StepListener listener) {
    shape.checkTraining(train, start);
    BatchOrder order = new BatchOrder(train.labels(), config);
    LearningRateSchedule lr =
        new LearningRateSchedule(config.learningRate(), config.finalFraction(), order.steps());
    PlainHead head = new PlainHead(functions, config.rangePenalty());
    Nesterov opt = new Nesterov(config.momentum(), config.weightDecay(), shape.parameterCount());
    HeadParameters p = start;
    for (int s = 0; s < order.steps(); s++) {
      PlainHead.StepResult r = head.step(p, train, order.batch(s));
      p = opt.step(p, r.gradient(), lr.rate(s));
      listener.afterStep(s, r.loss(), p);
    }
    return p;
  }
}
