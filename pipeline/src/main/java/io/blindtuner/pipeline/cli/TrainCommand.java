package io.blindtuner.pipeline.cli;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.HeadShape;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.SequentialSchedule;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.cloud.TrainingSchedule;
import io.blindtuner.model.data.TokenSet;
import io.blindtuner.model.eval.DomainReport;
import io.blindtuner.model.eval.Metrics;
import io.blindtuner.model.hospital.EncryptedTrainingRun;
import io.blindtuner.model.plain.BatchOrder;
import io.blindtuner.model.plain.PlainTrainer;
import io.blindtuner.model.plan.TrainingPlan;
import io.blindtuner.pipeline.hospital.HospitalTokens;
import io.blindtuner.pipeline.hospital.LocalSchedule;
import io.blindtuner.vision.features.FeatureSet;
import io.blindtuner.vision.features.TokenFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blindtuner train}: trains the head three ways on the same tokens, initialisation, batch order and
 * hyper-parameters — the float reference (exact softmax and GELU), the plaintext twin (the polynomial model in
 * double precision) and, with {@code --encrypted}, the same polynomial model on CKKS ciphertexts — then evaluates
 * each on the test split and prints a table.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
        "Train the attention + MLP head on a MedMNIST data set: float reference, plaintext twin, and with --encrypted "
            + "the encrypted head on CKKS (128-bit security). Evaluates on the test split.",
        "Tokens come from the weight-free patch featurizer on --data, or from a token file written by 'featurize' "
            + "(--tokens); a PCA fitted on train reduces them to --dim values."})
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin DatasetSource source;

  @Option(names = "--tokens", paramLabel = "FILE", description = "A token file from 'featurize' instead of --data.")
  Path tokens;

  @Option(names = "--encrypted", description = "Also train on ciphertexts (CKKS, client-aided refresh).")
  boolean encrypted;

  @Option(names = "--epochs", paramLabel = "E", defaultValue = "10", description = "Epochs (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", paramLabel = "B", defaultValue = "32",
      description = "Images per step (default ${DEFAULT-VALUE}); encrypted runs need slots / (T*d).")
  int batch;

  @Option(names = "--dim", paramLabel = "D", defaultValue = "16",
      description = "Token values after the PCA (a power of two; default ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--hidden", paramLabel = "M", defaultValue = "16",
      description = "MLP hidden units, at most T (default ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.1",
      description = "Initial learning rate of the cosine schedule (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--final-lr", paramLabel = "FRACTION", defaultValue = "0.1",
      description = "Last learning rate as a fraction of the first (default ${DEFAULT-VALUE}).")
  double finalFraction;

  @Option(names = "--momentum", paramLabel = "MU", defaultValue = "0.9",
      description = "Nesterov momentum (default ${DEFAULT-VALUE}).")
  double momentum;

  @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "1e-3",
      description = "L2 weight decay; keeps the polynomial head inside its domains (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--clip", paramLabel = "C", defaultValue = "3",
      description = "Standardised token values are clipped to [-C, C] (default ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "7",
      description = "Initialisation and batch-order seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--limit-train", paramLabel = "N", description = "Only the first N training images.")
  Integer limitTrain;

  @Option(names = "--poly-degree", paramLabel = "N", defaultValue = "16384",
      description = "CKKS ring degree (default ${DEFAULT-VALUE}).")
  int polyDegree;

  @Option(names = "--coeff-bits", paramLabel = "BITS", split = ",", defaultValue = "60,40,40,40,40,40,40,40,60",
      description = "CKKS prime sizes, data primes then the special prime (default ${DEFAULT-VALUE}); must stay "
          + "within the 128-bit bound.")
  int[] coeffBits;

  /** How the cloud runs the encrypted steps. */
  enum Pipeline {
    sequential,
    overlapped
  }

  @Option(names = "--pipeline", paramLabel = "MODE", defaultValue = "overlapped",
      description = "overlapped: stage actors with several micro-batches in flight (blindtuner.pipeline settings);"
          + " sequential: one micro-batch at a time on this thread (default ${DEFAULT-VALUE}).")
  Pipeline pipeline;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
      description = "Threads per homomorphic operation (over RNS limbs; default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path report;

  @Override
  public Integer call() throws IOException {
    // Bad input surfaces as an exception; BlindtunerCli's handler prints it as "train: message" and exits 1.
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The class count and where the tokens came from. */
  private record Split(int classes, String source) {}

  private int run(PrintWriter o, PrintWriter err) throws IOException {
    if (epochs < 1 || batch < 1 || hidden < 1 || threads < 1 || (limitTrain != null && limitTrain < 1)) {
      throw new IllegalArgumentException("--epochs, --batch, --hidden, --threads and --limit-train must be >= 1");
    }
    long t0 = System.nanoTime();
    HospitalTokens tokens = load(err);
    TokenSet trainSet = tokens.train();
    TokenSet testSet = tokens.test();
    HeadShape shape = tokens.shape();
    String reduction = tokens.reduction();
    Split split = new Split(shape.classes(), tokens.source());
    TrainingConfig cfg = new TrainingConfig(epochs, batch, lr, finalFraction, momentum, weightDecay, seed);
    int steps = new BatchOrder(trainSet.size(), batch, epochs, seed).steps();
    CkksParameters params = null;
    TrainingPlan plan = null;
    if (encrypted) {
      // The plan is derived and checked before any training, key generation or encryption.
      params = CkksParameters.create(CkksSpec.of(polyDegree, coeffBits));
      plan = EncryptedTrainingRun.plan(params, shape, cfg);
    }
    o.printf(Locale.ROOT, "data      %s: %d classes, train %d / test %d images, T=%d tokens of %d values (%s)%n",
        source.name(), split.classes(), trainSet.size(), testSet.size(), shape.tokens(), dim, reduction);
    o.printf(Locale.ROOT, "tokens    %s%n", split.source());
    o.printf(Locale.ROOT, "head      attention (trainable query) -> MLP %d -> %d -> %d; %d parameters%n", dim, hidden,
        split.classes(), shape.parameterCount());
    o.printf(Locale.ROOT, "training  %d epochs x %d steps of %d images, Nesterov mu=%.2f, weight decay %.2g, cosine lr"
        + " %.3g -> %.3g%n", epochs, steps / epochs, batch, momentum, weightDecay, lr, lr * finalFraction);
    o.flush();

    HeadFunctions poly = HeadFunctions.polynomial(split.classes());
    HeadFunctions exact = HeadFunctions.exact();
    HeadParameters floatParams;
    try (ProgressBar bar = new ProgressBar("float reference", steps, "step")) {
      floatParams = new PlainTrainer(cfg).train(shape, exact, trainSet, s -> bar.step(1));
    }
    HeadParameters twinParams;
    try (ProgressBar bar = new ProgressBar("plaintext twin", steps, "step")) {
      twinParams = new PlainTrainer(cfg).train(shape, poly, trainSet, s -> bar.step(1));
    }
    Map<String, Object> rep = new LinkedHashMap<>();
    rep.put("dataset", source.name());
    rep.put("tokens_source", split.source());
    rep.put("token_reduction", reduction);
    rep.put("train_images", trainSet.size());
    rep.put("test_images", testSet.size());
    rep.put("classes", split.classes());
    rep.put("tokens", shape.tokens());
    rep.put("dim", dim);
    rep.put("hidden", hidden);
    rep.put("epochs", epochs);
    rep.put("batch", batch);
    rep.put("steps", steps);
    rep.put("learning_rate", lr);
    rep.put("momentum", momentum);
    rep.put("weight_decay", weightDecay);
    rep.put("clip", clip);
    rep.put("seed", seed);
    rep.put("attention", poly.pooling().describe());
    rep.put("activation", poly.activation().describe());
    rep.put("softmax", poly.softmax().describe());

    Metrics floatM = Metrics.ofHead(exact, floatParams, testSet);
    Metrics twinM = Metrics.ofHead(poly, twinParams, testSet);
    Metrics encM = null;
    EncryptedTrainingRun.Result enc = null;
    if (encrypted) {
      o.printf(Locale.ROOT, "ckks      N=%d, primes %s (%d bits, 128-bit bound %d), %d slots, top level %d%n",
          params.n(), Arrays.toString(coeffBits), params.totalBits(), CkksParameters.maxSecureBits(params.n()),
          params.slots(), params.maxLevel());
      o.printf(Locale.ROOT, "plan      derived by a dry run: %d rotations and %d ciphertext products per step, %d"
          + " Galois keys in all, the attention stage holding %d and the loss %d%n",
          plan.rotationsPerStep(batch / plan.spec().layout().batch()),
          plan.productsPerStep(batch / plan.spec().layout().batch()), plan.rotationSteps().length,
          plan.stage(StageKind.ATTENTION).rotationSteps().length, plan.stage(StageKind.LOSS).rotationSteps().length);
      o.flush();
      ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1) : null;
      try (ProgressBar bar = new ProgressBar("encrypted", steps, "step")) {
        Parallelism par = pool == null ? Parallelism.SERIAL : new Parallelism(pool, threads);
        TrainingSchedule schedule = pipeline == Pipeline.sequential ? new SequentialSchedule(par)
            : new LocalSchedule(ConfigFactory.load(), FaultInjector.NONE);
        enc = EncryptedTrainingRun.run(params, shape, cfg, trainSet, schedule, par, r -> r, s -> bar.step(1));
      } finally {
        if (pool != null) {
          pool.shutdown();
        }
      }
      encM = Metrics.ofHead(poly, enc.parameters(), testSet);
    }

    o.println();
    ModelTable.header(o);
    ModelTable.row(o, "float reference", floatM);
    ModelTable.row(o, "plaintext twin", twinM);
    if (encM != null) {
      ModelTable.row(o, "encrypted (CKKS)", encM);
    }
    ModelTable.chanceNote(o, encM != null ? "encrypted model" : "plaintext twin", encM != null ? encM : twinM,
        split.classes());
    ModelTable.put(rep, "float", floatM);
    ModelTable.put(rep, "twin", twinM);
    DomainReport dom = DomainReport.measure(poly, twinParams, trainSet);
    rep.put("domain_seen", Map.of("max_abs_centred_score", dom.maxScore(),
        "attention_weight_max_error", dom.attentionWeightError(), "max_abs_preactivation", dom.maxPreActivation(),
        "gelu_max_error", dom.geluError(), "max_abs_centred_logit", dom.maxLogit(),
        "softmax_max_error", dom.softmaxError()));
    o.printf(Locale.ROOT, "%ndomain    twin on train: |score| <= %.2f (attention weight error <= %.3g), |h| <= %.2f"
        + " (GELU error <= %.3g), |centred logit| <= %.2f (softmax error <= %.3g)%n", dom.maxScore(),
        dom.attentionWeightError(), dom.maxPreActivation(), dom.geluError(), dom.maxLogit(), dom.softmaxError());
    if (enc != null) {
      ModelTable.put(rep, "encrypted", encM);
      double maxDiff = maxAbsDiff(enc.parameters(), twinParams);
      rep.put("encrypted_vs_twin_accuracy_pp", 100 * (encM.accuracy() - twinM.accuracy()));
      rep.put("encrypted_vs_twin_auc", encM.auc() - twinM.auc());
      rep.put("encrypted_vs_twin_max_parameter_diff", maxDiff);
      rep.put("release_flooding_sigma", enc.floodingSigma());
      rep.put("seconds_per_step", enc.secondsPerStep());
      rep.put("refreshes_per_step", (double) enc.refreshRoundTrips() / enc.steps());
      rep.put("refreshed_ciphertexts_per_step", (double) enc.refreshedCiphertexts() / enc.steps());
      rep.put("rotations_per_step", (double) enc.rotations() / enc.steps());
      rep.put("multiplications_per_step", (double) enc.multiplications() / enc.steps());
      rep.put("bytes_to_cloud", enc.bytesToCloud());
      rep.put("bytes_from_cloud", enc.bytesFromCloud());
      rep.put("poly_modulus_degree", params.n());
      rep.put("coeff_modulus_bits", Arrays.stream(coeffBits).boxed().toList());
      rep.put("total_modulus_bits", params.totalBits());
      rep.put("security_bits", params.isInsecure() ? 0 : 128);
      rep.put("threads", threads);
      rep.put("pipeline", pipeline.name());
      rep.put("micro_batches_per_step", enc.microBatches());
      rep.put("peak_ciphertexts_alive", enc.peakCiphertextsAlive());
      o.printf(Locale.ROOT, "encrypted vs twin: %+.2f pp accuracy, %+.4f AUC, parameters within %.2g (released"
          + " flooded against IND-CPA-D: deviation %.2g)%n", 100 * (encM.accuracy() - twinM.accuracy()),
          encM.auc() - twinM.auc(), maxDiff, enc.floodingSigma());
      o.printf(Locale.ROOT, "per step  %.2f s, %.1f rotations, %.1f ciphertext products, %.1f refresh round trips"
          + " (%.1f ciphertexts)%n", enc.secondsPerStep(), (double) enc.rotations() / enc.steps(),
          (double) enc.multiplications() / enc.steps(), (double) enc.refreshRoundTrips() / enc.steps(),
          (double) enc.refreshedCiphertexts() / enc.steps());
      o.printf(Locale.ROOT, "pipeline  %s, %d micro-batch(es) of %d images per step, at most %d ciphertexts alive%n",
          pipeline, enc.microBatches(), batch / enc.microBatches(), enc.peakCiphertextsAlive());
      o.printf(Locale.ROOT, "traffic   %.1f MB to the cloud, %.1f MB from the cloud over %d steps%n",
          enc.bytesToCloud() / 1e6, enc.bytesFromCloud() / 1e6, enc.steps());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    rep.put("total_seconds", seconds);
    o.printf(Locale.ROOT, "done      in %.1f s%n", seconds);
    if (report != null) {
      JsonReport.write(report, rep);
      o.println("report    " + report);
    }
    o.flush();
    return 0;
  }

  private HospitalTokens load(PrintWriter err) throws IOException {
    if (source.hasData() == (tokens != null)) {
      throw new IllegalArgumentException("give exactly one of --data (a MedMNIST .npz) and --tokens (a token file)");
    }
    if (tokens != null) {
      TokenFile tf = TokenFile.read(tokens);
      if (!tf.dataset().equalsIgnoreCase(source.name())) {
        throw new IllegalArgumentException(tokens + " holds " + tf.dataset() + ", not " + source.name());
      }
      FeatureSet train = tf.split("train");
      if (limitTrain != null && limitTrain < train.n()) {
        int k = limitTrain * train.tokens() * train.dim();
        train = new FeatureSet(train.split(), limitTrain, train.tokens(), train.dim(),
            Arrays.copyOf(train.values(), k), Arrays.copyOf(train.labels(), limitTrain));
      }
      return HospitalTokens.prepare(train, tf.split("test"), tf.classes(), tf.description() + " (" + tokens + ")",
          dim, hidden, clip);
    }
    // --data is given (checked above), so nothing is downloaded and no cache folder is needed
    DatasetSource.Loaded loaded = source.load(err, null);
    return HospitalTokens.patches(loaded.dataset(), loaded.file().toString(), limitTrain, dim, hidden, clip);
  }

  private static double maxAbsDiff(HeadParameters a, HeadParameters b) {
    double[] x = a.flatten();
    double[] y = b.flatten();
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }

}
