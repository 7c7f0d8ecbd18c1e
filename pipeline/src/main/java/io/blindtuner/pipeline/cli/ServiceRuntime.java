package io.blindtuner.pipeline.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.blindtuner.config.KafkaSettings;
import io.blindtuner.config.ServiceSettings;
import io.blindtuner.pipeline.kafka.BlobStore;
import io.blindtuner.pipeline.kafka.EmbeddedKafka;
import io.blindtuner.pipeline.kafka.KafkaConnection;
import io.blindtuner.pipeline.kafka.Topic;
import io.blindtuner.pipeline.kafka.Topics;
import io.blindtuner.pipeline.ops.ManagementServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;

/**
 * What a long-lived service process runs on: its configuration (reference.conf under an optional
 * {@code --config} file), the Kafka cluster (external, or the in-process broker when none is
 * configured) with every topic ensured, the blob store, the Prometheus registry and the management
 * endpoints. Everything is checked before the service takes work; a bad setting or an unreachable
 * cluster is one error naming it.
 */
final class ServiceRuntime implements AutoCloseable {
  final Config config;
  final ServiceSettings services;
  final KafkaConnection kafka;
  final BlobStore blobs;
  final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final AtomicBoolean ready = new AtomicBoolean();
  private final EmbeddedKafka broker;
  private final ManagementServer management;

  private ServiceRuntime(
      Config config,
      ServiceSettings services,
      KafkaConnection kafka,
      BlobStore blobs,
      EmbeddedKafka broker) {
    this.config = config;
    this.services = services;
    this.kafka = kafka;
    this.blobs = blobs;
    this.broker = broker;
    this.management =
        ManagementServer.start(
            services.managementHost(), services.managementPort(), metrics, ready::get, () -> true);
  }

  /**
   * @param configFile a HOCON file over reference.conf, or null
   * @throws IllegalArgumentException naming the file or setting at fault, or the cluster that did
   *     not answer
   * @throws IOException if the blob store or the in-process broker's directory cannot be used
   */
  static ServiceRuntime start(Path configFile) throws IOException {
    Config config = ConfigFactory.load();
    if (configFile != null) {
      if (!Files.isRegularFile(configFile)) {
        throw new IllegalArgumentException("--config " + configFile + ": no such file");
      }
      config =
          ConfigFactory.parseFile(configFile.toFile())
              .withFallback(ConfigFactory.defaultReference())
              .resolve();
    }
    ServiceSettings services = ServiceSettings.from(config);
    KafkaSettings ks = KafkaSettings.from(config);
    EmbeddedKafka broker = ks.embedded() ? EmbeddedKafka.start(ks.embeddedDataDir()) : null;
    KafkaConnection kafka =
        KafkaConnection.of(ks, broker != null ? broker.bootstrapServers() : ks.bootstrapServers());
    try (Admin admin = kafka.admin()) {
      Topics.ensure(admin, List.of(Topic.values()), services.timeout());
    } catch (ExecutionException | TimeoutException e) {
      if (broker != null) {
        broker.close();
      }
      throw new IllegalArgumentException(
          "Kafka at " + kafka.bootstrapServers() + " did not set up the topics: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while setting up the topics", e);
    }
    return new ServiceRuntime(config, services, kafka, BlobStore.of(ks), broker);
  }

  /** Where the management endpoints listen. */
  int managementPort() {
    return management.port();
  }

  @Override
  public void close() {
    ready.set(false);
    management.close();
    if (broker != null) {
      broker.close();
    }
  }
}
