package io.blindtuner.pipeline.cli;

import static io.blindtuner.pipeline.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.blindtuner.pipeline.kafka.CompactedTopics;
import io.blindtuner.pipeline.kafka.EmbeddedKafka;
import io.blindtuner.pipeline.kafka.KafkaConnection;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.wire.ClaimCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services as separate processes, at the real 128-bit parameters on a slice of BreastMNIST (2
 * steps of 2 micro-batches): the edge in this JVM, the trainer in a child JVM that is killed with
 * SIGKILL after its first checkpoint and started again; the second trainer resumes from that
 * checkpoint and the edge opens the model.
 */
class ServiceProcessTest {

  @Test
  void theTrainerSurvivesKillDashNineAndTheEdgeGetsItsModel(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"))) {
      Path conf = dir.resolve("services.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "blindtuner.kafka.bootstrap-servers = \"" + broker.bootstrapServers() + "\"",
              "blindtuner.kafka.blobs.dir = \"" + dir.resolve("blobs") + "\"",
              "blindtuner.services.management.port = 0",
              "blindtuner.services.edge.state-dir = \"" + dir.resolve("edge") + "\"",
              "blindtuner.services.trainer.checkpoint-every = 1",
              ""));
      CompletableFuture<CliFixture.Run> edge =
          CompletableFuture.supplyAsync(
              () ->
                  CliFixture.run(
                      "edge",
                      "--dataset",
                      "breastmnist",
                      "--data",
                      CliFixture.data().toString(),
                      "--limit-train",
                      "128",
                      "--job-id",
                      "proc-1",
                      "--config",
                      conf.toString()));
      KafkaConnection kafka =
          new KafkaConnection(broker.bootstrapServers(), Map.of(), "blindtuner.");
      Process first = trainer(conf, dir.resolve("first.log"));
      byte[][] checkpoint = new byte[1][];
      ActorTestKit kit = ActorTestKit.create();
      try {
        eventually(
            kit,
            Duration.ofMinutes(10),
            () ->
                checkpoint[0] =
                    CompactedTopics.latest(
                            kafka,
                            Topic.CHECKPOINTS,
                            "proc-1".getBytes(StandardCharsets.UTF_8),
                            Duration.ofSeconds(30))
                        .orElseThrow(
                            () ->
                                new AssertionError(
                                    "no checkpoint of proc-1 yet (first trainer alive: "
                                        + first.isAlive()
                                        + "; its log: "
                                        + dir.resolve("first.log")
                                        + ")")));
      } finally {
        kit.shutdownTestKit();
      }
      first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, nothing flushed or committed
      assertThat(ClaimCheck.parse(checkpoint[0]).version()).isEqualTo(1);

      Process second = trainer(conf, dir.resolve("second.log"));
      assertThat(second.waitFor(10, TimeUnit.MINUTES)).isTrue();
      String log = Files.readString(dir.resolve("second.log"));
      assertThat(second.exitValue()).as(log).isZero();
      assertThat(log).contains("job proc-1: steps 1..1 done");
      CliFixture.Run e = edge.get(10, TimeUnit.MINUTES);
      assertThat(e.code()).as(e.err()).isZero();
      assertThat(e.out()).contains("2 steps of 2 micro-batches").contains("encrypted (Kafka)");
    }
  }

  private static Process trainer(Path conf, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            List.of(
                java,
                "-Xmx3g",
                "-cp",
                System.getProperty("java.class.path"),
                BlindtunerCli.class.getName(),
                "trainer",
                "--config",
                conf.toString(),
                "--jobs",
                "1"))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }
}
