package io.blindtuner.model.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.stage.HeOps;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;

/**
 * One micro-batch at a time, every stage on the calling thread ({@link EncryptedTrainer}): the
 * reference schedule.
 */
public final class SequentialSchedule implements TrainingSchedule {
  private final Parallelism parallelism;

  /**
   * @param parallelism how each operation spreads over RNS limbs
   */
  public SequentialSchedule(Parallelism parallelism) {
    this.parallelism = parallelism;
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> s) {
    try {
      return s.toCompletableFuture().join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public Result run(TrainingJob job) {
    EnumMap<StageKind, HeOps> ops = new EnumMap<>(StageKind.class);
    for (StageKind k : StageKind.values()) {
      ops.put(k, job.keys().get(k).ops(job.params(), job.encoder(), parallelism));
    }
    Stages<Ciphertext> stages = Stages.all(job.plan().spec(), job.plan().gradientLevel(), ops::get);
    EncryptedTrainer trainer =
        new EncryptedTrainer(
            job.plan(), stages, job.refresher(), job.initialWeights(), job.firstStep());
    for (int s = job.firstStep(); s < job.steps(); s++) {
      List<EncryptedTrainer.Batch> mbs = new ArrayList<>(job.microBatches());
      for (int m = 0; m < job.microBatches(); m++) {
        mbs.add(join(job.batches().batch(s, m)));
      }
      trainer.step(mbs, job.learningRate().applyAsDouble(s));
      join(job.checkpoints().after(s + 1, trainer.weights()));
      job.onStep().accept(s);
    }
    long rotations = 0;
    long products = 0;
    for (HeOps o : ops.values()) {
      rotations += o.counter().rotations();
      products += o.counter().products();
    }
    return new Result(
        trainer.weights(),
        rotations,
        products,
        (long) job.plan().peakCiphertextsPerMicroBatch() + 3L * Operand.PARAMETERS.size());
  }
}
