package io.blindtuner.model.hospital;

import io.blindtuner.he.ckks.Ciphertext;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.NoiseFlooding;
import io.blindtuner.he.ckks.SecretKey;
import io.blindtuner.he.ckks.SeededCiphertext;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.Operand;
import io.blindtuner.model.cloud.RefreshId;
import io.blindtuner.model.cloud.StageKeys;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.Values;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.packing.SlotLayout;
import io.blindtuner.model.plain.BatchOrder;
import io.blindtuner.model.plain.LearningRateSchedule;
import io.blindtuner.model.plan.TrainingPlan;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One training job on the hospital's side, wherever its cloud runs: the derived plan (checked
 * before any key exists), the keys, what the cloud gets (each stage's evaluation keys and the
 * initial weights, encrypted in seeded form), the micro-batches (same order, schedule and
 * hyper-parameters as the plaintext twin), the job's refresh agreement, and the opening of the
 * trained model. Holds the secret key: hospital only.
 */
public final class HospitalJob {
  private final CkksParameters params;
  private final TrainingPlan plan;
  private final HeadShape shape;
  private final TrainingConfig config;
  private final HeadParameters start;
  private final BatchOrder order;
  private final KeyHolder keys;
  private final BatchEncryptor batches;
  private final RefreshAgreement agreement;

  private HospitalJob(
      CkksParameters params,
      TrainingPlan plan,
      HeadShape shape,
      TrainingConfig config,
      TokenSet train,
      HeadParameters start,
      SecretKey secretKey,
      Parallelism parallelism) {
    this.params = params;
    this.plan = plan;
    this.shape = shape;
    this.config = config;
    this.start = start;
    this.order = new BatchOrder(train.labels(), config);
    this.keys = new KeyHolder(params, plan.rotationSteps(), secretKey, parallelism);
    this.batches = new BatchEncryptor(keys, plan, train, order, config.batchSize());
    this.agreement = new RefreshAgreement(plan, batches.microBatches(), order.steps());
  }

  /**
   * Derives the plan, then generates the keys.
   *
   * @throws IllegalArgumentException if the data does not match the shape, the batch size is not a
   *     whole number of ciphertexts, or the parameter set is too shallow (a {@link
   *     io.blindtuner.model.plan.DepthException} naming the stage), all before any key is generated
   */
  public static HospitalJob create(
      CkksParameters params,
      HeadShape shape,
      TrainingConfig config,
      TokenSet train,
      Parallelism parallelism) {
    return create(
        params, shape, config, train, HeadParameters.initial(shape, config.seed()), parallelism);
  }

  /**
   * As {@link #create(CkksParameters, HeadShape, TrainingConfig, TokenSet, Parallelism)}, training
   * on from {@code start} instead of the shared initialisation (fine-tuning a model the hospital
   * already has, e.g. the previous version when new images arrive); the velocities start at zero.
   *
   * @throws IllegalArgumentException also if {@code start} is for another shape
   */
  public static HospitalJob create(
      CkksParameters params,
      HeadShape shape,
      TrainingConfig config,
      TokenSet train,
      HeadParameters start,
      Parallelism parallelism) {
    return create(params, shape, config, train, start, null, parallelism);
  }

  /**
   * As {@link #create(CkksParameters, HeadShape, TrainingConfig, TokenSet, HeadParameters,
   * Parallelism)}, with the secret key a restarted edge kept for this job ({@link
   * KeyHolder#writeSecretKey}), or a fresh one if null.
   *
   * @throws io.blindtuner.he.ckks.ParameterMismatchException also if the key belongs to other
   *     parameters
   */
  public static HospitalJob create(
      CkksParameters params,
      HeadShape shape,
      TrainingConfig config,
      TokenSet train,
      HeadParameters start,
      SecretKey secretKey,
      Parallelism parallelism) {
    shape.checkTraining(train, start);
    TrainingPlan plan = TrainingPlan.forHead(params, shape, config);
    return new HospitalJob(params, plan, shape, config, train, start, secretKey, parallelism);
  }

  public CkksParameters parameters() {
    return params;
  }

  public TrainingPlan plan() {
    return plan;
  }

  public HeadShape shape() {
    return shape;
  }

  public TrainingConfig config() {
    return config;
  }

  /** Weight versions of the job. */
  public int steps() {
    return order.steps();
  }

  /** Micro-batches per version. */
  public int microBatches() {
    return batches.microBatches();
  }

  /** The learning rate of each step (the twin's schedule). */
  public LearningRateSchedule learningRate() {
    return new LearningRateSchedule(config.learningRate(), config.finalFraction(), order.steps());
  }

  /** The hospital's keys (the secret key never leaves them). */
  public KeyHolder keys() {
    return keys;
  }

  /** The micro-batches, encrypted on demand. */
  public BatchEncryptor batches() {
    return batches;
  }

  /** What the hospital agrees to refresh for this job. */
  public RefreshAgreement agreement() {
    return agreement;
  }

  /**
   * Each stage's evaluation keys: exactly the Galois keys its plan needs, relinearization keys if
   * it multiplies.
   */
  public Map<StageKind, StageKeys> stageKeys() {
    Map<StageKind, StageKeys> out = new EnumMap<>(StageKind.class);
    for (StageKind k : StageKind.values()) {
      TrainingPlan.StagePlan sp = plan.stage(k);
      out.put(
          k,
          new StageKeys(
              k,
              sp.relinearization() ? Optional.of(keys.relinKeys()) : Optional.empty(),
              keys.galoisKeys().restrictTo(params, sp.rotationSteps())));
    }
    return out;
  }

