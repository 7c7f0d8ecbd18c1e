package io.blindtuner.pipeline.cloud;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksEncoder;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.GaloisKeys;
import io.blindtuner.he.ckks.HeException;
import io.blindtuner.he.ckks.RelinKeys;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.wire.WireCodec;
import io.blindtuner.model.cloud.BatchFeed;
import io.blindtuner.model.cloud.Checkpointer;
import io.blindtuner.model.cloud.EncryptedPredictor;
import io.blindtuner.model.cloud.EncryptedTrainer;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.Refresher;
import io.blindtuner.model.cloud.StageKeys;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.Stages;
import io.blindtuner.model.cloud.TrainingJob;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.plain.LearningRateSchedule;
import io.blindtuner.model.plan.TrainingPlan;
import io.blindtuner.model.stage.HeOps;
import io.blindtuner.pipeline.kafka.MalformedRecordException;
import io.blindtuner.pipeline.wire.CipherMessage;
import io.blindtuner.pipeline.wire.JobBundle;
import io.blindtuner.pipeline.wire.JobSpec;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * One job on the cloud's side, in wire terms: the plan derived from the announcement (the same one
 * the hospital derived), each stage's keys restricted from the bundle to exactly the steps its plan
 * needs, the initial weights, and the reading and writing of every record the job exchanges, each
 * checked against the plan (kind, job, step, micro-batch, count and levels) so that nothing
 * malformed reaches a stage. No secret key.
 */
public final class CloudJob {
  private final JobSpec spec;
  private final CkksParameters params;
  private final TrainingPlan plan;
  private final WireCodec codec;
  private final CkksEncoder encoder;
  private final Map<StageKind, StageKeys> keys;
  private final Values<Ciphertext> initialWeights;
  private final int maxRecordBytes;

