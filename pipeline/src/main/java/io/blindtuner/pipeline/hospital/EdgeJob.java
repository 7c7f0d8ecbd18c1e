package io.blindtuner.pipeline.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.he.wire.WireCodec;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.model.hospital.RefreshGuard;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.pipeline.kafka.MalformedRecordException;
import io.blindtuner.pipeline.wire.CipherMessage;
import io.blindtuner.pipeline.wire.JobBundle;
import io.blindtuner.pipeline.wire.JobSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.LongFunction;

/**
 * One job at the hospital edge, in wire terms: the announcement, the bundle of evaluation keys and
 * initial weights, each micro-batch's record, the answer to each refresh request (through the job's
 * {@link RefreshGuard}), and the opening of the encrypted model the cloud returns. The secret key
 * stays in its {@link HospitalJob}. Thread-safe.
 */
public final class EdgeJob {
  private final JobSpec spec;
  private final HospitalJob job;
  private final WireCodec codec;
  private final RefreshGuard guard;
  private final int maxRecordBytes;
  private final boolean resumed;

  private EdgeJob(
      JobSpec spec, HospitalJob job, RefreshGuard guard, int maxRecordBytes, boolean resumed) {
    this.spec = spec;
    this.resumed = resumed;
    this.job = job;
    this.codec = WireCodec.of(job.parameters());
    this.guard = guard;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Plans the job and generates its keys (the plan is checked first), kept in memory only.
   *
   * @param ledger opens the job's refresh ledger for the agreement's budget (a file at a real edge)
   * @param onRefusal told the reason of every refused refresh (the hospital's log and metrics)
   * @param maxRecordBytes the record limit of ciphertext topics
   * @throws IllegalArgumentException naming what does not fit, before any key is generated
   */
  public static EdgeJob create(
      String jobId,
      CkksSpec ckks,
      HeadShape shape,
      TrainingConfig config,
      TokenSet train,
      LongFunction<RefreshLedger> ledger,
      BiConsumer<RefreshId, String> onRefusal,
      int maxRecordBytes,
      Parallelism parallelism) {
    try {
      return create(
          jobId,
          ckks,
          shape,
          config,
          train,
          HeadParameters.initial(shape, config.seed()),
          EdgeKeys.inMemory(),
          ledger,
          onRefusal,
          maxRecordBytes,
          parallelism);
    } catch (IOException e) {
      throw new IllegalStateException("keys in memory cannot fail to be read or kept", e);
    }
  }

  /**
   * As the other {@code create}, training on from {@code start} (a model the hospital already has:
   * fine-tuning) instead of the shared initialisation, with the secret key in {@code keys}: the one
   * kept for this job id if there is one (a restarted edge resumes the job: {@link #resumed()}),
   * else a fresh one, kept there before anything of the job leaves the edge.
   *
   * @throws IllegalArgumentException also if {@code start} is for another shape
   * @throws IOException (a {@link io.blindtuner.model.hospital.KeyFileException} naming the file)
   *     if the kept key cannot be opened (wrong passphrase, altered file, other parameters) or a
   *     new one cannot be kept
   */
  public static EdgeJob create(
      String jobId,
      CkksSpec ckks,
      HeadShape shape,
      TrainingConfig config,
      TokenSet train,
      HeadParameters start,
      EdgeKeys keys,
      LongFunction<RefreshLedger> ledger,
      BiConsumer<RefreshId, String> onRefusal,
      int maxRecordBytes,
      Parallelism parallelism)
      throws IOException {
    JobSpec draft = new JobSpec(jobId, ckks, shape, config, 1, 1);
    CkksParameters params = draft.parameters();
    Optional<SecretKey> kept = keys.stored(jobId, params);
    HospitalJob h =
        HospitalJob.create(params, shape, config, train, start, kept.orElse(null), parallelism);
    if (kept.isEmpty()) {
      keys.keep(jobId, h.keys());
    }
    JobSpec spec = new JobSpec(jobId, ckks, shape, config, h.microBatches(), h.steps());
    return new EdgeJob(
        spec,
        h,
        h.guard(ledger.apply(h.agreement().budget()), onRefusal),
        maxRecordBytes,
        kept.isPresent());
  }

  /** The announcement. */
  public JobSpec spec() {
    return spec;
  }

  /**
   * Whether this job was started before, by an edge that kept its key ({@link EdgeKeys}): it is
   * taken up again.
   */
  public boolean resumed() {
    return resumed;
  }

  /** The hospital's side of the job (plan, keys, batches). */
  public HospitalJob hospital() {
    return job;
  }

  /** Evaluation keys (seeded) and initial weights (seeded): the blob the cloud fetches once. */
  public byte[] bundle() {
    List<SeededCiphertext> w = new ArrayList<>();
    Map<Operand, SeededCiphertext> initial = job.initialWeights();
    for (Operand op : CipherMessage.WEIGHT_ORDER) {
      w.add(initial.get(op));
    }
    byte[] weights =
        CipherMessage.seeded(CipherMessage.Kind.WEIGHTS, spec.jobId(), 0, 0, null, w, codec);
    return new JobBundle(
            codec.writeSeeded(job.keys().relinKeys()),
            codec.writeSeeded(job.keys().galoisKeys()),
            weights)
        .toBytes();
  }

  /**
   * The record of micro-batch {@code microBatch} of step {@code step}: tokens, means, labels,
   * seeded.
   */
  public byte[] batch(int step, int microBatch) {
    return CipherMessage.seeded(
        CipherMessage.Kind.BATCH,
        spec.jobId(),
        step,
        microBatch,
        null,
        job.batches().encryptSeeded(step, microBatch),
        codec);
  }

  /**
   * Answers a refresh request record: fresh ciphertexts (seeded), or one opaque refusal.
   *
   * @throws MalformedRecordException if the record is not a refresh request of this job (a dead
   *     letter)
   */
  public CompletionStage<byte[]> answer(byte[] request) {
    CipherMessage m = CipherMessage.parse(request, codec, maxRecordBytes);
    if (m.kind() != CipherMessage.Kind.REFRESH_REQUEST
        || !m.jobId().equals(spec.jobId())
        || m.phase() == null) {
      throw new MalformedRecordException(
          "not a refresh request of job "
              + spec.jobId()
              + " (a "
              + m.kind()
              + " of job "
              + m.jobId()
              + ")");
    }
    RefreshId id = m.refreshId();
    return guard
        .answer(id, m.ciphertexts(), m.levels())
        .handle(
            (fresh, refused) ->
                refused == null
                    ? CipherMessage.seeded(
                        CipherMessage.Kind.REFRESH_REPLY,
                        spec.jobId(),
                        id.step(),
                        id.microBatch(),
                        id.after(),
                        fresh,
                        codec)
                    : new CipherMessage(
                            CipherMessage.Kind.REFRESH_REFUSED,
                            spec.jobId(),
                            id.step(),
                            id.microBatch(),
                            id.after(),
                            null,
                            List.of())
                        .toBytes(codec));
  }

  /**
   * The record of inference request {@code request}: the images' tokens and means, seeded. The
   * guard is told to expect the request's refresh first, so the cloud can be answered for it (and
   * for nothing else).
   *
   * @param index the images of {@code data}, 1 to {@link HospitalJob#imagesPerRequest()} of them
   * @throws IllegalArgumentException if the images do not fit one request or the data is not the
   *     job's shape
   */
  public byte[] inferenceRequest(long request, TokenSet data, int[] index) {
    List<SeededCiphertext> images = job.encryptForInference(data, index);
    guard.expectInference(request);
    return CipherMessage.seeded(
        CipherMessage.Kind.INFERENCE_REQUEST, spec.jobId(), request, 0, null, images, codec);
  }

  /** An inference reply as read: the request it answers and the encrypted logits. */
  public record InferenceReply(long request, Ciphertext logits) {}

  /**
   * Reads an inference reply record.
   *
   * @throws MalformedRecordException if it is not an inference reply of this job with one
   *     ciphertext
   */
  public InferenceReply inferenceReply(byte[] record) {
    CipherMessage m = CipherMessage.parse(record, codec, maxRecordBytes);
    if (m.kind() != CipherMessage.Kind.INFERENCE_REPLY
        || !m.jobId().equals(spec.jobId())
        || m.ciphertexts().size() != 1) {
      throw new MalformedRecordException(
          "not an inference reply of job "
              + spec.jobId()
              + " (a "
              + m.kind()
              + " of job "
              + m.jobId()
              + ")");
    }
    return new InferenceReply(m.step(), m.ciphertexts().get(0));
  }

  /**
   * Opens the model record the cloud returned: decrypts the trained parameters.
   *
   * @throws MalformedRecordException if it is not this job's model
   */
  public HospitalJob.Opened open(byte[] model) {
    CipherMessage m = CipherMessage.parse(model, codec, Integer.MAX_VALUE);
    if (m.kind() != CipherMessage.Kind.MODEL
        || !m.jobId().equals(spec.jobId())
        || m.ciphertexts().size() != Operand.PARAMETERS.size()) {
      throw new MalformedRecordException("not the model of job " + spec.jobId());
    }
    Map<Operand, Ciphertext> p = new EnumMap<>(Operand.class);
    for (int i = 0; i < Operand.PARAMETERS.size(); i++) {
      p.put(Operand.PARAMETERS.get(i), m.ciphertexts().get(i));
    }
    return job.open(Values.of(p));
  }
}