  /** The start parameters and zero velocities, encrypted in seeded form at their planned levels. */
  public Map<Operand, SeededCiphertext> initialWeights() {
    SlotLayout lay = plan.spec().layout();
    double[][] packed = lay.pack(start);
    Map<Operand, SeededCiphertext> w = new EnumMap<>(Operand.class);
    for (int i = 0; i < Operand.PARAMETERS.size(); i++) {
      Operand p = Operand.PARAMETERS.get(i);
      Operand v = Operand.VELOCITIES.get(i);
      w.put(p, keys.encryptSeeded(packed[i], plan.inputLevel(p)));
      w.put(v, keys.encryptSeeded(new double[lay.slots()], plan.inputLevel(v)));
    }
    return w;
  }

  /**
   * The job's refresh guard over {@code ledger} (whose capacity must be the agreement's budget).
   */
  public RefreshGuard guard(RefreshLedger ledger, BiConsumer<RefreshId, String> onRefusal) {
    return new RefreshGuard(keys, agreement, ledger, onRefusal);
  }

  /**
   * Decrypts the trained parameters for release, flooded ({@link KeyHolder#decryptForRelease}).
   *
   * @throws IllegalStateException naming the parameter if one is missing
   * @throws io.blindtuner.he.ckks.ParameterMismatchException if a ciphertext belongs to other
   *     parameters
   */
  public Opened open(Values<Ciphertext> weights) {
    double[][] values = new double[Operand.PARAMETERS.size()][];
    double sigma = 0;
    for (int i = 0; i < values.length; i++) {
      NoiseFlooding.Release r = keys.decryptForRelease(weights.get(Operand.PARAMETERS.get(i)));
      values[i] = r.values();
      sigma = Math.max(sigma, r.valueSigma());
    }
    return new Opened(plan.spec().layout().unpack(shape, values), sigma);
  }

  /** Images one inference request carries (one packed batch). */
  public int imagesPerRequest() {
    return plan.spec().layout().batch();
  }

  /**
   * Encrypts images for an inference request, in seeded form for the wire: their tokens and token
   * means at the plan's input levels (no labels). Fewer images than {@link #imagesPerRequest()} are
   * padded with the last one.
   *
   * @param index the images of {@code data}, 1 to {@link #imagesPerRequest()} of them
   * @throws IllegalArgumentException if the count is out of range, an index is outside the data, or
   *     the data is not of the job's shape
   */
  public List<SeededCiphertext> encryptForInference(TokenSet data, int[] index) {
    SlotLayout lay = plan.spec().layout();
    if (index.length < 1 || index.length > lay.batch()) {
      throw new IllegalArgumentException(
          "an inference request carries 1 to " + lay.batch() + " images, got " + index.length);
    }
    if (data.dim() != shape.dim() || data.tokens() != shape.tokens()) {
      throw new IllegalArgumentException(
          "data (T=" + data.tokens() + ", d=" + data.dim() + ") does not match " + shape);
    }
    int[] padded = Arrays.copyOf(index, lay.batch());
    for (int i = 0; i < padded.length; i++) {
      padded[i] = i < index.length ? index[i] : index[index.length - 1];
      if (padded[i] < 0 || padded[i] >= data.size()) {
        throw new IllegalArgumentException(
            "image " + padded[i] + " is outside the " + data.size() + " images");
      }
    }
    return List.of(
        keys.encryptSeeded(lay.tokens(data, padded), plan.inputLevel(Operand.TOKENS)),
        keys.encryptSeeded(lay.means(data, padded), plan.inputLevel(Operand.MEANS)));
  }

  /**
   * Decrypts an inference reply for use beyond the key holder, flooded ({@link
   * KeyHolder#decryptForRelease}).
   *
   * @param logits the encrypted logits (b, *, c) of one request
   * @param images how many images the request carried
   * @throws IllegalArgumentException if images is out of range
   * @throws io.blindtuner.he.ckks.ParameterMismatchException if the ciphertext belongs to other
   *     parameters
   */
  public Predictions predictions(Ciphertext logits, int images) {
    SlotLayout lay = plan.spec().layout();
    if (images < 1 || images > lay.batch()) {
      throw new IllegalArgumentException(
          "a reply holds 1 to " + lay.batch() + " images, got " + images);
    }
    NoiseFlooding.Release r = keys.decryptForRelease(logits);
    double[][] out = new double[images][shape.classes()];
    for (int b = 0; b < images; b++) {
      for (int c = 0; c < shape.classes(); c++) {
        out[b][c] = r.values()[lay.index(b, 0, c)];
      }
    }
    return new Predictions(out, r.valueSigma());
  }

  /**
   * Decrypted predictions.
   *
   * @param logits per image, the head's logits (the polynomial head's: rank them, or take their
   *     exact softmax)
   * @param floodingSigma the flooding deviation each carries
   */
  public record Predictions(double[][] logits, double floodingSigma) {}

  /**
   * A released model.
   *
   * @param parameters the decrypted parameters, flooded
   * @param floodingSigma the largest flooding deviation a parameter carries (the release's
   *     precision cost)
   */
  public record Opened(HeadParameters parameters, double floodingSigma) {}
}
