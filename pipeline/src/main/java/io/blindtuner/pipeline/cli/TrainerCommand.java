package io.blindtuner.pipeline.cli;

import io.blindtuner.actors.FaultInjector;
import io.blindtuner.pipeline.cloud.TrainerService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code blindtuner trainer}: the cloud trainer as a long-lived process. Takes job announcements
 * from Kafka one after another and trains each (resuming from its latest checkpoint after a crash),
 * until stopped or until {@code --jobs} jobs are done. Holds evaluation keys only.
 */
@Command(
    name = "trainer",
    mixinStandardHelpOptions = true,
    description = {
      "The cloud trainer service: trains announced jobs on ciphertexts, from Kafka (blindtuner.kafka),"
          + " with checkpoints and metrics (blindtuner.services)."
    })
public final class TrainerCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON settings over reference.conf.")
  Path config;

  @Option(
      names = "--jobs",
      paramLabel = "N",
      description = "Stop after N jobs (default: run until stopped).")
  Integer jobs;

  @Option(
      names = "--serve",
      description =
          "After the --jobs are trained, keep serving their encrypted inference"
              + " until stopped (every trained job is served meanwhile).")
  boolean serve;

  @Override
  public Integer call() throws Exception {
    if (jobs != null && jobs < 1) {
      throw new IllegalArgumentException("--jobs must be >= 1, got " + jobs);
    }
    PrintWriter o = spec.commandLine().getOut();
    try (ServiceRuntime rt = ServiceRuntime.start(config);
        TrainerService trainer =
            new TrainerService(
                rt.config,
                rt.kafka,
                rt.blobs,
                rt.metrics,
                rt.services.checkpointEvery(),
                rt.services.timeout(),
                FaultInjector.NONE)) {
      rt.ready.set(true);
      o.printf(
          Locale.ROOT,
          "trainer   Kafka %s, blob store ready, management on port %d; waiting for jobs%n",
          rt.kafka.bootstrapServers(),
          rt.managementPort());
      o.flush();
      List<AutoCloseable> serving = new ArrayList<>();
      for (int done = 0; jobs == null || done < jobs; done++) {
        TrainerService.Report r = trainer.trainNext(step -> {});
        serving.add(trainer.serve(r.jobId()));
        o.printf(
            Locale.ROOT,
            "trainer   job %s: steps %d..%d done in %.1f s, %d checkpoints, %d dead letters;"
                + " model %s%n",
            r.jobId(),
            r.firstStep(),
            r.steps() - 1,
            r.seconds(),
            r.checkpoints(),
            r.deadLetters(),
            r.model().uri());
        o.flush();
      }
      if (serve) {
        o.printf(
            Locale.ROOT,
            "trainer   serving encrypted inference for %d job(s) until stopped%n",
            serving.size());
        o.flush();
        new CountDownLatch(1).await(); // until the process is stopped
      }
      for (AutoCloseable c : serving) {
        c.close();
      }
    }
    return 0;
  }
}
