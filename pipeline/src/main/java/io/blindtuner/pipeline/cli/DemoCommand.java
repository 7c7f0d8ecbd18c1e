package io.blindtuner.pipeline.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blindtuner.actors.FaultInjector;
import io.blindtuner.he.ckks.CkksSpec;
import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.HeadParameters;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.eval.Metrics;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.model.plain.PlainHead;
import io.blindtuner.pipeline.cloud.TrainerService;
import io.blindtuner.pipeline.hospital.EdgeJob;
import io.blindtuner.pipeline.hospital.EdgeService;
import io.blindtuner.pipeline.hospital.EncryptionSettings;
import io.blindtuner.pipeline.hospital.EpochMetrics;
import io.blindtuner.pipeline.hospital.FeaturizerKind;
import io.blindtuner.pipeline.hospital.HospitalTokens;
import io.blindtuner.pipeline.hospital.TrainingData;
import io.blindtuner.pipeline.hospital.TrainingReport;
import io.blindtuner.pipeline.hospital.TrainingService;
import io.blindtuner.pipeline.kafka.BlobStore;
import io.blindtuner.pipeline.kafka.EmbeddedKafka;
import io.blindtuner.pipeline.kafka.KafkaConnection;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.kafka.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blindtuner demo}: the whole system in one process — an in-process Kafka broker, the
 * hospital edge and the cloud trainer, meeting only through Kafka topics and a blob store — on a
 * MedMNIST data set; then the encrypted model against the plaintext twin and the float reference on
 * the test split.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the hospital edge and the cloud trainer against an in-process Kafka broker on a MedMNIST data set, "
          + "then compare the encrypted model with the plaintext twin and the float reference on the test split."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      defaultValue = "breastmnist",
      description = "MedMNIST data set (default ${DEFAULT-VALUE}).")
  String dataset;

  @Option(
      names = "--data",
      paramLabel = "PATH",
      required = true,
      description = "The .npz file, or a folder holding NAME.npz.")
  Path data;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      defaultValue = "1",
      description = "Epochs (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--batch",
      paramLabel = "B",
      defaultValue = "64",
      description =
          "Images per step, a multiple of 32 (default ${DEFAULT-VALUE}: two micro-batches in flight).")
  int batch;

  @Option(
      names = "--limit-train",
      paramLabel = "N",
      description = "Only the first N training images.")
  Integer limitTrain;

  @Option(
      names = "--checkpoint-every",
      paramLabel = "K",
      defaultValue = "5",
      description = "Steps between the trainer's checkpoints (default ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path report;

  @Option(
      names = "--plot",
      paramLabel = "FILE",
      description =
          "Also draw the training curves (test loss, accuracy"
              + " and AUC after every epoch of the float reference and the twin, and the encrypted model) as a PNG.")
  Path plot;

  /**
   * The demo's (and the edge's default) learning rate: its one epoch is 8 steps of 64 images, which
   * at 0.1 (or 0.5) leaves BreastMNIST at the majority class (val balanced accuracy 0.500 on three
   * seeds); 2.0 reaches 0.63-0.69 with the k-means featurizer while the twin stays well inside its
   * polynomial domains (bench/FEATURIZER-SWEEP.md).
   */
  static final double LEARNING_RATE = 2.0;

  /** The demo's (and the edge's) head: token values after the PCA, and hidden units. */
  public static final int DIM = 16;

  public static final int HIDDEN = 16;

  /** Images per micro-batch ciphertext: 8192 slots / (16 tokens x DIM values). */
  static final int MICRO_BATCH = 32;

  static final double CLIP = 3;
  private static final int[] COEFF_BITS = {60, 40, 40, 40, 40, 40, 40, 40, 60};

  /**
   * The demo's (and the edge's) parameters at N = 16384: these primes in the hybrid key-switching
   * layout that {@code train --encrypted} uses by default ({@link
   * EncryptionSettings#DEFAULT_KEY_SWITCHING}, 438 bits: 128-bit security); both ends of the job
   * run our engine, so the keys need not be SEAL's.
   */
  public static CkksSpec ckks() {
    int[] layout = EncryptionSettings.parseKeySwitching(EncryptionSettings.DEFAULT_KEY_SWITCHING);
    return CkksSpec.of(16384, COEFF_BITS)
        .withKeySwitching(layout[0], Arrays.copyOfRange(layout, 1, layout.length));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    OptionChecks.positive("--epochs", epochs);
    OptionChecks.positive("--batch", batch);
    if (batch % MICRO_BATCH != 0) {
      throw new IllegalArgumentException(
          "--batch "
              + batch
              + " is not a multiple of "
              + MICRO_BATCH
              + " (the images"
              + " one micro-batch ciphertext holds at N = 16384 with "
              + DIM
              + " values per token)");
    }
    OptionChecks.positive("--checkpoint-every", checkpointEvery);
    if (limitTrain != null) {
      OptionChecks.positive("--limit-train", limitTrain);
    }
    if (report != null) {
      OptionChecks.writableFile("--report", report, true);
    }
    if (plot != null) {
      OptionChecks.writableFile("--plot", plot, true);
    }
    long t0 = System.nanoTime();
    DatasetSource src = new DatasetSource();
    src.dataset = dataset;
    src.data = data;
    DatasetSource.Loaded loaded = src.load(spec.commandLine().getErr(), null);
    HospitalTokens tokens =
        HospitalTokens.prepare(
            TrainingData.fromImages(
                loaded.dataset(),
                loaded.file(),
                limitTrain,
                FeaturizerKind.DEFAULT,
                FeaturizerKind.DEFAULT.defaultGrid(),
                FeaturizerKind.Dictionary.DEFAULT,
                TrainingData.numberedClasses(loaded.dataset().classes())),
            DIM,
            HIDDEN,
            CLIP);
    TrainingConfig cfg = new TrainingConfig(epochs, batch, LEARNING_RATE, 0.1, 0.9, 1e-3, 7);
    Config config = ConfigFactory.load();
    Path work = Files.createTempDirectory("blindtuner-demo");
    Map<String, Object> rep = new LinkedHashMap<>();
    try (EmbeddedKafka broker = EmbeddedKafka.start(work.resolve("kafka"))) {
      KafkaConnection kafka =
          new KafkaConnection(broker.bootstrapServers(), Map.of(), "blindtuner.demo.");
      try (Admin admin = kafka.admin()) {
        Topics.ensure(admin, List.of(Topic.values()), Duration.ofSeconds(60));
      }
      BlobStore blobs = new BlobStore(work.resolve("blobs"), 4L << 30);
      o.printf(
          Locale.ROOT,
          "broker    in-process Kafka (KRaft) at %s; blob store %s%n",
          broker.bootstrapServers(),
          work.resolve("blobs"));
      o.printf(
          Locale.ROOT,
          "data      %s: train %d / test %d images, T=%d tokens of %d values (%s)%n",
          dataset,
          tokens.train().size(),
          tokens.test().size(),
          tokens.shape().tokens(),
          DIM,
          tokens.reduction());
      o.flush();
      List<String> refusals = new CopyOnWriteArrayList<>();
      EdgeJob job =
          EdgeJob.create(
              "demo-" + dataset,
              ckks(),
              tokens.shape(),
              cfg,
              tokens.train(),
              RefreshLedger::inMemory,
              (id, why) -> refusals.add(id + ": " + why),
              Topic.BATCHES.maxRecordBytes(),
              Parallelism.SERIAL);
      int steps = Math.toIntExact(job.spec().steps());
      o.printf(
          Locale.ROOT,
          "job       %s: %d steps of %d micro-batches, N=16384, %d Galois keys; plan derived on"
              + " both sides from the announcement%n",
          job.spec().jobId(),
          steps,
          job.spec().microBatchesPerStep(),
          job.hospital().plan().rotationSteps().length);
      o.flush();
      List<EpochMetrics> floatHistory = new ArrayList<>();
      List<EpochMetrics> twinHistory = new ArrayList<>();
      HeadParameters floatParams =
          TrainingService.plainScored(
              cfg,
              tokens.shape(),
              HeadFunctions.exact(),
              tokens.train(),
              tokens.test(),
              floatHistory,
              () -> {});
      HeadParameters twinParams =
          TrainingService.plainScored(
              cfg,
              tokens.shape(),
              HeadFunctions.polynomial(tokens.shape().classes()),
              tokens.train(),
              tokens.test(),
              twinHistory,
              () -> {});
      SimpleMeterRegistry metrics = new SimpleMeterRegistry();
      HospitalJob.Opened encrypted;
      HospitalJob.Predictions inference;
      long roundTrips;
      int[] inferenceIndex;
      double inferenceSeconds;
      TrainerService.Report tr;
      long batchBytes;
      long batchRecords;
      try (EdgeService edge = new EdgeService(config, kafka, blobs, metrics);
          EdgeService.Run run = edge.start(job);
          TrainerService trainer =
              new TrainerService(
                  config,
                  kafka,
                  blobs,
                  metrics,
                  checkpointEvery,
                  Duration.ofMinutes(10),
                  FaultInjector.NONE)) {
        run.publishBatches();
        try (ProgressBar bar = new ProgressBar("encrypted via Kafka", steps, "step")) {
          tr = trainer.trainNext(s -> bar.step(1));
        }
        encrypted = run.awaitModel(Duration.ofMinutes(10));
        roundTrips = (long) metrics.get("blindtuner.refresh.answered").counter().count();
        // encrypted inference: the trainer classifies test images it never sees; only the edge
        // reads the answer
        inferenceIndex =
            IntStream.range(0, Math.min(job.hospital().imagesPerRequest(), tokens.test().size()))
                .toArray();
        long ti = System.nanoTime();
        try (AutoCloseable serving = trainer.serve(job.spec().jobId())) {
          inference =
              run.predict(tokens.test(), inferenceIndex)
                  .toCompletableFuture()
                  .get(10, TimeUnit.MINUTES);
        }
        inferenceSeconds = (System.nanoTime() - ti) / 1e9;
        batchBytes = run.batchBytes();
        batchRecords = run.records();
      }
      if (!refusals.isEmpty()) {
        throw new IllegalStateException("the edge refused refreshes: " + refusals);
      }
      int classes = tokens.shape().classes();
      Metrics floatM = Metrics.ofHead(HeadFunctions.exact(), floatParams, tokens.test());
      Metrics twinM = Metrics.ofHead(HeadFunctions.polynomial(classes), twinParams, tokens.test());
      Metrics encM =
          Metrics.ofHead(HeadFunctions.polynomial(classes), encrypted.parameters(), tokens.test());
      long inferenceRoundTrips =
          (long) metrics.get("blindtuner.refresh.answered").counter().count() - roundTrips;
      o.println();
      ModelTable.header(o);
      ModelTable.row(o, "float reference", floatM);
      ModelTable.row(o, "plaintext twin", twinM);
      ModelTable.row(o, "encrypted (Kafka)", encM);
      ModelTable.chanceNote(o, "encrypted model", encM, classes);
      double[][] released =
          new PlainHead(HeadFunctions.polynomial(classes))
              .logits(encrypted.parameters(), tokens.test());
      int agree = 0;
      int correct = 0;
      for (int i = 0; i < inferenceIndex.length; i++) {
        int cloud = Metrics.argmax(inference.logits()[i]);
        agree += cloud == Metrics.argmax(released[inferenceIndex[i]]) ? 1 : 0;
        correct += cloud == tokens.test().labels()[inferenceIndex[i]] ? 1 : 0;
      }
      o.printf(
          Locale.ROOT,
          "inference %d test images classified on ciphertexts by the trainer in %.1f s (one request,"
              + " %d refresh): %d agree with the released model, %d correct%n",
          inferenceIndex.length,
          inferenceSeconds,
          inferenceRoundTrips,
          agree,
          correct);
      double seconds = (System.nanoTime() - t0) / 1e9;
      o.printf(
          Locale.ROOT,
          "%ntrainer   %d steps, %.2f s/step, %d checkpoints, %d dead letters%n",
          steps,
          tr.seconds() / steps,
          tr.checkpoints(),
          tr.deadLetters());
      o.printf(
          Locale.ROOT,
          "kafka     %d micro-batch records (%.1f MB), %d refresh round trips, 1 key bundle,"
              + " %d checkpoints and 1 model as claim checks%n",
          batchRecords,
          batchBytes / 1e6,
          roundTrips,
          tr.checkpoints());
      rep.put("dataset", dataset);
      rep.put("train_images", tokens.train().size());
      rep.put("test_images", tokens.test().size());
      rep.put("epochs", epochs);
      rep.put("batch", batch);
      rep.put("steps", steps);
      rep.put("micro_batches_per_step", job.spec().microBatchesPerStep());
      TrainingReport.put(rep, "float", floatM);
      TrainingReport.put(rep, "twin", twinM);
      TrainingReport.put(rep, "encrypted", encM);
      rep.put("encrypted_vs_twin_accuracy_pp", 100 * (encM.accuracy() - twinM.accuracy()));
      rep.put("encrypted_vs_twin_auc", encM.auc() - twinM.auc());
      rep.put("seconds_per_step", tr.seconds() / steps);
      rep.put("kafka_records", batchRecords + 2 * roundTrips + 2 + tr.checkpoints());
      rep.put("micro_batch_bytes", batchBytes);
      rep.put("refresh_round_trips", roundTrips);
      rep.put("dead_letters", tr.deadLetters());
      rep.put("checkpoints", tr.checkpoints());
      rep.put("security_bits", 128);
      rep.put("release_flooding_sigma", encrypted.floodingSigma());
      rep.put("inference_images", inferenceIndex.length);
      rep.put("inference_seconds", inferenceSeconds);
      rep.put("inference_refresh_round_trips", inferenceRoundTrips);
      rep.put("inference_agreement_with_released_model", (double) agree / inferenceIndex.length);
      rep.put("inference_accuracy", (double) correct / inferenceIndex.length);
      // The encrypted model is opened once, at the end: its curve is that one point.
      List<EpochMetrics> encryptedHistory =
          List.of(
              TrainingService.score(
                  epochs,
                  Double.NaN,
                  HeadFunctions.polynomial(classes),
                  encrypted.parameters(),
                  tokens.test()));
      Map<String, Object> history = new LinkedHashMap<>();
      history.put("float", floatHistory.stream().map(EpochMetrics::toJson).toList());
      history.put("twin", twinHistory.stream().map(EpochMetrics::toJson).toList());
      history.put("encrypted", encryptedHistory.stream().map(EpochMetrics::toJson).toList());
      rep.put("history", history);
      rep.put("total_seconds", seconds);
      if (plot != null) {
        TrainingPlot.write(
            plot,
            new TrainingPlot.Curves(
                dataset
                    + ", "
                    + tokens.train().size()
                    + " train / "
                    + tokens.test().size()
                    + " test images, encrypted via Kafka",
                epochs,
                floatHistory,
                twinHistory,
                encryptedHistory));
        o.println("plot      " + plot);
      }
      o.printf(Locale.ROOT, "done      in %.1f s%n", seconds);
    } finally {
      deleteTree(work);
    }
    if (report != null) {
      JsonReport.write(report, rep);
      o.println("report    " + report);
    }
    o.flush();
    return 0;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      List<Path> paths = new ArrayList<>(all.sorted(Comparator.reverseOrder()).toList());
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
