package io.blindtuner.pipeline.cli;

import io.blindtuner.he.ring.Parallelism;
import io.blindtuner.model.HeadFunctions;
import io.blindtuner.model.TrainingConfig;
import io.blindtuner.model.eval.Metrics;
import io.blindtuner.model.hospital.HospitalJob;
import io.blindtuner.model.hospital.KeyFileException;
import io.blindtuner.model.hospital.RefreshLedger;
import io.blindtuner.pipeline.hospital.EdgeJob;
import io.blindtuner.pipeline.hospital.EdgeService;
import io.blindtuner.pipeline.hospital.FeaturizerKind;
import io.blindtuner.pipeline.hospital.HospitalTokens;
import io.blindtuner.pipeline.hospital.TrainingData;
import io.blindtuner.pipeline.hospital.TrainingReport;
import io.blindtuner.pipeline.kafka.Topic;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blindtuner edge}: the hospital edge for one training job. Featurizes the hospital's images, generates the
 * job's keys (the secret key never leaves this process), announces the job on Kafka, publishes the encrypted
 * micro-batches, answers the trainer's refresh requests through the guard, and opens and scores the encrypted model
 * when it comes back. The trainer may run anywhere that reaches the same Kafka cluster and blob store.
 */
@Command(
    name = "edge",
    mixinStandardHelpOptions = true,
    description = {"The hospital edge for one job: encrypt and publish the micro-batches, answer refreshes, open the"
        + " model (blindtuner.kafka, blindtuner.services)."})
public final class EdgeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeCommand.class);
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin DatasetSource source;

  @Option(names = "--job-id", paramLabel = "ID", description = "The job's id (default: edge-DATASET).")
  String jobId;

  @Option(names = "--epochs", paramLabel = "E", defaultValue = "1", description = "Epochs (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", paramLabel = "B", defaultValue = "64",
      description = "Images per step, a multiple of 32 (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--limit-train", paramLabel = "N", description = "Only the first N training images.")
  Integer limitTrain;

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON settings over reference.conf.")
  Path config;

  @Option(names = "--report", paramLabel = "FILE", description = "Also write the results as JSON.")
  Path report;

  @Override
  public Integer call() throws Exception {
    String id = jobId != null ? jobId : "edge-" + source.name().toLowerCase(Locale.ROOT);
    if (!JOB_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("--job-id must be 1 to 64 of [A-Za-z0-9._-], got " + id);
    }
    if (epochs < 1 || batch < 1 || (limitTrain != null && limitTrain < 1)) {
      throw new IllegalArgumentException("--epochs, --batch and --limit-train must be >= 1");
    }
    if (!source.hasData()) {
      throw new IllegalArgumentException("--data is required: the edge reads the hospital's own files");
    }
    PrintWriter o = spec.commandLine().getOut();
    DatasetSource.Loaded loaded = source.load(spec.commandLine().getErr(), null);
    HospitalTokens tokens = HospitalTokens.prepare(TrainingData.fromImages(loaded.dataset(), loaded.file(), limitTrain,
        FeaturizerKind.DEFAULT, TrainingData.numberedClasses(loaded.dataset().classes())), DemoCommand.DIM,
        DemoCommand.HIDDEN, DemoCommand.CLIP);
    TrainingConfig cfg = new TrainingConfig(epochs, batch, 0.1, 0.1, 0.9, 1e-3, 7);
    try (ServiceRuntime rt = ServiceRuntime.start(config)) {
      Path state = rt.services.edgeStateDir();
      Files.createDirectories(state);
      EdgeJob job = EdgeJob.create(id, 16384, DemoCommand.COEFF_BITS, false, tokens.shape(), cfg, tokens.train(),
          budget -> ledger(state.resolve(id + ".ledger"), budget),
          (rid, why) -> {
            rt.metrics.counter("blindtuner.refresh.refused").increment();
            LOG.warn("job {}: refused refresh {}: {}", id, rid, why);
          }, Topic.BATCHES.maxRecordBytes(),
          Parallelism.SERIAL);
      try (EdgeService edge = new EdgeService(rt.config, rt.kafka, rt.blobs, rt.metrics);
          EdgeService.Run run = edge.start(job)) {
        rt.ready.set(true);
        o.printf(Locale.ROOT, "edge      job %s announced on %s: %d steps of %d micro-batches; publishing%n", id,
            rt.kafka.bootstrapServers(), job.spec().steps(), job.spec().microBatchesPerStep());
        o.flush();
        run.publishBatches().toCompletableFuture().get();
        o.printf(Locale.ROOT, "edge      %d micro-batch records published (%.1f MB); answering refreshes until the"
            + " model arrives%n", run.records(), run.batchBytes() / 1e6);
        o.flush();
        HospitalJob.Opened model = run.awaitModel(rt.services.timeout().multipliedBy(job.spec().steps()));
        Metrics m = Metrics.ofHead(HeadFunctions.polynomial(tokens.shape().classes()), model.parameters(),
            tokens.test());
        ModelTable.header(o);
        ModelTable.row(o, "encrypted (Kafka)", m);
        ModelTable.chanceNote(o, "encrypted model", m, tokens.shape().classes());
        if (report != null) {
          Map<String, Object> rep = new LinkedHashMap<>();
          rep.put("job_id", id);
          rep.put("dataset", source.name());
          rep.put("steps", job.spec().steps());
          TrainingReport.put(rep, "encrypted", m);
          rep.put("release_flooding_sigma", model.floodingSigma());
          JsonReport.write(report, rep);
          o.println("report    " + report);
        }
        o.flush();
      }
    }
    return 0;
  }

  private static RefreshLedger ledger(Path file, long budget) {
    try {
      return RefreshLedger.open(file, budget);
    } catch (KeyFileException e) {
      throw new UncheckedIOException(e);
    }
  }
}
