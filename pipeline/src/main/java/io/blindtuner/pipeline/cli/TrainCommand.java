package io.blindtuner.pipeline.cli;

import com.typesafe.config.ConfigFactory;
import io.blindtuner.he.ckks.CkksParameters;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.cloud.StageKind;
import io.blindtuner.model.plan.TrainingPlan;
import io.blindtuner.pipeline.hospital.DatasetDefaults;
import io.blindtuner.pipeline.hospital.EncryptedRunFacts;
import io.blindtuner.pipeline.hospital.EncryptionSettings;
import io.blindtuner.pipeline.hospital.FeaturizerKind;
import io.blindtuner.pipeline.hospital.HospitalModel;
import io.blindtuner.pipeline.hospital.HospitalTokens;
import io.blindtuner.pipeline.hospital.ModelFile;
import io.blindtuner.pipeline.hospital.PreparedTraining;
import io.blindtuner.pipeline.hospital.TrainingData;
import io.blindtuner.pipeline.hospital.TrainingListener;
import io.blindtuner.pipeline.hospital.TrainingReport;
import io.blindtuner.pipeline.hospital.TrainingRequest;
import io.blindtuner.pipeline.hospital.TrainingResult;
import io.blindtuner.pipeline.hospital.TrainingService;
import io.blindtuner.vision.data.MedMnistDataset;
import io.blindtuner.vision.features.TokenFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blindtuner train}: trains the head three ways on the same tokens, initialisation, batch
 * order and hyper-parameters — the float reference (exact softmax and GELU), the plaintext twin
 * (the polynomial model in double precision) and, with {@code --encrypted}, the same polynomial
 * model on CKKS ciphertexts — then evaluates each on the test split and prints a table.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train the attention + MLP head on a MedMNIST data set: float reference, plaintext twin, and with --encrypted "
          + "the encrypted head on CKKS (128-bit security). Evaluates on the test split.",
      "Tokens come from a weight-free featurizer fitted on the train images of --data (--featurizer), or from a "
          + "token file written by 'featurize' (--tokens); a PCA fitted on train reduces them to --dim values."
    })
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin DatasetSource source;

  @Option(
      names = "--tokens",
      paramLabel = "FILE",
      description = "A token file from 'featurize' instead of --data.")
  Path tokens;

  @Option(
      names = "--featurizer",
      paramLabel = "KIND",
      description =
          "With --data: kmeans, a k-means patch dictionary learned on the train images with pooling;"
              + " scattering, a two-layer wavelet scattering transform; kmeans_scattering, both standardised"
              + " and stacked per token; or patch, raw standardised 7x7 patches (default: the data set's own,"
              + " chosen on its val split; kmeans for a data set without one).")
  FeaturizerKind featurizer;

  @Mixin DictionaryOptions dictionaryOptions;

  private FeaturizerKind.Dictionary dictionary;

  @Option(
      names = "--encrypted",
      description = "Also train on ciphertexts (CKKS, client-aided refresh).")
  boolean encrypted;

  // --featurizer, --centroids, --patch-size, --epochs, --dim, --positions, --hidden, --lr and
  // --range-penalty default to the data set's own
  // settings, chosen on its val split (DatasetDefaults; the README's "Model quality" table)
  @Option(
      names = "--grid",
      paramLabel = "K",
      description =
          "With --data: pool the featurizer's tokens over K x K regions, T = K*K tokens (default 4).")
  Integer grid;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      description = "Epochs (default: the data set's, 20 for most).")
  Integer epochs;

  @Option(
      names = "--batch",
      paramLabel = "B",
      defaultValue = "32",
      description =
          "Images per step (default ${DEFAULT-VALUE}); encrypted runs need slots / (T*d).")
  int batch;

  @Option(
      names = "--dim",
      paramLabel = "D",
      description =
          "Token values after the PCA (a power of two; default: the data set's, 16 for most).")
  Integer dim;

  @Option(
      names = "--positions",
      paramLabel = "P",
      description =
          "Of the --dim values, P (0, 2 or 4) code each token's place on the pooling grid, so that"
              + " attention pooling keeps where things were (default: the data set's with --data, 0 for"
              + " most and with --tokens).")
  Integer positions;

  @Option(
      names = "--hidden",
      paramLabel = "M",
      description =
          "MLP hidden units, at most T (default: the data set's, 16 for most, capped at T).")
  Integer hidden;

  @Option(
      names = "--lr",
      paramLabel = "RATE",
      description =
          "Initial learning rate of the cosine schedule (default: the data set's, 0.1 for most).")
  Double lr;

  @Option(
      names = "--final-lr",
      paramLabel = "FRACTION",
      defaultValue = "0.1",
      description = "Last learning rate as a fraction of the first (default ${DEFAULT-VALUE}).")
  double finalFraction;

  @Option(
      names = "--momentum",
      paramLabel = "MU",
      defaultValue = "0.9",
      description = "Nesterov momentum (default ${DEFAULT-VALUE}).")
  double momentum;

  @Option(
      names = "--weight-decay",
      paramLabel = "WD",
      defaultValue = "1e-3",
      description = "L2 weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(
      names = "--range-penalty",
      paramLabel = "LAMBDA",
      description =
          "Penalty LAMBDA * (sum h^2 + sum u^2) per image on the MLP pre-activations and centred logits,"
              + " keeping them inside the polynomials' fitted domains (default: the data set's, 0.1 for"
              + " most; 0: none).")
  Double rangePenalty;

  @Option(
      names = "--class-balanced",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Draw every class equally often in each epoch, so the decision threshold does not lean to the"
              + " majority class (default ${DEFAULT-VALUE}; --no-class-balanced: the images' own mix).")
  boolean classBalanced;

  @Option(
      names = "--clip",
      paramLabel = "C",
      defaultValue = "3",
      description = "Standardised token values are clipped to [-C, C] (default ${DEFAULT-VALUE}).")
  double clip;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "7",
      description = "Initialisation and batch-order seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--limit-train",
      paramLabel = "N",
      description = "Only the first N training images.")
  Integer limitTrain;

  @Option(
      names = "--poly-degree",
      paramLabel = "N",
      defaultValue = "16384",
      description = "CKKS ring degree (default ${DEFAULT-VALUE}).")
  int polyDegree;

  @Option(
      names = "--coeff-bits",
      paramLabel = "BITS",
      split = ",",
      defaultValue = "60,40,40,40,40,40,40,40,60",
      description =
          "CKKS prime sizes, data primes then the special prime (default ${DEFAULT-VALUE}); must stay "
              + "within the 128-bit bound.")
  int[] coeffBits;

  @Option(
      names = "--key-switching",
      paramLabel = "LAYOUT",
      defaultValue = EncryptionSettings.DEFAULT_KEY_SWITCHING,
      description =
          "seal: SEAL's layout (one digit per data prime, the last --coeff-bits prime special); or"
              + " DIGITS:BITS,BITS...: hybrid, the data primes in DIGITS digits and special primes of BITS in place of the"
              + " last --coeff-bits prime: fewer NTTs per key switch (default ${DEFAULT-VALUE}).")
  String keySwitching;

  @Option(
      names = "--pipeline",
      paramLabel = "MODE",
      defaultValue = "overlapped",
      description =
          "overlapped: stage actors with several micro-batches in flight (blindtuner.pipeline settings);"
              + " sequential: one micro-batch at a time on this thread (default ${DEFAULT-VALUE}).")
  EncryptionSettings.Pipeline pipeline;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "1",
      description = "Threads per homomorphic operation (over RNS limbs; default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path report;

  @Option(
      names = "--plot",
      paramLabel = "FILE",
      description =
          "Also draw the training curves (test loss, accuracy"
              + " and AUC after every epoch) as a PNG.")
  Path plot;

  @Option(
      names = "--save-model",
      paramLabel = "FILE",
      description =
          "Write the trained head (the encrypted run's with"
              + " --encrypted, else the twin's) with the featurizer, PCA and scaling, for 'predict'; never overwrites.")
  Path saveModel;

  @Option(
      names = "--class-names",
      paramLabel = "NAMES",
      split = ",",
      description =
          "Class names for the model file and predictions, in label order (default 0, 1, ...).")
  List<String> classNames;

  /** The data set's own settings, for the options left out; set by {@link #checkOptions}. */
  private DatasetDefaults defaults;

  @Override
  public Integer call() throws IOException {
    // Bad input surfaces as an exception; BlindtunerCli's handler prints it as "train: message" and
    // exits 1.
    return run(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  private int run(PrintWriter o, PrintWriter err) throws IOException {
    TrainingConfig cfg = checkOptions();
    TrainingService service = new TrainingService(ConfigFactory.load());
    int[] layout = EncryptionSettings.parseKeySwitching(keySwitching);
    TrainingData data = load(err);
    EncryptionSettings enc =
        encrypted
            ? new EncryptionSettings(
                polyDegree,
                coeffBits,
                layout[0],
                Arrays.copyOfRange(layout, 1, layout.length),
                pipeline,
                threads)
            : null;
    PreparedTraining job =
        service.prepare(new TrainingRequest(data, dim, positions, hidden, clip, cfg, enc));
    printSetup(o, job);
    TrainingResult result;
    try (Bars bars = new Bars()) {
      result = service.train(job, bars);
    }
    TrainingReport rep = result.report();
    o.println();
    ModelTable.header(o);
    ModelTable.row(o, "float reference", rep.floatMetrics());
    ModelTable.row(o, "plaintext twin", rep.twinMetrics());
    EncryptedRunFacts e = rep.encrypted();
    if (e != null) {
      ModelTable.row(o, "encrypted (CKKS)", e.metrics());
    }
    ModelTable.chanceNote(
        o,
        e != null ? "encrypted model" : "plaintext twin",
        e != null ? e.metrics() : rep.twinMetrics(),
        rep.shape().classes());
    o.printf(
        Locale.ROOT,
        "%ndomain    twin on train: |score| <= %.2f (attention weight error <= %.3g), |h| <= %.2f"
            + " (GELU error <= %.3g), |centred logit| <= %.2f (softmax error <= %.3g)%n",
        rep.domain().maxScore(),
        rep.domain().attentionWeightError(),
        rep.domain().maxPreActivation(),
        rep.domain().geluError(),
        rep.domain().maxLogit(),
        rep.domain().softmaxError());
    for (String w : rep.domainWarnings()) {
      o.println("WARNING   " + w);
    }
    if (e != null) {
      o.printf(
          Locale.ROOT,
          "encrypted vs twin: %+.2f pp accuracy, %+.4f AUC, parameters within %.2g (released"
              + " flooded against IND-CPA-D: deviation %.2g)%n",
          100 * (e.metrics().accuracy() - rep.twinMetrics().accuracy()),
          e.metrics().auc() - rep.twinMetrics().auc(),
          e.maxParameterDiff(),
          e.releaseFloodingSigma());
      o.printf(
          Locale.ROOT,
          "per step  %.2f s, %.1f rotations, %.1f ciphertext products, %.1f refresh round trips"
              + " (%.1f ciphertexts)%n",
          e.secondsPerStep(),
          (double) e.rotations() / e.steps(),
          (double) e.multiplications() / e.steps(),
          (double) e.refreshRoundTrips() / e.steps(),
          (double) e.refreshedCiphertexts() / e.steps());
      o.printf(
          Locale.ROOT,
          "pipeline  %s, %d micro-batch(es) of %d images per step, at most %d ciphertexts alive%n",
          e.pipeline(),
          e.microBatches(),
          batch / e.microBatches(),
          e.peakCiphertextsAlive());
      o.printf(
          Locale.ROOT,
          "traffic   %.1f MB to the cloud, %.1f MB from the cloud over %d steps%n",
          e.bytesToCloud() / 1e6,
          e.bytesFromCloud() / 1e6,
          e.steps());
    }
    o.printf(Locale.ROOT, "done      in %.1f s%n", rep.totalSeconds());
    if (report != null) {
      JsonReport.write(report, rep.toJson());
      o.println("report    " + report);
    }
    if (plot != null) {
      TrainingPlot.write(plot, TrainingPlot.Curves.of(rep));
      o.println("plot      " + plot);
    }
    if (saveModel != null) {
      ModelFile.write(saveModel, HospitalModel.of(result, JsonReport.toJson(rep.toJson())));
      o.println("model     " + saveModel);
    }
    o.flush();
    return 0;
  }

  /** Every option on its own, before any file is read; the training config they make. */
  private TrainingConfig checkOptions() {
    defaults = DatasetDefaults.of(source.name());
    epochs = epochs != null ? epochs : defaults.epochs();
    dim = dim != null ? dim : defaults.dim();
    // the position code was chosen for the grid of the featurizer fitted here; a token file's
    // tokens may lie on no square grid
    positions = positions != null ? positions : tokens != null ? 0 : defaults.positions();
    if (tokens != null && grid != null) {
      throw new IllegalArgumentException(
          "--grid applies to --data; the tokens of --tokens were pooled when the token file was"
              + " written");
    }
    if (tokens == null) {
      featurizer = featurizer != null ? featurizer : defaults.featurizer();
      grid = grid != null ? grid : featurizer.defaultGrid();
      dictionary = dictionaryOptions.resolve(featurizer, defaults.dictionary());
    } else if (dictionaryOptions.given() != null) {
      throw new IllegalArgumentException(
          dictionaryOptions.given()
              + " applies to --data; the featurizer of --tokens ran when the token file was"
              + " written");
    }
    if (grid != null) {
      OptionChecks.positive("--grid", grid);
    }
    if (hidden == null) {
      hidden = defaults.hidden();
      // a grid coarser than the default leaves fewer tokens: the packing needs m <= T
      hidden = grid == null ? hidden : Math.min(hidden, grid * grid);
    }
    lr = lr != null ? lr : defaults.learningRate();
    rangePenalty = rangePenalty != null ? rangePenalty : defaults.rangePenalty();
    OptionChecks.positive("--epochs", epochs);
    OptionChecks.positive("--batch", batch);
    OptionChecks.positive("--dim", dim);
    OptionChecks.positive("--hidden", hidden);
    HospitalTokens.checkPositions(positions, dim);
    // kmeans tokens hold exactly k values, so a dictionary too small for --dim is known now; the
    // stacked kinds' count depends on the images and is checked when the tokens exist
    if (featurizer == FeaturizerKind.kmeans && dim - positions > dictionary.centroids()) {
      throw new IllegalArgumentException(
          "--centroids "
              + dictionary.centroids()
              + " gives tokens of "
              + dictionary.centroids()
              + " values, fewer than the "
              + (dim - positions)
              + " that --dim "
              + dim
              + (positions > 0 ? " less --positions " + positions : "")
              + " asks for");
    }
    OptionChecks.positive("--threads", threads);
    if (limitTrain != null) {
      OptionChecks.positive("--limit-train", limitTrain);
    }
    OptionChecks.positive("--lr", lr);
    OptionChecks.within("--final-lr", finalFraction, 0, 1);
    OptionChecks.within("--momentum", momentum, 0, 0.999);
    OptionChecks.within("--weight-decay", weightDecay, 0, 1);
    OptionChecks.within("--range-penalty", rangePenalty, 0, 10);
    OptionChecks.positive("--clip", clip);
    if (source.hasData() == (tokens != null)) {
      throw new IllegalArgumentException(
          "give exactly one of --data (a MedMNIST .npz) and --tokens (a token file)");
    }
    if (tokens != null) {
      OptionChecks.readableFile("--tokens", tokens);
      if (featurizer != null) {
        throw new IllegalArgumentException(
            "--featurizer applies to --data; the featurizer of --tokens ran when the"
                + " token file was written");
      }
    }
    if (report != null) {
      OptionChecks.writableFile("--report", report, true);
    }
    if (plot != null) {
      OptionChecks.writableFile("--plot", plot, true);
    }
    if (saveModel != null) {
      OptionChecks.writableFile("--save-model", saveModel, false);
    }
    return new TrainingConfig(
        epochs, batch, lr, finalFraction, momentum, weightDecay, seed, rangePenalty, classBalanced);
  }

  private TrainingData load(PrintWriter err) throws IOException {
    if (tokens != null) {
      TokenFile tf = TokenFile.read(tokens);
      if (!tf.dataset().equalsIgnoreCase(source.name())) {
        throw new IllegalArgumentException(
            "--tokens " + tokens + " holds " + tf.dataset() + ", not " + source.name());
      }
      return TrainingData.fromTokens(tf, tokens, limitTrain, names(tf.classes()));
    }
    // --data is given (checked above), so nothing is downloaded and no cache folder is needed
    DatasetSource.Loaded loaded = source.load(err, null);
    MedMnistDataset ds = loaded.dataset();
    OptionChecks.grid(featurizer, grid, dictionary, ds.train());
    return TrainingData.fromImages(
        ds, loaded.file(), limitTrain, featurizer, grid, dictionary, names(ds.classes()));
  }

  private List<String> names(int classes) {
    if (classNames == null) {
      return TrainingData.numberedClasses(classes);
    }
    if (classNames.size() != classes) {
      throw new IllegalArgumentException(
          "--class-names gives "
              + classNames.size()
              + " names, the data has "
              + classes
              + " classes");
    }
    try {
      classNames.forEach(HospitalModel::checkClassName);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--class-names: " + e.getMessage(), e);
    }
    return classNames;
  }

  private void printSetup(PrintWriter o, PreparedTraining job) {
    var shape = job.shape();
    o.printf(
        Locale.ROOT,
        "data      %s: %d classes, train %d / test %d images, T=%d tokens of %d values (%s)%n",
        source.name(),
        shape.classes(),
        job.train().size(),
        job.test().size(),
        shape.tokens(),
        dim,
        job.reduction());
    o.printf(Locale.ROOT, "tokens    %s%n", job.request().data().source());
    o.printf(
        Locale.ROOT,
        "defaults  %s (chosen on the val split; options given override them)%n",
        DatasetDefaults.hasOwn(source.name())
            ? source.name() + "'s own"
            : "the general ones (" + source.name() + " has none of its own)");
    o.printf(
        Locale.ROOT,
        "head      attention (trainable query) -> MLP %d -> %d -> %d; %d parameters%n",
        dim,
        hidden,
        shape.classes(),
        shape.parameterCount());
    o.printf(
        Locale.ROOT,
        "training  %d epochs x %d steps of %d images, Nesterov mu=%.2f, weight decay %.2g, cosine lr"
            + " %.3g -> %.3g%n",
        epochs,
        job.stepsPerEpoch(),
        batch,
        momentum,
        weightDecay,
        lr,
        lr * finalFraction);
    o.printf(
        Locale.ROOT,
        "objective range penalty %.3g on |h|^2 and |u|^2; %s%n",
        rangePenalty,
        classBalanced ? "classes drawn equally often" : "classes in the images' own mix");
    if (job.params() != null) {
      CkksParameters params = job.params();
      TrainingPlan plan = job.plan();
      o.printf(
          Locale.ROOT,
          "ckks      N=%d, primes %s (%d bits, 128-bit bound %d), %d slots, top level %d, key"
              + " switching %s%n",
          params.n(),
          Arrays.toString(params.spec().coeffModulusBits()),
          params.totalBits(),
          CkksParameters.maxSecureBits(params.n()),
          params.slots(),
          params.maxLevel(),
          params.keySwitchLayout());
      o.printf(
          Locale.ROOT,
          "plan      derived by a dry run: %d rotations and %d ciphertext products per step, %d"
              + " Galois keys in all, the attention stage holding %d and the loss %d%n",
          plan.rotationsPerStep(batch / plan.spec().layout().batch()),
          plan.productsPerStep(batch / plan.spec().layout().batch()),
          plan.rotationSteps().length,
          plan.stage(StageKind.ATTENTION).rotationSteps().length,
          plan.stage(StageKind.LOSS).rotationSteps().length);
    }
    o.flush();
  }

  /** A progress bar per training run. */
  private static final class Bars implements TrainingListener, AutoCloseable {
    private final Map<Phase, ProgressBar> bars = new EnumMap<>(Phase.class);

    @Override
    public synchronized void started(Phase phase, int steps) {
      bars.put(phase, new ProgressBar(phase.label(), steps, "step"));
    }

    @Override
    public void stepped(Phase phase) {
      ProgressBar b;
      synchronized (this) {
        b = bars.get(phase);
      }
      b.step(1);
    }

    @Override
    public synchronized void finished(Phase phase) {
      bars.remove(phase).close();
    }

    @Override
    public synchronized void close() {
      bars.values().forEach(ProgressBar::close);
    }
  }
}
