package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.wire.WireCodec;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.MeteredRefresher;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.Refresher;
import io.blindtuner.model.cloud.TrainingJob;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;

/**
 * Drives an encrypted training run from the hospital's side, in one process: derives and checks the
 * plan (before any key exists), generates the keys, gives each stage exactly the keys its plan
 * needs, encrypts the shared initialisation and the micro-batches (same order, schedule and
 * hyper-parameters as the twin; seeded ciphertexts, counted at their wire size), lets a {@link
 * TrainingSchedule} run the cloud's side with evaluation keys and a refresher only, and decrypts
 * the trained parameters.
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
   * @param floodingSigma the flooding deviation the released parameters carry (IND-CPA-D)
   */
  public record Result(
      HeadParameters parameters,
      int steps,
      int microBatches,
      double secondsPerStep,
      long rotations,
      long multiplications,
      long refreshRoundTrips,
      long refreshedCiphertexts,
      long bytesToCloud,
      long bytesFromCloud,
      long peakCiphertextsAlive,
      TrainingPlan plan,
      double floodingSigma) {}

  /**
   * Checks the plan for a head on a parameter set: the first thing a run does, before any key is
   * generated.
   *
   * @throws IllegalArgumentException if the batch size is not a multiple of the images one
   *     ciphertext packs
   * @throws io.blindtuner.model.plan.DepthException naming the stage if the parameter set is too
   *     shallow
   */
  public static TrainingPlan plan(CkksParameters params, HeadShape shape, TrainingConfig config) {
    return TrainingPlan.forHead(params, shape, config);
  }

  /**
   * Runs the whole job.
   *
   * @param roundTrip wraps the hospital's refresher as the cloud reaches it (identity in process; a
   *     delay to model a network)
   * @throws IllegalArgumentException if the batch size is not a whole number of micro-batches, the
   *     data does not match the shape, or the parameter set is too shallow (a {@link
   *     io.blindtuner.model.plan.DepthException} naming the stage), all before any key is generated
   */
  public static Result run(
      CkksParameters params,
      HeadShape shape,
      TrainingConfig config,
      TokenSet train,
      TrainingSchedule schedule,
      Parallelism parallelism,
      UnaryOperator<Refresher> roundTrip,
      IntConsumer onStep) {
    HospitalJob h = HospitalJob.create(params, shape, config, train, parallelism);
    WireCodec codec = WireCodec.of(params);
    List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    RefreshGuard guard =
        h.guard(
            RefreshLedger.inMemory(h.agreement().budget()),
            (id, reason) -> refusals.add(id + ": " + reason));
    MeteredRefresher refresher =
        new MeteredRefresher(roundTrip.apply(guard), codec, RefreshGuard.SEEDED_REPLIES);
    long up = 0;
    Map<Operand, Ciphertext> w = new EnumMap<>(Operand.class);
    for (Map.Entry<Operand, SeededCiphertext> e : h.initialWeights().entrySet()) {
      w.put(e.getKey(), e.getValue().ciphertext());
      up += codec.seededBytes(e.getValue().ciphertext());
    }
    TrainingJob job =
        new TrainingJob(
            "local",
            params,
            h.keys().encoder(),
            h.plan(),
            h.stageKeys(),
            Values.of(w),
            h.batches(),
            refresher,
            h.steps(),
            h.microBatches(),
            h.learningRate()::rate,
            onStep);
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
    long down = 0;
    for (Operand p : Operand.PARAMETERS) {
      down += codec.residueBytes(r.weights().get(p));
    }
    HospitalJob.Opened opened = h.open(r.weights());
    return new Result(
        opened.parameters(),
        h.steps(),
        h.microBatches(),
        seconds / h.steps(),
        r.rotations(),
        r.products(),
        refresher.roundTrips(),
        refresher.ciphertexts(),
        up + h.batches().bytesSent() + refresher.bytesToCloud(),
        down + refresher.bytesToHospital(),
        r.peakCiphertextsAlive(),
        h.plan(),
        opened.floodingSigma());
  }
}
