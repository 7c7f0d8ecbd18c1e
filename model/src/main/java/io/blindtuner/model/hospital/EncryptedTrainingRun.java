package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.HeadSpec;
import io.blindtuner.model.cloud.MeteredRefresher;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.Refresher;
import io.blindtuner.model.cloud.StageKeys;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.TrainingJob;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.plain.BatchOrder;
import io.blindtuner.model.plain.LearningRateSchedule;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

/**
 * Drives an encrypted training run from the hospital's side, in one process: derives and checks the plan (before
 * any key exists), generates the keys, gives each stage exactly the keys its plan needs, encrypts the shared
 * initialisation and the micro-batches (same order, schedule and hyper-parameters as the twin; seeded
 * ciphertexts, counted at their wire size), lets a {@link TrainingSchedule} run the cloud's side with evaluation
 * keys and a refresher only, and decrypts the trained parameters.
 */
public final class EncryptedTrainingRun {

  private EncryptedTrainingRun() {}

  /**
   * What the run measured.
   *
   * @param parameters the decrypted trained parameters
   * @param steps weight versions (optimizer updates)
   * @param microBatches micro-batches per step
   * @param secondsPerStep wall time per step (cloud work, batch encryption and refreshes)
   * @param rotations rotations in total
   * @param multiplications ciphertext products in total
   * @param refreshRoundTrips refresh round trips in total
   * @param refreshedCiphertexts ciphertexts refreshed in total
   * @param bytesToCloud batches, initial weights and refreshed ciphertexts sent to the cloud
   * @param bytesFromCloud ciphertexts sent for refresh and the trained parameters returned
   * @param peakCiphertextsAlive the most ciphertexts the schedule held at once
   * @param plan the derived plan
   */
  public record Result(HeadParameters parameters, int steps, int microBatches, double secondsPerStep, long rotations,
      long multiplications, long refreshRoundTrips, long refreshedCiphertexts, long bytesToCloud, long bytesFromCloud,
      long peakCiphertextsAlive, TrainingPlan plan) {}

  /**
   * Checks the plan for a head on a parameter set: the first thing a run does, before any key is generated.
   *
   * @throws IllegalArgumentException if the batch size is not a multiple of the images one ciphertext packs
   * @throws io.blindtuner.model.plan.DepthException naming the stage if the parameter set is too shallow
   */
  public static TrainingPlan plan(CkksParameters params, HeadShape shape, TrainingConfig config) {
    SlotLayout lay = SlotLayout.forShape(shape, params.slots());
    if (config.batchSize() % lay.batch() != 0) {
      throw new IllegalArgumentException("batch size " + config.batchSize() + " must be a multiple of the "
          + lay.batch() + " images one ciphertext packs (" + params.slots() + " slots / (T*d = " + lay.batchStride()
          + "))");
    }
    return TrainingPlan.derive(params,
        HeadSpec.of(lay, HeadFunctions.polynomial(shape.classes()), config.momentum(), config.weightDecay()));
  }

  /**
   * Runs the whole job.
   *
   * @param roundTrip wraps the hospital's refresher as the cloud reaches it (identity in process; a delay to
   *     model a network)
   * @throws IllegalArgumentException if the batch size is not a whole number of micro-batches, the data does not
   *     match the shape, or the parameter set is too shallow (a {@link io.blindtuner.model.plan.DepthException}
   *     naming the stage), all before any key is generated
   */
  public static Result run(CkksParameters params, HeadShape shape, TrainingConfig config, TokenSet train,
      TrainingSchedule schedule, Parallelism parallelism, UnaryOperator<Refresher> roundTrip, IntConsumer onStep) {
    if (train.dim() != shape.dim() || train.tokens() != shape.tokens() || train.classes() != shape.classes()) {
      throw new IllegalArgumentException("data (T=" + train.tokens() + ", d=" + train.dim() + ", C="
          + train.classes() + ") does not match " + shape);
    }
    TrainingPlan plan = plan(params, shape, config);
    BatchOrder order = new BatchOrder(train.size(), config.batchSize(), config.epochs(), config.seed());
    KeyHolder keys = new KeyHolder(params, plan.rotationSteps(), parallelism);
    Map<StageKind, StageKeys> stageKeys = new EnumMap<>(StageKind.class);
    for (StageKind k : StageKind.values()) {
      TrainingPlan.StagePlan sp = plan.stage(k);
      stageKeys.put(k, new StageKeys(k, sp.relinearization() ? Optional.of(keys.relinKeys()) : Optional.empty(),
          keys.galoisKeys().restrictTo(params, sp.rotationSteps())));
    }
    SlotLayout lay = plan.spec().layout();
    RefreshAgreement agreement = new RefreshAgreement(plan, config.batchSize() / lay.batch(), order.steps());
    List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    RefreshGuard guard = new RefreshGuard(keys, agreement, RefreshLedger.inMemory(agreement.budget()),
        (id, reason) -> refusals.add(id + ": " + reason));
    MeteredRefresher refresher = new MeteredRefresher(roundTrip.apply(guard), RefreshGuard.SEEDED_REPLIES);
    long up = 0;
    double[][] packed = lay.pack(HeadParameters.initial(shape, config.seed()));
    Map<Operand, Ciphertext> w = new EnumMap<>(Operand.class);
    for (int i = 0; i < Operand.PARAMETERS.size(); i++) {
      Operand p = Operand.PARAMETERS.get(i);
      Operand v = Operand.VELOCITIES.get(i);
      w.put(p, keys.encryptSeeded(packed[i], plan.inputLevel(p)).ciphertext());
      w.put(v, keys.encryptSeeded(new double[lay.slots()], plan.inputLevel(v)).ciphertext());
      up += MeteredRefresher.seededWireBytes(w.get(p)) + MeteredRefresher.seededWireBytes(w.get(v));
    }
    BatchEncryptor batches = new BatchEncryptor(keys, plan, train, order, config.batchSize());
    LearningRateSchedule lr = new LearningRateSchedule(config.learningRate(), config.finalFraction(), order.steps());
    TrainingJob job = new TrainingJob("local", params, keys.encoder(), plan, stageKeys, Values.of(w), batches,
        refresher, order.steps(), batches.microBatches(), lr::rate, onStep);
    long start = System.nanoTime();
    TrainingSchedule.Result r;
    try {
      r = schedule.run(job);
    } catch (RuntimeException e) {
      // in one process the cloud is ours: a refusal is a bug, and its reason belongs in the error
      if (!refusals.isEmpty()) {
        e.addSuppressed(new IllegalStateException("the hospital refused " + refusals));
      }
      throw e;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double[][] values = new double[Operand.PARAMETERS.size()][];
    long down = 0;
    for (int i = 0; i < values.length; i++) {
      Ciphertext c = r.weights().get(Operand.PARAMETERS.get(i));
      values[i] = keys.decrypt(c);
      down += MeteredRefresher.wireBytes(c);
    }
    return new Result(lay.unpack(shape, values), order.steps(), batches.microBatches(), seconds / order.steps(),
        r.rotations(), r.products(), refresher.roundTrips(), refresher.ciphertexts(),
        up + batches.bytesSent() + refresher.bytesToCloud(), down + refresher.bytesToHospital(),
        r.peakCiphertextsAlive(), plan);
  }
}