  private CloudJob(
      JobSpec spec,
      CkksParameters params,
      TrainingPlan plan,
      Map<StageKind, StageKeys> keys,
      Values<Ciphertext> initialWeights,
      int maxRecordBytes) {
    this.spec = spec;
    this.params = params;
    this.plan = plan;
    this.codec = WireCodec.of(params);
    this.encoder = new CkksEncoder(params);
    this.keys = keys;
    this.initialWeights = initialWeights;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Derives the job's plan and takes its keys and initial weights from the bundle.
   *
   * @throws MalformedRecordException saying what does not fit: parameters or plan that cannot be
   *     derived, micro-batches that disagree with the plan, keys or weights that are malformed, of
   *     other parameters, or missing a step a stage needs
   */
  public static CloudJob create(JobSpec spec, byte[] bundleBlob, int maxRecordBytes) {
    CkksParameters params;
    TrainingPlan plan;
    try {
      params = spec.parameters();
      plan = TrainingPlan.forHead(params, spec.shape(), spec.config());
    } catch (IllegalArgumentException e) {
      throw new MalformedRecordException(
          "job " + spec.jobId() + " cannot be planned: " + e.getMessage());
    }
    int perStep = spec.config().batchSize() / plan.spec().layout().batch();
    if (perStep != spec.microBatchesPerStep()) {
      throw new MalformedRecordException(
          "job "
              + spec.jobId()
              + " announces "
              + spec.microBatchesPerStep()
              + " micro-batches per step but its batch size makes "
              + perStep);
    }
    JobBundle bundle = JobBundle.parse(bundleBlob);
    WireCodec codec = WireCodec.of(params);
    RelinKeys relin = bundle.relinKeys(codec);
    GaloisKeys galois = bundle.galoisKeys(codec);
    Map<StageKind, StageKeys> keys = new EnumMap<>(StageKind.class);
    for (StageKind k : StageKind.values()) {
      TrainingPlan.StagePlan sp = plan.stage(k);
      try {
        keys.put(
            k,
            new StageKeys(
                k,
                sp.relinearization() ? Optional.of(relin) : Optional.empty(),
                galois.restrictTo(params, sp.rotationSteps())));
      } catch (HeException e) {
        throw new MalformedRecordException(
            "job bundle: stage '" + k.label() + "': " + e.getMessage());
      }
    }
    CloudJob job = new CloudJob(spec, params, plan, keys, Values.empty(), maxRecordBytes);
    return new CloudJob(
        spec,
        params,
        plan,
        keys,
        job.weights(bundle.weights(), CipherMessage.Kind.WEIGHTS, 0),
        maxRecordBytes);
  }

  public JobSpec spec() {
    return spec;
  }

  public TrainingPlan plan() {
    return plan;
  }

  public CkksParameters parameters() {
    return params;
  }

  /** The weights the hospital encrypted for version 0. */
  public Values<Ciphertext> initialWeights() {
    return initialWeights;
  }

  /** The job for a schedule, from version {@code firstStep} with {@code weights}. */
  public TrainingJob job(
      BatchFeed batches,
      Refresher refresher,
      int firstStep,
      Values<Ciphertext> weights,
      IntConsumer onStep,
      Checkpointer checkpoints) {
    LearningRateSchedule lr =
        new LearningRateSchedule(
            spec.config().learningRate(),
            spec.config().finalFraction(),
            Math.toIntExact(spec.steps()));
    return new TrainingJob(
        spec.jobId(),
        params,
        encoder,
        plan,
        keys,
        weights,
        batches,
        refresher,
        firstStep,
        Math.toIntExact(spec.steps()),
        spec.microBatchesPerStep(),
        lr::rate,
        onStep,
        checkpoints);
  }

  /**
   * Reads a micro-batch record.
   *
   * @throws MalformedRecordException if it is not a micro-batch of this job within its steps, or
   *     its ciphertexts are not the planned three at the planned levels
   */
  public Batch batch(byte[] record) {
    CipherMessage m = parse(record, CipherMessage.Kind.BATCH);
    if (m.step() >= spec.steps() || m.microBatch() >= spec.microBatchesPerStep()) {
      throw new MalformedRecordException(
          "micro-batch "
              + m.microBatch()
              + " of step "
              + m.step()
              + " is outside the job ("
              + spec.steps()
              + " steps of "
              + spec.microBatchesPerStep()
              + ")");
    }
    List<Operand> ops = List.of(Operand.TOKENS, Operand.MEANS, Operand.LABELS);
    checkLevels(m, ops);
    List<Ciphertext> c = m.ciphertexts();
    return new Batch(
        (int) m.step(), m.microBatch(), new EncryptedTrainer.Batch(c.get(0), c.get(1), c.get(2)));
  }

  /** A micro-batch as read from its record. */
  public record Batch(int step, int microBatch, EncryptedTrainer.Batch batch) {}

  /** The record of a refresh request. */
  public byte[] refreshRequest(RefreshId id, List<Ciphertext> cts, int[] levels) {
    return new CipherMessage(
            CipherMessage.Kind.REFRESH_REQUEST,
            spec.jobId(),
            id.step(),
            id.microBatch(),
            id.after(),
            levels,
            cts)
        .toBytes(codec);
  }

  /**
   * A refresh reply as read.
   *
   * @param id the refresh it answers
   * @param fresh the fresh ciphertexts (empty if refused)
   * @param refused whether the hospital refused
   */
  public record Reply(RefreshId id, List<Ciphertext> fresh, boolean refused) {}

  /**
   * Reads a refresh reply.
   *
   * @throws MalformedRecordException if it is not a reply (or refusal) of this job
   */
  public Reply refreshReply(byte[] record) {
    CipherMessage m = CipherMessage.parse(record, codec, maxRecordBytes);
    if (!m.jobId().equals(spec.jobId())
        || m.phase() == null
        || (m.kind() != CipherMessage.Kind.REFRESH_REPLY
            && m.kind() != CipherMessage.Kind.REFRESH_REFUSED)) {
      throw new MalformedRecordException(
          "not a refresh reply of job "
              + spec.jobId()
              + " (a "
              + m.kind()
              + " of job "
              + m.jobId()
              + ")");
    }
    return new Reply(
        m.refreshId(), m.ciphertexts(), m.kind() == CipherMessage.Kind.REFRESH_REFUSED);
  }

  /** An inference request as read: its number and the images' tokens and means. */
  public record Inference(long request, Ciphertext tokens, Ciphertext means) {}

  /**
   * Reads an inference request record.
   *
   * @throws MalformedRecordException if it is not an inference request of this job with the planned
   *     two ciphertexts at the planned levels
   */
  public Inference inference(byte[] record) {
    CipherMessage m = parse(record, CipherMessage.Kind.INFERENCE_REQUEST);
    checkLevels(m, List.of(Operand.TOKENS, Operand.MEANS));
    return new Inference(m.step(), m.ciphertexts().get(0), m.ciphertexts().get(1));
  }

  /** The record answering inference request {@code request} with its encrypted logits. */
  public byte[] inferenceReply(long request, Ciphertext logits) {
    return new CipherMessage(
            CipherMessage.Kind.INFERENCE_REPLY,
            spec.jobId(),
            request,
            0,
            null,
            null,
            List.of(logits))
        .toBytes(codec);
  }

  /**
   * The job's encrypted predictor over its trained {@code weights} (all ten, version {@code
   * steps}).
   */
  public EncryptedPredictor predictor(Refresher refresher, Values<Ciphertext> weights) {
    EnumMap<StageKind, HeOps> ops = new EnumMap<>(StageKind.class);
    for (StageKind k : StageKind.values()) {
      ops.put(k, keys.get(k).ops(params, encoder, Parallelism.SERIAL));
    }
    Stages<Ciphertext> stages = Stages.all(plan.spec(), plan.gradientLevel(), ops::get);
    return new EncryptedPredictor(plan, stages, refresher, spec.steps(), weights);
  }

  /**
   * The record of the weights of version {@code nextStep}: a checkpoint (kind WEIGHTS) or the
   * model.
   */
  public byte[] weightsRecord(CipherMessage.Kind kind, long nextStep, Values<Ciphertext> weights) {
    List<Operand> ops =
        kind == CipherMessage.Kind.MODEL ? Operand.PARAMETERS : CipherMessage.WEIGHT_ORDER;
    return new CipherMessage(
            kind, spec.jobId(), nextStep, 0, null, null, ops.stream().map(weights::get).toList())
        .toBytes(codec);
  }

  /**
   * Reads a weights record (the initial weights or a checkpoint) of version {@code step}.
   *
   * @throws MalformedRecordException if it is not this job's weights of that version, all ten
   */
  public Values<Ciphertext> weights(byte[] record, CipherMessage.Kind kind, long step) {
    CipherMessage m = parse(record, kind);
    if (m.step() != step || m.ciphertexts().size() != CipherMessage.WEIGHT_ORDER.size()) {
      throw new MalformedRecordException(
          "weights of version "
              + m.step()
              + " with "
              + m.ciphertexts().size()
              + " ciphertexts, expected version "
              + step
              + " with "
              + CipherMessage.WEIGHT_ORDER.size());
    }
    Map<Operand, Ciphertext> w = new EnumMap<>(Operand.class);
    for (int i = 0; i < m.ciphertexts().size(); i++) {
      w.put(CipherMessage.WEIGHT_ORDER.get(i), m.ciphertexts().get(i));
    }
    return Values.of(w);
  }

  /** The version a weights record holds, without checking it further. */
  public long version(byte[] record) {
    return parse(record, CipherMessage.Kind.WEIGHTS).step();
  }

  private CipherMessage parse(byte[] record, CipherMessage.Kind kind) {
    CipherMessage m = CipherMessage.parse(record, codec, maxRecordBytes);
    if (m.kind() != kind || !m.jobId().equals(spec.jobId())) {
      throw new MalformedRecordException(
          "expected a "
              + kind
              + " of job "
              + spec.jobId()
              + ", got a "
              + m.kind()
              + " of job "
              + m.jobId());
    }
    return m;
  }

  private void checkLevels(CipherMessage m, List<Operand> ops) {
    if (m.ciphertexts().size() != ops.size()) {
      throw new MalformedRecordException(
          m.ciphertexts().size() + " ciphertexts where " + ops + " are expected");
    }
    for (int i = 0; i < ops.size(); i++) {
      Ciphertext c = m.ciphertexts().get(i);
      if (c.size() != 2 || c.level() != plan.inputLevel(ops.get(i))) {
        throw new MalformedRecordException(
            ops.get(i)
                + " is size "
                + c.size()
                + " at level "
                + c.level()
                + "; the plan has size 2 at level "
                + plan.inputLevel(ops.get(i)));
      }
    }
  }
}
