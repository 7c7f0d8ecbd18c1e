package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.Evaluator;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.EncryptedTrainer;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.plain.BatchOrder;
import io.blindtuner.model.plain.LearningRateSchedule;
import io.blindtuner.model.refresh.MeteredRefresher;
import io.blindtuner.model.stage.CipherOps;
import java.util.function.IntConsumer;

/**
 * Drives an encrypted training run from the hospital's side, in one process: generates the keys, encrypts the
 * shared initialisation and each batch (same order, schedule and hyper-parameters as the twin; seeded symmetric
 * ciphertexts, counted at their wire size of c0 plus a seed), lets the cloud's
 * {@link EncryptedTrainer} step with only evaluation keys and a refresher, and decrypts the trained parameters.
 */
public final class EncryptedTrainingRun {

  private EncryptedTrainingRun() {}

  /**
   * What the run measured.
   *
   * @param parameters the decrypted trained parameters
   * @param steps training steps
   * @param secondsPerStep wall time per step (cloud work, batch encryption and refreshes)
   * @param rotations rotations in total
   * @param multiplications ciphertext products in total
   * @param refreshRoundTrips refresh round trips in total
   * @param refreshedCiphertexts ciphertexts refreshed in total
   * @param bytesToCloud batches, initial parameters and refreshed ciphertexts sent to the cloud
   * @param bytesFromCloud ciphertexts sent for refresh and the trained parameters returned
   */
  public record Result(HeadParameters parameters, int steps, double secondsPerStep, long rotations,
      long multiplications, long refreshRoundTrips, long refreshedCiphertexts, long bytesToCloud,
      long bytesFromCloud) {}

  /**
   * @throws IllegalArgumentException if the batch size differs from the layout's, the data does not match the
   *     shape, or the parameter set is too shallow (naming the stage)
   */
  public static Result run(CkksParameters params, HeadShape shape, TrainingConfig config, TokenSet train,
      IntConsumer onStep) {
    return run(params, shape, config, train, Parallelism.SERIAL, onStep);
  }

  /**
   * As {@link #run(CkksParameters, HeadShape, TrainingConfig, TokenSet, IntConsumer)}, spreading the work inside
   * each homomorphic operation over RNS limbs with {@code parallelism}.
   */
  public static Result run(CkksParameters params, HeadShape shape, TrainingConfig config, TokenSet train,
      Parallelism parallelism, IntConsumer onStep) {
    SlotLayout lay = SlotLayout.forShape(shape, params.slots());
    if (config.batchSize() != lay.batch()) {
      throw new IllegalArgumentException("batch size " + config.batchSize() + " does not match the packing: "
          + params.slots() + " slots / (T*d = " + lay.batchStride() + ") = " + lay.batch() + " images per ciphertext");
    }
    if (train.dim() != shape.dim() || train.tokens() != shape.tokens() || train.classes() != shape.classes()) {
      throw new IllegalArgumentException("data (T=" + train.tokens() + ", d=" + train.dim() + ", C="
          + train.classes() + ") does not match " + shape);
    }
    KeyHolder keys = new KeyHolder(params, EncryptedTrainer.rotationSteps(lay, shape.classes()), parallelism);
    MeteredRefresher refresher = new MeteredRefresher(new InProcessRefresher(keys), InProcessRefresher.SEEDED_REPLIES);
    CipherOps ops = new CipherOps(params, new Evaluator(params, parallelism), keys.encoder(), keys.relinKeys(),
        keys.galoisKeys());
    long up = 0;
    double[][] packed = lay.pack(HeadParameters.initial(shape, config.seed()));
    Ciphertext[] theta = new Ciphertext[EncryptedTrainer.PARAMETERS];
    Ciphertext[] velocity = new Ciphertext[EncryptedTrainer.PARAMETERS];
    EncryptedTrainer.Levels lv = EncryptedTrainer.levels(ops, lay, HeadFunctions.polynomial(shape.classes()));
    for (int i = 0; i < theta.length; i++) {
      theta[i] = keys.encryptSeeded(packed[i], lv.parameters()).ciphertext();
      velocity[i] = keys.encryptSeeded(new double[lay.slots()], lv.velocities()).ciphertext();
      up += MeteredRefresher.seededWireBytes(theta[i]) + MeteredRefresher.seededWireBytes(velocity[i]);
    }
    EncryptedTrainer trainer = new EncryptedTrainer(ops, lay, HeadFunctions.polynomial(shape.classes()),
        config.momentum(), config.weightDecay(), refresher, theta, velocity);
    BatchOrder order = new BatchOrder(train.size(), config.batchSize(), config.epochs(), config.seed());
    LearningRateSchedule lr = new LearningRateSchedule(config.learningRate(), config.finalFraction(), order.steps());
    long start = System.nanoTime();
    for (int s = 0; s < order.steps(); s++) {
      int[] idx = order.batch(s);
      EncryptedTrainer.Batch batch = new EncryptedTrainer.Batch(
          keys.encryptSeeded(lay.tokens(train, idx), lv.tokens()).ciphertext(),
          keys.encryptSeeded(lay.means(train, idx), lv.means()).ciphertext(),
          keys.encryptSeeded(lay.labels(train, idx), lv.labels()).ciphertext());
      up += MeteredRefresher.seededWireBytes(batch.tokens()) + MeteredRefresher.seededWireBytes(batch.means())
          + MeteredRefresher.seededWireBytes(batch.labels());
      trainer.step(batch, lr.rate(s));
      onStep.accept(s);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Ciphertext[] out = trainer.parameters();
    double[][] values = new double[out.length][];
    long down = 0;
    for (int i = 0; i < out.length; i++) {
      values[i] = keys.decrypt(out[i]);
      down += MeteredRefresher.wireBytes(out[i]);
    }
    return new Result(lay.unpack(shape, values), order.steps(), seconds / order.steps(), ops.rotations(),
        ops.multiplications(), refresher.roundTrips(), refresher.ciphertexts(), up + refresher.bytesToCloud(),
        down + refresher.bytesToHospital());
  }
}
